package dev.recur.cells;

import dev.recur.model.ModelWorkspace;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.recur.math.Activation;
import dev.recur.math.Kernels;
import dev.recur.model.RnnLanguageModel;
import dev.recur.spi.Cell;
import dev.recur.spi.Parameter;
import dev.recur.testkit.GradientCheck;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Finite-difference checks of stacked layers, tied weights and dropout (with its masks frozen by restoring
 * the dropout generator before every evaluation), batch 2, window 4, state carried in. Method and tolerance
 * as in {@link ModelGradientCheckTest}.
 */
class StackedModelGradientCheckTest {

    static final long SEED = 4321L;
    static final int V = 7;
    static final int H = 5;
    static final int B = 2;
    static final int T = 4;

    static Cell cell(String kind, int in, long seed) {
        return switch (kind) {
            case "lstm" -> new LstmCell(in, H, 1.5, seed, Kernels.get());
            case "gru" -> new GruCell(in, H, 1.5, seed, Kernels.get());
            default -> new ElmanCell(in, H, Activation.TANH, Initialization.UNIFORM, 1.5, seed, Kernels.get());
        };
    }

    @ParameterizedTest(name = "{0} x {1} layers, tied {2}, dropout {3}")
    @CsvSource({"elman,2,false,0", "lstm,2,false,0", "gru,3,false,0", "elman,1,true,0", "lstm,2,true,0",
        "elman,2,false,0.3", "lstm,2,true,0.25"})
    void everyParameterMatchesFiniteDifferences(String kind, int layers, boolean tied, double dropout) {
        int e = tied ? H : 3;
        List<Cell> cells = new java.util.ArrayList<>();
        for (int l = 0; l < layers; l++) {
            cells.add(cell(kind, l == 0 ? e : H, SEED + l));
        }
        RnnLanguageModel m = new RnnLanguageModel(V, e, cells, dropout, tied, SEED, Kernels.get());
        SplittableRandom r = new SplittableRandom(SEED);
        float[] b2 = m.parameter("b2").value();
        for (int i = 0; i < b2.length; i++) {
            b2[i] = (float) (r.nextDouble() - 0.5);
        }
        if (tied) {
            float[] ev = m.parameter("E").value();
            for (int i = 0; i < ev.length; i++) {
                ev[i] *= 5; // larger embeddings make the output-layer role of E visible
            }
        }
        int[] prev = new int[T * B];
        int[] in = new int[T * B];
        int[] tgt = new int[T * B];
        for (int i = 0; i < T * B; i++) {
            prev[i] = r.nextInt(V);
            in[i] = r.nextInt(V);
            tgt[i] = r.nextInt(V);
        }
        ModelWorkspace ws = m.newWorkspace(B, T);
        float[] carried = m.newState(B);
        m.advance(ws, T, prev, carried, carried);
        float[] sink = m.newState(B);
        long rng = m.dropoutState();
        m.parameters().forEach(Parameter::zeroGrad);
        m.trainWindow(ws, T, 0, in, tgt, carried, sink);
        if (dropout > 0) {
            assertNotEquals(rng, m.dropoutState(), "dropout draws from the generator");
        }
        List<float[]> analytic = m.parameters().stream().map(p -> p.grad().clone()).toList();
        ModelWorkspace w2 = m.newWorkspace(B, T);
        java.util.function.DoubleSupplier meanLoss = () -> {
            m.setDropoutState(rng); // the same masks for every evaluation
            return m.trainWindow(w2, T, 0, in, tgt, carried, sink) / (T * B);
        };
        for (int i = 0; i < m.parameters().size(); i++) {
            Parameter p = m.parameters().get(i);
            assertNull(GradientCheck.check(p.name(), p.value(), analytic.get(i), GradientCheck.EPS, GradientCheck.ABS_TOL,
                    GradientCheck.REL_TOL, meanLoss), kind + " x" + layers + " tied " + tied + " dropout " + dropout
                    + ", seed " + SEED);
        }
    }
}
