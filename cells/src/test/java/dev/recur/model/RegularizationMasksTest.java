package dev.recur.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.cells.ElmanCellProvider;
import dev.recur.cells.GatedCellProviders;
import dev.recur.math.Kernels;
import dev.recur.spi.Parameter;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * What the regularisers' masks are (the gradient checks show their backward passes agree with their forward
 * passes; these show the forward passes are the regularisers they are named after): locked masks repeat per
 * step and differ between rows, per-element ones do not repeat; whole-word dropout zeroes every occurrence of a
 * word together and scales the kept ones; rates match p; weight drop leaves the weights as they were; nothing
 * outside training windows is regularised; a cell without recurrent weights refuses weight drop.
 */
class RegularizationMasksTest {

    static final long SEED = 20261205L;
    static final int V = 40;
    static final int E = 16;
    static final int H = 32;
    static final int B = 8;
    static final int T = 30;

    static RnnLanguageModel model(Regularization reg, String cell) {
        var provider = cell.equals("lstm") ? new GatedCellProviders.Lstm() : new ElmanCellProvider();
        ModelSpec spec = new ModelSpec(provider.name(), Map.of(), V, E, H, 2, reg, false, ModelSpec.OUTPUT_SOFTMAX,
                Map.of());
        return RnnLanguageModel.create(spec, provider, SEED, Kernels.get());
    }

    static int[] ids(long seed, int bound) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] a = new int[T * B];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextInt(bound);
        }
        return a;
    }

    static ModelWorkspace window(RnnLanguageModel m, int[] in) {
        ModelWorkspace ws = m.newWorkspace(B, T);
        m.trainWindow(ws, T, 0, in, ids(SEED + 1, V), m.newState(B), m.newState(B));
        return ws;
    }

    static double zeroShare(float[] a) {
        int z = 0;
        for (float x : a) {
            z += x == 0f ? 1 : 0;
        }
        return (double) z / a.length;
    }

    @Test
    void lockedMasksRepeatOverTheStepsOfAWindow() {
        RnnLanguageModel m = model(new Regularization(0.5, 0.4, 0.3, true, 0, 0, 0, 0), "elman");
        ModelWorkspace ws = window(m, ids(SEED, V));
        double[] p = {0.5, 0.4, 0.3};
        for (int site = 0; site < 3; site++) {
            float[] mask = ws.mask[site];
            int perStep = mask.length / T;
            float[] first = Arrays.copyOfRange(mask, 0, perStep);
            for (int t = 1; t < T; t++) {
                assertArrayEquals(first, Arrays.copyOfRange(mask, t * perStep, (t + 1) * perStep),
                        "site " + site + " step " + t + ", seed " + SEED);
            }
            int width = perStep / B;
            assertFalse(Arrays.equals(Arrays.copyOfRange(first, 0, width), Arrays.copyOfRange(first, width, 2 * width)),
                    "rows draw their own masks, seed " + SEED);
            assertEquals(p[site], zeroShare(first), 0.12, "site " + site + " drop rate, seed " + SEED);
            for (float x : first) {
                assertTrue(x == 0f || Math.abs(x - 1 / (1 - p[site])) < 1e-6, "inverted scaling: " + x);
            }
        }
    }

    @Test
    void perElementMasksDoNotRepeat() {
        RnnLanguageModel m = model(Regularization.dropout(0.5), "elman");
        ModelWorkspace ws = window(m, ids(SEED, V));
        float[] mask = ws.mask[0];
        int perStep = mask.length / T;
        assertFalse(Arrays.equals(Arrays.copyOfRange(mask, 0, perStep), Arrays.copyOfRange(mask, perStep, 2 * perStep)));
        assertEquals(0.5, zeroShare(mask), 0.03, "seed " + SEED);
    }

    @Test
    void wholeWordDropoutZeroesEveryOccurrenceTogether() {
        double p = 0.4;
        RnnLanguageModel m = model(new Regularization(0, 0, 0, false, p, 0, 0, 0), "elman");
        int[] in = ids(SEED, V);
        ModelWorkspace ws = window(m, in);
        float[] emb = m.parameter("E").value();
        float keep = (float) (1 / (1 - p));
        int dropped = 0;
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int r = 0; r < in.length; r++) {
            boolean zero = true;
            for (int j = 0; j < E; j++) {
                zero &= ws.x[r * E + j] == 0f;
            }
            assertEquals(ws.wordMask[in[r]] == 0f, zero, "row " + r + " word " + in[r] + ", seed " + SEED);
            if (!zero) {
                for (int j = 0; j < E; j++) {
                    assertEquals(emb[in[r] * E + j] * keep, ws.x[r * E + j], 1e-6, "kept rows are scaled by 1/(1-p)");
                }
            }
            if (seen.add(in[r]) && zero) {
                dropped++;
            }
        }
        assertEquals(p, (double) dropped / seen.size(), 0.25, dropped + " of " + seen.size() + " words, seed " + SEED);
        assertEquals(p, zeroShare(ws.wordMask), 0.2, "seed " + SEED);
    }

    @Test
    void weightDropLeavesTheWeightsAsTheyWere() {
        RnnLanguageModel m = model(new Regularization(0, 0, 0, false, 0, 0.5, 0, 0), "lstm");
        float[] before = m.parameter("W_hh").value().clone();
        float[] before1 = m.parameter("l1.W_hh").value().clone();
        m.parameters().forEach(Parameter::zeroGrad);
        window(m, ids(SEED, V));
        assertArrayEquals(before, m.parameter("W_hh").value());
        assertArrayEquals(before1, m.parameter("l1.W_hh").value());
        assertEquals(0.5, zeroShare(m.parameter("W_hh").grad()), 0.05, "one mask per window, seed " + SEED);
    }

    @Test
    void nothingOutsideTrainingWindowsIsRegularised() {
        Regularization all = new Regularization(0.3, 0.3, 0.3, true, 0.2, 0.5, 1, 1);
        RnnLanguageModel reg = model(all, "lstm");
        RnnLanguageModel plain = model(Regularization.NONE, "lstm");
        int[] in = ids(SEED, V);
        int[] tgt = ids(SEED + 1, V);
        double a = reg.evaluateWindow(reg.newWorkspace(B, T), T, in, tgt, reg.newState(B), reg.newState(B));
        double b = plain.evaluateWindow(plain.newWorkspace(B, T), T, in, tgt, plain.newState(B), plain.newState(B));
        assertEquals(b, a, 0.0, "the same weights evaluate the same with and without regularisers");
        // trainWindow with the regularisers switched off (dynamic evaluation) is the evaluation loss, no AR/TAR
        ModelWorkspace ws = reg.newWorkspace(B, T);
        double c = reg.trainWindow(ws, T, 0, in, tgt, reg.newState(B), reg.newState(B), false);
        assertEquals(b, c, 1e-9 * Math.abs(b));
        assertEquals(0, ws.regularizationLoss());
    }

    @Test
    void weightDropNeedsRecurrentWeights() {
        var cell = new dev.recur.spi.Cell() {
            final Parameter w = new Parameter("W", E, E);

            public int inputSize() {
                return E;
            }

            public int hiddenSize() {
                return E;
            }

            public java.util.List<Parameter> parameters() {
                return java.util.List.of(w);
            }

            public dev.recur.spi.CellWorkspace newWorkspace(int batch, int maxSteps) {
                throw new UnsupportedOperationException();
            }

            public void forward(int batch, int steps, float[] inputs, float[] stateIn, float[] outputs,
                                float[] stateOut, dev.recur.spi.CellWorkspace ws) {
                throw new UnsupportedOperationException();
            }

            public void backward(int batch, int steps, float[] dOutputs, float[] dStateOut, float[] dInputs,
                                 float[] dStateIn, dev.recur.spi.CellWorkspace ws) {
                throw new UnsupportedOperationException();
            }
        };
        var provider = new dev.recur.spi.CellProvider() {
            public String name() {
                return "plain";
            }

            public String description() {
                return "a cell without recurrent weights";
            }

            public java.util.List<dev.recur.spi.OptionSpec> options() {
                return java.util.List.of();
            }

            public dev.recur.spi.Cell create(dev.recur.spi.CellSpec spec) {
                return cell;
            }
        };
        ModelSpec spec = new ModelSpec("plain", Map.of(), V, E, E, 1,
                new Regularization(0, 0, 0, false, 0, 0.3, 0, 0), false, ModelSpec.OUTPUT_SOFTMAX, Map.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RnnLanguageModel.create(spec, provider, SEED, Kernels.get()));
        assertTrue(e.getMessage().contains("weight drop needs cells that name their recurrent weights"), e.getMessage());
    }
}
