package dev.recur.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.math.Kernels;
import dev.recur.math.MathKernels;
import dev.recur.spi.OutputLayer;
import dev.recur.spi.OutputLayerProvider;
import dev.recur.spi.OutputSpec;
import dev.recur.spi.OutputWorkspace;
import dev.recur.spi.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The contract written on {@link OutputLayer}, for any {@link OutputLayerProvider}: exact normalisation (the
 * probabilities of all tokens sum to 1), the target log-probabilities, the loss and the sampling scores
 * describe one distribution (also checked by sampling it), the gradient of every parameter and of the input
 * agrees with finite differences (strictly enough to catch a 5 % error), gradients accumulate, the input is
 * never written and {@code dInput} is overwritten, and the parameter count matches what the provider
 * declares. Untied, and tied to an embedding when {@link #supportsTying()}.
 *
 * <p>Subclass it with the provider and options under test; override the sizes when the layer needs a larger
 * vocabulary (for example cluster cutoffs).
 */
public abstract class OutputLayerContractTest {

    protected static final long SEED = 11L;

    /** The provider under test. */
    protected abstract OutputLayerProvider provider();

    /** The options of the layer under test. */
    protected Map<String, String> options() {
        return Map.of();
    }

    /** Whether the layer can use a tied embedding (then the tied case is checked too). */
    protected boolean supportsTying() {
        return true;
    }

    /** Input width (the hidden size). */
    protected int inputSize() {
        return 6;
    }

    /** Vocabulary size. */
    protected int vocabSize() {
        return 13;
    }

    /** The training counts handed to the layer (by id, most frequent first), or null: none. */
    protected long[] tokenCounts() {
        return null;
    }

    /** The kernels to run on. */
    protected MathKernels kernels() {
        return Kernels.get();
    }

    private record Made(OutputLayer layer, Parameter tied) {
        List<Parameter> trainable() {
            List<Parameter> all = new ArrayList<>(layer.parameters());
            if (tied != null) {
                all.add(tied);
            }
            return all;
        }
    }

    private Made make(boolean tie, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Parameter e = null;
        if (tie) {
            e = new Parameter("E", vocabSize(), inputSize());
            fill(e.value(), r, 0.5);
        }
        OutputLayer layer = provider().create(new OutputSpec(inputSize(), vocabSize(), options(), e, r, kernels(),
                tokenCounts()));
        // spread every parameter so that no gradient is trivially zero (biases start at 0)
        for (Parameter p : layer.parameters()) {
            for (int i = 0; i < p.size(); i++) {
                p.value()[i] += (float) ((r.nextDouble() * 2 - 1) * 0.3);
            }
        }
        return new Made(layer, e);
    }

    private static void fill(float[] a, SplittableRandom r, double range) {
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) ((r.nextDouble() * 2 - 1) * range);
        }
    }

    private float[] input(int rows, long seed) {
        float[] x = new float[rows * inputSize()];
        fill(x, new SplittableRandom(seed), 1.5);
        return x;
    }

    private int[] targets(int rows, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] t = new int[rows];
        for (int i = 0; i < rows; i++) {
            t[i] = r.nextInt(vocabSize());
        }
        return t;
    }

    private List<Boolean> cases() {
        return supportsTying() ? List.of(false, true) : List.of(false);
    }

    @Test
    void probabilitiesOfAllTokensSumToOneAndMatchTheScores() {
        for (boolean tie : cases()) {
            Made m = make(tie, SEED);
            int rows = 3;
            int v = vocabSize();
            float[] x = input(rows, SEED + 1);
            OutputWorkspace ws = m.layer().newWorkspace(v * rows);
            // every token of every row as a target: rows·V rows of input
            float[] xs = new float[v * rows * inputSize()];
            int[] all = new int[v * rows];
            for (int r = 0; r < rows; r++) {
                for (int t = 0; t < v; t++) {
                    System.arraycopy(x, r * inputSize(), xs, (r * v + t) * inputSize(), inputSize());
                    all[r * v + t] = t;
                }
            }
            double[] logp = new double[v * rows];
            m.layer().targetLogProbabilities(ws, v * rows, xs, 0, all, 0, logp, 0);
            float[] scores = new float[rows * v];
            m.layer().nextTokenScores(ws, rows, x, 0, scores, 0);
            for (int r = 0; r < rows; r++) {
                double sum = 0;
                for (int t = 0; t < v; t++) {
                    sum += Math.exp(logp[r * v + t]);
                }
                assertEquals(1.0, sum, 1e-5, "Σ p over the vocabulary, row " + r + ", tied " + tie + " (seed " + SEED + ")");
                double[] soft = softmax(scores, r * v, v);
                for (int t = 0; t < v; t++) {
                    assertEquals(Math.exp(logp[r * v + t]), soft[t], 1e-5,
                            "p(" + t + ") from the scores vs from targetLogProbabilities, row " + r + ", tied " + tie
                                    + " (seed " + SEED + ")");
                }
            }
        }
    }

    private static double[] softmax(float[] s, int off, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, s[off + i]);
        }
        double[] p = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            p[i] = Math.exp(s[off + i] - max);
            sum += p[i];
        }
        for (int i = 0; i < n; i++) {
            p[i] /= sum;
        }
        return p;
    }

    @Test
    void sampledFrequenciesMatchTheTargetProbabilities() {
        Made m = make(false, SEED);
        int v = vocabSize();
        float[] x = input(1, SEED + 2);
        OutputWorkspace ws = m.layer().newWorkspace(v);
        float[] scores = new float[v];
        m.layer().nextTokenScores(ws, 1, x, 0, scores, 0);
        double[] p = softmax(scores, 0, v);
        int n = 200_000;
        int[] counts = new int[v];
        SplittableRandom r = new SplittableRandom(SEED);
        for (int i = 0; i < n; i++) {
            double u = r.nextDouble();
            int t = 0;
            double c = p[0];
            while (u >= c && t < v - 1) {
                c += p[++t];
            }
            counts[t]++;
        }
        float[] xs = new float[v * inputSize()];
        int[] all = new int[v];
        for (int t = 0; t < v; t++) {
            System.arraycopy(x, 0, xs, t * inputSize(), inputSize());
            all[t] = t;
        }
        double[] logp = new double[v];
        m.layer().targetLogProbabilities(ws, v, xs, 0, all, 0, logp, 0);
        for (int t = 0; t < v; t++) {
            double expected = Math.exp(logp[t]);
            double freq = counts[t] / (double) n;
            double sigma = Math.sqrt(expected * (1 - expected) / n);
            assertTrue(Math.abs(freq - expected) <= 5 * sigma + 1e-4, "token " + t + ": sampled frequency " + freq
                    + ", exp(log p) " + expected + " (" + n + " draws, seed " + SEED + ")");
        }
    }

    @Test
    void lossIsMinusTheSumOfTargetLogProbabilities() {
        for (boolean tie : cases()) {
            Made m = make(tie, SEED);
            int rows = 7;
            float[] x = input(rows, SEED + 3);
            int[] t = targets(rows, SEED + 4);
            OutputWorkspace ws = m.layer().newWorkspace(rows);
            double[] logp = new double[rows];
            m.layer().targetLogProbabilities(ws, rows, x, 0, t, 0, logp, 0);
            double sum = 0;
            for (double l : logp) {
                sum -= l;
            }
            double loss = m.layer().loss(ws, rows, x, 0, t, 0);
            assertEquals(sum, loss, 1e-5 * Math.abs(sum), "loss vs -Σ log p, tied " + tie + " (seed " + SEED + ")");
            double withGrad = m.layer().lossAndGradient(ws, rows, x, 0, t, 0, 1f, new float[rows * inputSize()], 0);
            assertEquals(loss, withGrad, 1e-5 * Math.abs(loss), "lossAndGradient vs loss, tied " + tie + " (seed " + SEED + ")");
        }
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        for (boolean tie : cases()) {
            Made m = make(tie, SEED);
            int rows = 5;
            float[] x = input(rows, SEED + 5);
            int[] t = targets(rows, SEED + 6);
            OutputWorkspace ws = m.layer().newWorkspace(rows);
            for (Parameter p : m.trainable()) {
                p.zeroGrad();
            }
            float[] dx = new float[rows * inputSize()];
            m.layer().lossAndGradient(ws, rows, x, 0, t, 0, 1f, dx, 0);
            java.util.function.DoubleSupplier f = () -> m.layer().loss(ws, rows, x, 0, t, 0);
            List<float[]> values = new ArrayList<>();
            List<float[]> grads = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (Parameter p : m.trainable()) {
                values.add(p.value());
                grads.add(p.grad().clone());
                names.add(p.name());
            }
            values.add(x);
            grads.add(dx.clone());
            names.add("input");
            for (int i = 0; i < values.size(); i++) {
                String what = names.get(i) + " (tied " + tie + ", seed " + SEED + ")";
                float[] a = grads.get(i);
                float[] numeric = new float[a.length];
                for (int j = 0; j < a.length; j++) {
                    numeric[j] = (float) GradientCheck.numeric4(values.get(i), j, GradientCheck.EPS, f);
                }
                assertNull(GradientCheck.check(what, values.get(i), a, GradientCheck.EPS, GradientCheck.ABS_TOL,
                        GradientCheck.REL_TOL, f));
                double err = 0;
                double norm = 0;
                for (int j = 0; j < a.length; j++) {
                    err += (a[j] - numeric[j]) * (double) (a[j] - numeric[j]);
                    norm += numeric[j] * (double) numeric[j];
                }
                // relative error of the whole gradient ≤ 1 %: an analytic gradient 5 % off fails here
                assertTrue(norm > 0, what + ": the loss does not depend on it at all");
                assertTrue(Math.sqrt(err / norm) <= 0.01, what + ": relative error " + Math.sqrt(err / norm)
                        + " of the whole gradient against finite differences");
            }
        }
    }

    @Test
    void gradientsAccumulateAndInputsAreLeftAlone() {
        for (boolean tie : cases()) {
            Made m = make(tie, SEED);
            int rows = 4;
            float[] x = input(rows, SEED + 7);
            float[] xBefore = x.clone();
            int[] t = targets(rows, SEED + 8);
            OutputWorkspace ws = m.layer().newWorkspace(rows);
            for (Parameter p : m.trainable()) {
                p.zeroGrad();
            }
            float[] dx = new float[rows * inputSize()];
            java.util.Arrays.fill(dx, Float.NaN);
            m.layer().lossAndGradient(ws, rows, x, 0, t, 0, 0.5f, dx, 0);
            assertArrayEquals(xBefore, x, "the input must not be written (tied " + tie + ")");
            for (float d : dx) {
                assertTrue(Float.isFinite(d), "dInput must be overwritten (tied " + tie + ")");
            }
            List<float[]> once = new ArrayList<>();
            for (Parameter p : m.trainable()) {
                once.add(p.grad().clone());
            }
            float[] dx2 = new float[rows * inputSize()];
            m.layer().lossAndGradient(ws, rows, x, 0, t, 0, 0.5f, dx2, 0);
            assertArrayEquals(dx, dx2, "dInput is overwritten, not accumulated (tied " + tie + ")");
            List<Parameter> ps = m.trainable();
            for (int i = 0; i < ps.size(); i++) {
                float[] g = ps.get(i).grad();
                for (int j = 0; j < g.length; j++) {
                    assertEquals(2 * once.get(i)[j], g[j], 1e-5 + 1e-4 * Math.abs(g[j]),
                            "gradient of " + ps.get(i).name() + " must accumulate (+=), tied " + tie);
                }
            }
        }
    }

    @Test
    void rowsAreIndependentAndOffsetsAreHonoured() {
        Made m = make(false, SEED);
        int rows = 6;
        float[] x = input(rows, SEED + 9);
        int[] t = targets(rows, SEED + 10);
        OutputWorkspace ws = m.layer().newWorkspace(rows);
        double[] all = new double[rows];
        m.layer().targetLogProbabilities(ws, rows, x, 0, t, 0, all, 0);
        for (int r = 0; r < rows; r++) {
            double[] one = new double[r + 1];
            m.layer().targetLogProbabilities(ws, 1, x, r * inputSize(), t, r, one, r);
            assertEquals(all[r], one[r], 1e-6 * Math.abs(all[r]) + 1e-9, "row " + r + " alone vs in a batch");
        }
    }

    @Test
    void parameterCountIsWhatTheProviderDeclares() {
        for (boolean tie : cases()) {
            Made m = make(tie, SEED);
            long n = 0;
            for (Parameter p : m.layer().parameters()) {
                n += p.size();
            }
            assertEquals(provider().parameterCount(inputSize(), vocabSize(), tie, options()), n,
                    "parameterCount vs the parameters of a built layer, tied " + tie);
            int[] g = m.layer().tokenGroups();
            assertEquals(0, g[0], "token groups start at 0");
            assertEquals(vocabSize(), g[g.length - 1], "token groups end at V");
            for (int i = 1; i < g.length; i++) {
                assertTrue(g[i] > g[i - 1], "token groups increase: " + java.util.Arrays.toString(g));
            }
        }
    }

    @Test
    void rejectsUnknownOptionsAndOversizedCalls() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> provider().create(
                new OutputSpec(inputSize(), vocabSize(), Map.of("no-such-option", "1"), null, new SplittableRandom(1),
                        kernels())));
        assertTrue(e.getMessage().contains("no-such-option"), e.getMessage());
        Made m = make(false, SEED);
        OutputWorkspace ws = m.layer().newWorkspace(2);
        assertThrows(IllegalArgumentException.class,
                () -> m.layer().loss(ws, 3, input(3, 1), 0, targets(3, 1), 0), "3 rows in a workspace for 2");
    }
}
