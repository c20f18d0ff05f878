package dev.recur.cells;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.math.ComputeContext;
import dev.recur.math.Kernels;
import dev.recur.math.MathKernels;
import dev.recur.math.WeightFormat;
import dev.recur.model.ModelSpec;
import dev.recur.model.ModelWorkspace;
import dev.recur.model.Regularization;
import dev.recur.model.RnnLanguageModel;
import dev.recur.output.AdaptiveSoftmaxProvider;
import dev.recur.output.ClassSoftmaxProvider;
import dev.recur.output.SoftmaxOutputProvider;
import dev.recur.spi.CellProvider;
import dev.recur.spi.OutputLayerProvider;
import dev.recur.spi.Parameter;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A model whose weights were rounded for inference ({@link RnnLanguageModel#reduceWeights}): token by token
 * (the batch-1 steps that read the packed int8/bf16 copies) it computes what a whole window computes (fp32
 * kernels over the rounded values); it differs from the fp32 model by no more than the rounding allows; every
 * matrix it multiplies was rounded (a tied embedding per word) and the untied embedding and biases were not;
 * it refuses to be trained or reduced twice.
 */
class ReducedPrecisionModelTest {

    static final long SEED = 1205L;
    static final int V = 300;
    static final int STEPS = 12;

    static RnnLanguageModel model(String cell, int layers, boolean tied, String output, MathKernels k) {
        CellProvider cp = cell.equals("elman") ? new ElmanCellProvider()
                : cell.equals("lstm") ? new GatedCellProviders.Lstm() : new GatedCellProviders.Gru();
        OutputLayerProvider op = switch (output) {
            case "class" -> new ClassSoftmaxProvider();
            case "adaptive" -> new AdaptiveSoftmaxProvider();
            default -> new SoftmaxOutputProvider();
        };
        Map<String, String> outOpts = output.equals("adaptive") ? Map.of("cutoffs", "40,120") : Map.of();
        int h = 160; // 160: one 128-column block per part on 2 threads plus vector and scalar tails
        ModelSpec spec = new ModelSpec(cp.name(), cell.equals("elman") ? Map.of("activation", "tanh") : Map.of(), V,
                tied ? h : 48, h, layers, Regularization.NONE, tied, op.name(), outOpts);
        RnnLanguageModel m = RnnLanguageModel.create(spec, cp, op, SEED, k);
        SplittableRandom r = new SplittableRandom(SEED);
        for (Parameter p : m.parameters()) { // trained-looking weights: larger than the initialisation
            float[] v = p.value();
            for (int i = 0; i < v.length; i++) {
                v[i] += (float) ((r.nextDouble() - 0.5) * 0.3);
            }
        }
        return m;
    }

    static int[] tokens(int n) {
        SplittableRandom r = new SplittableRandom(SEED + 1);
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = r.nextInt(V);
        }
        return t;
    }

    /** log-softmax of the scores of each of STEPS tokens fed one at a time (batch 1, how generation runs). */
    static float[][] tokenByToken(RnnLanguageModel m, int[] ids) {
        ModelWorkspace one = m.newWorkspace(1, 1);
        float[] state = m.newState(1);
        float[] logits = new float[V];
        float[][] out = new float[STEPS][];
        for (int t = 0; t < STEPS; t++) {
            m.logitsAfter(one, 1, new int[] {ids[t]}, state, state, logits);
            out[t] = logSoftmax(logits);
        }
        return out;
    }

    /** The same log-probabilities of the next tokens, from one window of STEPS (the multi-row fp32 path). */
    static double[] window(RnnLanguageModel m, int[] ids) {
        ModelWorkspace ws = m.newWorkspace(1, STEPS);
        int[] targets = new int[STEPS];
        System.arraycopy(ids, 1, targets, 0, STEPS);
        double[] lp = new double[STEPS];
        m.targetLogProbabilities(ws, STEPS, ids, targets, m.newState(1), m.newState(1), lp);
        return lp;
    }

    static float[] logSoftmax(float[] x) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : x) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : x) {
            sum += Math.exp(v - max);
        }
        double lse = max + Math.log(sum);
        float[] o = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            o[i] = (float) (x[i] - lse);
        }
        return o;
    }

    @ParameterizedTest(name = "{0} x{1} tied {2} {3} {4}")
    @CsvSource({
        "elman,1,false,softmax,int8", "elman,1,true,softmax,int8", "elman,2,false,softmax,bf16",
        "lstm,1,false,softmax,int8", "lstm,2,true,softmax,bf16", "gru,1,false,softmax,int8", "gru,2,false,class,int8",
        "elman,1,true,class,int8", "lstm,1,false,adaptive,int8", "elman,1,false,adaptive,bf16"})
    void tokenByTokenEqualsTheWindowAndStaysCloseToFp32(String cell, int layers, boolean tied, String output,
                                                         String format) {
        WeightFormat f = WeightFormat.parse(format);
        String what = cell + " x" + layers + " tied " + tied + " " + output + " " + f.id() + ", seed " + SEED;
        int[] ids = tokens(STEPS + 1);
        try (ComputeContext two = ComputeContext.open(Kernels.get(), 2)) {
            for (MathKernels k : new MathKernels[] {Kernels.get(), two.kernels()}) {
                RnnLanguageModel full = model(cell, layers, tied, output, k);
                RnnLanguageModel reduced = model(cell, layers, tied, output, k);
                float[] embeddingBefore = reduced.parameter("E").value().clone();
                reduced.reduceWeights(f);
                assertEquals(f, reduced.weightFormat());
                // what was rounded: every matrix the model multiplies; not the biases, nor an untied embedding
                int changedMatrices = 0;
                for (Parameter p : reduced.parameters()) {
                    Parameter q = full.parameter(p.name());
                    boolean same = java.util.Arrays.equals(p.value(), q.value());
                    if (p.name().equals("E")) {
                        assertEquals(!tied, java.util.Arrays.equals(embeddingBefore, p.value()), "E rounded iff tied, " + what);
                    } else if (p.shape().length == 1) {
                        assertTrue(same, p.name() + " (a bias) stays fp32, " + what);
                    } else {
                        assertTrue(!same, p.name() + " was rounded, " + what);
                        changedMatrices++;
                    }
                }
                assertTrue(changedMatrices >= 2 * layers, what);

                float[][] steps = tokenByToken(reduced, ids);
                double[] win = window(reduced, ids);
                float[][] fp32 = tokenByToken(full, ids);
                double maxFromFp32 = 0;
                for (int t = 0; t < STEPS; t++) {
                    // the packed batch-1 path and the fp32 window path compute the same rounded model
                    assertEquals(win[t], steps[t][ids[t + 1]], 2e-4 * Math.max(1, Math.abs(win[t])),
                            "step " + t + " token by token vs window, " + k.name() + ", " + what);
                    for (int v = 0; v < V; v++) {
                        maxFromFp32 = Math.max(maxFromFp32, Math.abs(steps[t][v] - fp32[t][v]));
                    }
                }
                // rounded: not the fp32 model, but close to it (bf16's relative error 2^-8, int8's half a step)
                assertNotEquals(0.0, maxFromFp32, what);
                assertTrue(maxFromFp32 < (f == WeightFormat.BF16 ? 0.05 : 0.15),
                        "log-probabilities moved by " + maxFromFp32 + ", " + what);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"elman", "lstm"})
    void aReducedModelIsNotTrainedNorReducedTwice(String cell) {
        RnnLanguageModel m = model(cell, 1, false, "softmax", Kernels.get());
        m.reduceWeights(WeightFormat.FP32); // fp32: nothing happens
        assertEquals(WeightFormat.FP32, m.weightFormat());
        m.reduceWeights(WeightFormat.INT8);
        ModelWorkspace ws = m.newWorkspace(1, 2);
        var e = assertThrows(IllegalStateException.class, () -> m.trainWindow(ws, 2, 0, new int[] {1, 2},
                new int[] {2, 3}, m.newState(1), m.newState(1), false));
        assertEquals("this model's weights were rounded to int8 for inference; train from the fp32 model file",
                e.getMessage());
        assertThrows(IllegalStateException.class, () -> m.reduceWeights(WeightFormat.BF16));
    }
}
