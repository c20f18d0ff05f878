package dev.recur.cells;

import dev.recur.model.ModelWorkspace;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.math.Activation;
import dev.recur.math.Kernels;
import dev.recur.model.RnnLanguageModel;
import dev.recur.spi.Parameter;
import dev.recur.testkit.GradientCheck;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Full-model finite-difference gradient check: every element of every parameter (E, the cell's, U, b2) for
 * every Elman activation and for the LSTM and GRU cells,
 * batch 2, a window of 4 steps, with a hidden state carried in from a previous window.
 *
 * <p>Method: the fourth-order stencil of {@link GradientCheck} on the model's own float forward pass with
 * ε = 2e-2, the mean cross-entropy accumulated in double; tolerance |analytic − numeric| ≤ 1e-5 + 1e-2·|numeric|,
 * which a 5 % error in any entry ≥ 1e-3 exceeds ({@code GradientCheckStrictnessTest} injects such errors).
 * relu needs ε = 1e-3 to stay off its kink; float noise is then about 1e-4, so its tolerance is 3e-4.
 */
class ModelGradientCheckTest {

    static final long SEED = 1234L;
    static final int V = 7;
    static final int E = 4;
    static final int H = 5;
    static final int B = 2;
    static final int T = 4;

    /** A model with a carried-in state, its analytic gradients of the mean loss, and that loss. */
    record Setup(RnnLanguageModel model, java.util.function.DoubleSupplier meanLoss, Activation activation) {
    }

    static Setup setup(String activation, int lossFrom) {
        dev.recur.spi.Cell cell;
        Activation act = Activation.TANH;
        if (activation.equals("lstm")) {
            cell = new LstmCell(E, H, 1.5, SEED, Kernels.get());
        } else if (activation.equals("gru")) {
            cell = new GruCell(E, H, 1.5, SEED, Kernels.get());
        } else {
            act = Activation.parse(activation);
            cell = new ElmanCell(E, H, act, Initialization.UNIFORM, 1.5, SEED, Kernels.get());
        }
        RnnLanguageModel model = new RnnLanguageModel(V, E, cell, SEED + 1, Kernels.get());
        // make b2 non-zero so its check is not trivial
        SplittableRandom r = new SplittableRandom(SEED);
        float[] b2 = model.parameter("b2").value();
        for (int i = 0; i < b2.length; i++) {
            b2[i] = (float) (r.nextDouble() - 0.5);
        }
        ModelWorkspace ws = model.newWorkspace(B, T);
        int[] prevIn = new int[T * B];
        int[] in = new int[T * B];
        int[] tgt = new int[T * B];
        for (int i = 0; i < T * B; i++) {
            prevIn[i] = r.nextInt(V);
            in[i] = r.nextInt(V);
            tgt[i] = r.nextInt(V);
        }
        // carry a state in from a previous window
        float[] carried = model.newState(B);
        model.advance(ws, T, prevIn, carried, carried);
        boolean nonZero = false;
        for (float v : carried) {
            nonZero |= v != 0f;
        }
        assertTrue(nonZero, "the carried-in state must be non-zero");

        float[] scratch = model.newState(B);
        int rows = (T - lossFrom) * B;
        model.parameters().forEach(Parameter::zeroGrad);
        model.trainWindow(ws, T, lossFrom, in, tgt, carried, scratch);

        ModelWorkspace evalWs = model.newWorkspace(B, T);
        float[] sink = model.newState(B);
        // mean CE over the loss rows = (CE of the whole window − CE of the first lossFrom steps) / rows
        java.util.function.DoubleSupplier meanLoss = () -> {
            double all = model.evaluateWindow(evalWs, T, in, tgt, carried, sink);
            double prefix = lossFrom == 0 ? 0 : model.evaluateWindow(evalWs, lossFrom, in, tgt, carried, sink);
            return (all - prefix) / rows;
        };
        return new Setup(model, meanLoss, act);
    }

    @ParameterizedTest(name = "{0}, loss from step {1}")
    @CsvSource({"tanh,0", "sigmoid,0", "relu,0", "identity,0", "tanh,2", "identity,1", "lstm,0", "lstm,1", "gru,0", "gru,2"})
    void everyParameterMatchesFiniteDifferences(String activation, int lossFrom) {
        Setup s = setup(activation, lossFrom);
        RnnLanguageModel model = s.model();
        Activation act = s.activation();
        java.util.function.DoubleSupplier meanLoss = s.meanLoss();
        // relu: a small step to stay off its kink, where float noise (about 1e-4) sets the tolerance
        boolean relu = act == Activation.RELU && !activation.equals("lstm") && !activation.equals("gru");
        float eps = relu ? 1e-3f : GradientCheck.EPS;
        double tol = relu ? 3e-4 : GradientCheck.ABS_TOL;
        for (Parameter p : model.parameters()) {
            float[] analytic = p.grad().clone();
            assertNull(GradientCheck.check(p.name(), p.value(), analytic, eps, tol, GradientCheck.REL_TOL, meanLoss),
                    activation + ", seed " + SEED);
        }
    }
}
