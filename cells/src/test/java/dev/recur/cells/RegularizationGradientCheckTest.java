package dev.recur.cells;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.math.Kernels;
import dev.recur.model.ModelSpec;
import dev.recur.model.ModelWorkspace;
import dev.recur.model.Regularization;
import dev.recur.model.RnnLanguageModel;
import dev.recur.spi.Parameter;
import dev.recur.testkit.GradientCheck;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Finite-difference checks of the regularisers ({@link Regularization}) on every parameter: locked (variational)
 * dropout, whole-word embedding dropout, weight drop (DropConnect on the recurrent weights), AR and TAR — alone
 * and together, with tying, stacked layers and a window whose loss starts after step 0. The objective checked is
 * what {@code trainWindow} differentiates: mean cross-entropy over the loss rows plus the AR/TAR terms
 * ({@link ModelWorkspace#regularizationLoss()}), with every mask frozen by restoring the model's generator before
 * each evaluation. Method and tolerance as in {@link ModelGradientCheckTest} (a 5 % error fails it:
 * {@link GradientCheckStrictnessTest}).
 */
class RegularizationGradientCheckTest {

    static final long SEED = 97531L;
    static final int V = 9;
    static final int H = 5;
    static final int B = 2;
    static final int T = 5;

    @ParameterizedTest(name = "{0} x{1} tied {2} lossFrom {3}: in {4} hid {5} out {6} locked {7} emb {8} wd {9} ar {10} tar {11}")
    @CsvSource({
        "elman,2,false,0,0.3,0.2,0.4,true,0,0,0,0",
        "lstm,2,true,0,0,0,0,false,0.4,0,0,0",
        "gru,2,false,0,0,0,0,false,0,0.5,0,0",
        "elman,1,false,0,0,0,0,false,0,0.4,0,0",
        "lstm,1,false,0,0,0,0,false,0,0,2.0,0",
        "elman,2,false,1,0,0,0.3,false,0,0,1.5,0",
        "gru,1,false,0,0,0,0,false,0,0,0,3.0",
        "lstm,2,false,2,0,0,0,false,0,0,0,40.0",
        "lstm,2,true,1,0.3,0.25,0.4,true,0.3,0.5,1.0,2.0",
        "elman,3,false,0,0.2,0.3,0.2,true,0.2,0.3,0.5,0.5"})
    void everyParameterMatchesFiniteDifferences(String kind, int layers, boolean tied, int lossFrom, double in,
                                                double hidden, double out, boolean locked, double embedding,
                                                double weightDrop, double ar, double tar) {
        Regularization reg = new Regularization(in, hidden, out, locked, embedding, weightDrop, ar, tar);
        String what = kind + " x" + layers + " tied " + tied + " lossFrom " + lossFrom + " " + reg.describe()
                + ", seed " + SEED;
        int e = tied ? H : 4;
        dev.recur.spi.CellProvider provider = kind.equals("elman") ? new ElmanCellProvider()
                : kind.equals("lstm") ? new GatedCellProviders.Lstm() : new GatedCellProviders.Gru();
        Map<String, String> opts = kind.equals("elman") ? Map.of("activation", "tanh") : Map.of();
        ModelSpec spec = new ModelSpec(provider.name(), opts, V, e, H, layers, reg, tied, ModelSpec.OUTPUT_SOFTMAX,
                Map.of());
        RnnLanguageModel m = RnnLanguageModel.create(spec, provider, SEED, Kernels.get());
        SplittableRandom r = new SplittableRandom(SEED);
        for (Parameter p : m.parameters()) {
            float[] v = p.value();
            for (int i = 0; i < v.length; i++) {
                v[i] += (float) ((r.nextDouble() - 0.5) * 0.6); // away from the near-zero initialisation
            }
        }
        int[] prev = new int[T * B];
        int[] ids = new int[T * B];
        int[] tgt = new int[T * B];
        for (int i = 0; i < T * B; i++) {
            prev[i] = r.nextInt(V);
            ids[i] = r.nextInt(4); // few distinct words: repeated ones share their embedding-dropout fate
            tgt[i] = r.nextInt(V);
        }
        ModelWorkspace ws = m.newWorkspace(B, T);
        float[] carried = m.newState(B);
        m.advance(ws, T, prev, carried, carried);
        float[] sink = m.newState(B);
        long rng = m.dropoutState();
        m.parameters().forEach(Parameter::zeroGrad);
        m.trainWindow(ws, T, lossFrom, ids, tgt, carried, sink);
        if (ar > 0 || tar > 0) {
            assertTrue(ws.regularizationLoss() > 1e-3, "AR/TAR add to the objective: " + ws.regularizationLoss()
                    + ", " + what);
        } else {
            assertEquals(0, ws.regularizationLoss(), what);
        }
        List<float[]> analytic = m.parameters().stream().map(p -> p.grad().clone()).toList();
        if (weightDrop > 0) {
            // the window's gradient of a dropped recurrent weight is exactly zero
            float[] g = m.parameter(kind.equals("elman") ? "W_h" : "W_hh").grad();
            int zeros = 0;
            for (float x : g) {
                zeros += x == 0f ? 1 : 0;
            }
            assertTrue(zeros > 0.2 * weightDrop * g.length && zeros < 2 * weightDrop * g.length,
                    zeros + " of " + g.length + " recurrent-weight gradients are zero, " + what);
        }
        ModelWorkspace w2 = m.newWorkspace(B, T);
        int lossRows = (T - lossFrom) * B;
        java.util.function.DoubleSupplier objective = () -> {
            m.setDropoutState(rng); // the same masks for every evaluation
            double ce = m.trainWindow(w2, T, lossFrom, ids, tgt, carried, sink);
            return ce / lossRows + w2.regularizationLoss();
        };
        for (int i = 0; i < m.parameters().size(); i++) {
            Parameter p = m.parameters().get(i);
            assertNull(GradientCheck.check(p.name(), p.value(), analytic.get(i), GradientCheck.EPS,
                    GradientCheck.ABS_TOL, GradientCheck.REL_TOL, objective), what);
        }
    }
}
