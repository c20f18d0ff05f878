package dev.recur.cli.bench;

import dev.recur.model.ModelWorkspace;

import dev.recur.math.MathKernels;
import dev.recur.model.RnnLanguageModel;
import dev.recur.spi.GradientClipper;
import dev.recur.spi.Optimizer;
import dev.recur.spi.Parameter;
import dev.recur.spi.Sampler;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Throughput of a {@link Workload} on random tokens: per-step (training) or per-token (generation) times,
 * reported as the median tokens/s over the timed part after a warm-up. A measurement tool for benchmarks
 * and {@code recur bench}, never for tests.
 */
public final class Throughput {

    private Throughput() {
    }

    /**
     * The default minimum warm-up time (besides the given number of steps or tokens): C2 compiles (and
     * sometimes recompiles after a deoptimisation) the vector kernels within the first seconds, and timing
     * earlier code measures the JIT, not the kernels (the way JMH warms up).
     */
    public static final long MIN_WARMUP_NANOS = 5_000_000_000L;

    /**
     * @param medianTokensPerSecond the median over the timed steps (training) or chunks of 100 tokens (generation)
     * @param min                   the slowest
     * @param max                   the fastest
     * @param timed                 steps or tokens timed
     */
    public record Result(double medianTokensPerSecond, double min, double max, long timed) {
    }

    /** Full training steps: zero gradients, forward, backward, clip, optimizer step. */
    public static Result training(RnnLanguageModel model, Optimizer optimizer, double learningRate,
                                  GradientClipper clipper, Workload w,
                                  int warmup, long minWarmupNanos, int steps, long seed) {
        int b = w.batch();
        int t = w.bptt();
        List<Parameter> params = model.parameters();
        ModelWorkspace ws = model.newWorkspace(b, t);
        SplittableRandom r = new SplittableRandom(seed);
        int[] in = new int[t * b];
        int[] tgt = new int[t * b];
        float[] state = model.newState(b);
        double[] tps = new double[steps];
        java.util.function.ToIntFunction<java.util.random.RandomGenerator> token = w.tokens();
        java.util.function.LongSupplier step = () -> {
            for (int i = 0; i < t * b; i++) {
                in[i] = token.applyAsInt(r);
                tgt[i] = token.applyAsInt(r);
            }
            long t0 = System.nanoTime();
            for (Parameter p : params) {
                p.zeroGrad();
            }
            model.trainWindow(ws, t, 0, in, tgt, state, state);
            clipper.clip(params);
            optimizer.step(params, learningRate);
            return System.nanoTime() - t0;
        };
        long warmStart = System.nanoTime();
        for (int s = 0; s < warmup || System.nanoTime() - warmStart < minWarmupNanos; s++) {
            step.getAsLong();
        }
        for (int s = 0; s < steps; s++) {
            tps[s] = t * b / (step.getAsLong() / 1e9);
        }
        return summarize(tps, steps);
    }

    /** Batch-1 generation: logits of the last token, sample, feed the sample back; timed in chunks of 100 tokens. */
    public static Result generation(RnnLanguageModel model, Sampler sampler, int warmupTokens, long minWarmupNanos,
                                    int tokens, long seed) {
        ModelWorkspace ws = model.newWorkspace(1, 1);
        float[] state = model.newState(1);
        float[] logits = new float[model.vocabSize()];
        int[] token = {0};
        SplittableRandom r = new SplittableRandom(seed);
        long warmStart = System.nanoTime();
        for (int i = 0; i < warmupTokens || System.nanoTime() - warmStart < minWarmupNanos; i++) {
            model.logitsAfter(ws, 1, token, state, state, logits);
            token[0] = sampler.sample(logits, 0, logits.length, r);
        }
        int chunk = 100;
        int chunks = Math.max(1, tokens / chunk);
        double[] tps = new double[chunks];
        for (int c = 0; c < chunks; c++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < chunk; i++) {
                model.logitsAfter(ws, 1, token, state, state, logits);
                token[0] = sampler.sample(logits, 0, logits.length, r);
            }
            tps[c] = chunk / ((System.nanoTime() - t0) / 1e9);
        }
        return summarize(tps, (long) chunks * chunk);
    }

    private static Result summarize(double[] tps, long timed) {
        double[] s = tps.clone();
        Arrays.sort(s);
        return new Result(s[s.length / 2], s[0], s[s.length - 1], timed);
    }

    /**
     * GFLOP/s of C = A·B with A [m×k], B [k×n]: the median over at least {@code minReps} products and
     * {@code minTimedNanos} of timed products, after products for at least {@code minWarmupNanos} (the Vector
     * API kernels are slow until C2 has compiled them, which can take seconds on a busy 2-vCPU machine).
     */
    public static double gemmGflops(MathKernels k, int m, int n, int kk, long minWarmupNanos, long minTimedNanos,
                                    int minReps, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[m * kk];
        float[] b = new float[kk * n];
        float[] c = new float[m * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) r.nextDouble();
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) r.nextDouble();
        }
        long start = System.nanoTime();
        int warm = 0;
        while (warm < 3 || System.nanoTime() - start < minWarmupNanos) {
            k.gemmNN(m, n, kk, a, 0, kk, b, 0, n, c, 0, n, false);
            warm++;
        }
        double[] g = new double[Math.max(1, minReps)];
        int reps = 0;
        long timed = 0;
        while (reps < minReps || timed < minTimedNanos) {
            long t0 = System.nanoTime();
            k.gemmNN(m, n, kk, a, 0, kk, b, 0, n, c, 0, n, false);
            long dt = System.nanoTime() - t0;
            timed += dt;
            if (reps == g.length) {
                g = Arrays.copyOf(g, 2 * g.length);
            }
            g[reps++] = 2.0 * m * n * kk / Math.max(1, dt);
        }
        g = Arrays.copyOf(g, reps);
        Arrays.sort(g);
        return g[reps / 2];
    }
}
