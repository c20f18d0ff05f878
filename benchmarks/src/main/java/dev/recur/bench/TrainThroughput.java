package dev.recur.bench;

import dev.recur.cells.ElmanCell;
import dev.recur.math.Activation;
import dev.recur.math.Kernels;
import dev.recur.model.RnnLanguageModel;
import dev.recur.optim.GlobalNormClipper;
import dev.recur.optim.Sgd;
import dev.recur.spi.Parameter;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Training throughput of the standard workloads W and C (shared/bench/peers/README.md): full steps
 * (zero gradients, forward, backward, global-norm clip 0.25, SGD lr 1) on a random token stream; prints one
 * JSON line with the median tokens/s over the timed steps after the warm-up steps.
 *
 * <p>usage: TrainThroughput --workload W|C [--steps 100] [--warmup 10] [--threads 1] [--seed 1]
 */
public final class TrainThroughput {

    public static void main(String[] argv) {
        Args a = new Args(argv);
        String w = a.get("workload", "W");
        int v, e, h, b, t;
        switch (w) {
            case "W" -> { v = 10000; e = 256; h = 256; b = 32; t = 35; }
            case "C" -> { v = 65; e = 64; h = 512; b = 32; t = 64; }
            default -> throw new IllegalArgumentException("workload must be W or C, got " + w);
        }
        int steps = a.integer("steps", 100);
        int warmup = a.integer("warmup", 10);
        long seed = a.integer("seed", 1);
        int threads = a.integer("threads", 1);
        var k = Kernels.withThreads(threads);
        RnnLanguageModel model = new RnnLanguageModel(v, e, new ElmanCell(e, h, Activation.TANH, seed), seed, k);
        List<Parameter> params = model.parameters();
        Sgd sgd = new Sgd(1.0);
        GlobalNormClipper clip = new GlobalNormClipper(0.25, k);
        RnnLanguageModel.Workspace ws = model.newWorkspace(b, t);
        SplittableRandom r = new SplittableRandom(seed);
        int n = warmup + steps;
        int[][] in = new int[n][t * b];
        int[][] tgt = new int[n][t * b];
        for (int s = 0; s < n; s++) {
            for (int i = 0; i < t * b; i++) {
                in[s][i] = r.nextInt(v);
                tgt[s][i] = r.nextInt(v);
            }
        }
        float[] state = model.newState(b);
        double[] tps = new double[steps];
        double loss = 0;
        for (int s = 0; s < n; s++) {
            long t0 = System.nanoTime();
            for (Parameter p : params) {
                p.zeroGrad();
            }
            loss = model.trainWindow(ws, t, 0, in[s], tgt[s], state, state) / (t * b);
            clip.clip(params);
            sgd.step(params);
            long dt = System.nanoTime() - t0;
            if (s >= warmup) {
                tps[s - warmup] = t * b / (dt / 1e9);
            }
        }
        Arrays.sort(tps);
        double median = tps[steps / 2];
        System.out.printf(java.util.Locale.ROOT,
                "{\"framework\":\"recur\",\"workload\":\"%s\",\"threads\":%d,\"kernels\":\"%s\",\"jdk\":\"%s\","
                        + "\"steps\":%d,\"median_tokens_per_s\":%.1f,\"min\":%.1f,\"max\":%.1f,\"final_loss\":%.4f}%n",
                w, threads, k.name(), Runtime.version(), steps, median, tps[0], tps[steps - 1], loss);
    }
}
