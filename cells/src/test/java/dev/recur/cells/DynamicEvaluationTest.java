package dev.recur.cells;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.math.Activation;
import dev.recur.math.Kernels;
import dev.recur.model.Evaluation;
import dev.recur.model.Evaluator;
import dev.recur.model.ModelWorkspace;
import dev.recur.model.RnnLanguageModel;
import dev.recur.spi.ClipReport;
import dev.recur.spi.GradientClipper;
import dev.recur.spi.Optimizer;
import dev.recur.spi.OptimizerState;
import dev.recur.spi.Parameter;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Dynamic evaluation: every window is scored with the weights before its own update, then one step is taken. */
class DynamicEvaluationTest {

    static final long SEED = 5L;
    static final int V = 11;

    static RnnLanguageModel model() {
        // with dropout: dynamic evaluation must score and adapt with it switched off
        return new RnnLanguageModel(V, 6, List.of(new ElmanCell(6, 9, Activation.TANH, Initialization.UNIFORM, 1.5, SEED,
                Kernels.get())), 0.3, false, SEED, Kernels.get());
    }

    static int[] text(int n) {
        SplittableRandom r = new SplittableRandom(SEED);
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = i % 3 == 0 ? r.nextInt(V) : (t[i - 1] * 7 + 3) % V; // learnable structure
        }
        return t;
    }

    /** Plain SGD on dense gradients, as a reference written here (not the optim module's). */
    static final class Sgd implements Optimizer {
        @Override
        public void step(List<Parameter> parameters, double learningRate) {
            for (Parameter p : parameters) {
                float[] v = p.value();
                float[] g = p.grad();
                for (int i = 0; i < v.length; i++) {
                    v[i] -= (float) learningRate * g[i];
                }
            }
        }

        @Override
        public OptimizerState state() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void restore(OptimizerState state) {
            throw new UnsupportedOperationException();
        }
    }

    static final GradientClipper NO_CLIP = params -> new ClipReport(0, 0, false);

    @Test
    void aZeroRateGivesTheStaticLoss() {
        int[] t = text(400);
        Evaluation st = Evaluator.evaluate(model(), t, 1, 16, "text");
        Evaluation dy = Evaluator.evaluateDynamic(model(), t, 1, 16, new Sgd(), NO_CLIP, 0.0, "text");
        assertEquals(st.tokens(), dy.tokens());
        assertEquals(st.meanLoss(), dy.meanLoss(), 1e-6 * st.meanLoss(), "seed " + SEED);
    }

    @Test
    void eachWindowIsScoredBeforeItsOwnUpdate() {
        int[] t = text(3 * 16 + 1);
        double lr = 0.5;
        Evaluation dy = Evaluator.evaluateDynamic(model(), t, 1, 16, new Sgd(), NO_CLIP, lr, "text");
        // by hand: score window w with the current weights, then take a step on it (dropout off throughout)
        RnnLanguageModel m = model();
        ModelWorkspace ws = m.newWorkspace(1, 16);
        float[] state = m.newState(1);
        float[] scratch = m.newState(1);
        double total = 0;
        Sgd sgd = new Sgd();
        for (int w = 0; w < 3; w++) {
            int[] in = java.util.Arrays.copyOfRange(t, w * 16, w * 16 + 16);
            int[] tg = java.util.Arrays.copyOfRange(t, w * 16 + 1, w * 16 + 17);
            total += m.evaluateWindow(ws, 16, in, tg, state, scratch);
            for (Parameter p : m.parameters()) {
                p.zeroGrad();
            }
            m.trainWindow(ws, 16, 0, in, tg, state, state, false);
            sgd.step(m.parameters(), lr);
        }
        assertEquals(total / 48, dy.meanLoss(), 1e-6, "seed " + SEED);
        Evaluation st = Evaluator.evaluate(model(), t, 1, 16, "text");
        assertNotEquals(st.meanLoss(), dy.meanLoss(), "the updates change the later windows' scores");
    }

    @Test
    void adaptingToARepetitiveTextLowersItsPerplexity() {
        int[] t = text(3000);
        Evaluation st = Evaluator.evaluate(model(), t, 1, 20, "text");
        Evaluation dy = Evaluator.evaluateDynamic(model(), t, 1, 20, new Sgd(), NO_CLIP, 1.0, "text");
        assertTrue(dy.perplexity() < 0.8 * st.perplexity(), "static " + st.perplexity() + ", dynamic "
                + dy.perplexity() + ", seed " + SEED);
    }
}
