package dev.recur.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.spi.Optimizer;
import dev.recur.spi.OptimizerProvider;
import dev.recur.spi.Parameter;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link Optimizer} must keep: it descends (a step along the gradient lowers a convex
 * loss), never touches the gradients, honours {@link Optimizer#setLearningRate}, rejects unknown options,
 * and resumes exactly from {@link Optimizer#state()}.
 */
public abstract class OptimizerContractTest {

    protected static final long SEED = 7L;

    /** The provider under test. */
    protected abstract OptimizerProvider provider();

    /** Options that make a well-behaved optimizer for a quadratic bowl (for example a small lr). */
    protected Map<String, String> options() {
        return Map.of();
    }

    private static List<Parameter> params(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Parameter a = new Parameter("a", 3, 4);
        Parameter b = new Parameter("b", 5);
        for (Parameter p : List.of(a, b)) {
            for (int i = 0; i < p.size(); i++) {
                p.value()[i] = (float) (r.nextDouble() * 2 - 1);
            }
        }
        return List.of(a, b);
    }

    /** Loss ½‖w‖²: gradient = w. */
    private static double lossAndGrad(List<Parameter> ps) {
        double l = 0;
        for (Parameter p : ps) {
            for (int i = 0; i < p.size(); i++) {
                l += 0.5 * p.value()[i] * p.value()[i];
                p.grad()[i] = p.value()[i];
            }
        }
        return l;
    }

    @Test
    void descendsOnAQuadraticBowl() {
        Optimizer opt = provider().create(options());
        List<Parameter> ps = params(SEED);
        double first = lossAndGrad(ps);
        double last = first;
        for (int i = 0; i < 50; i++) {
            opt.step(ps);
            last = lossAndGrad(ps);
        }
        assertTrue(last < 0.5 * first, "50 steps on ½‖w‖² went from " + first + " to " + last + ", seed " + SEED);
    }

    @Test
    void leavesGradientsAlone() {
        Optimizer opt = provider().create(options());
        List<Parameter> ps = params(SEED);
        lossAndGrad(ps);
        float[] before = ps.get(0).grad().clone();
        opt.step(ps);
        assertArrayEquals(before, ps.get(0).grad(), "the optimizer must not modify gradients");
    }

    @Test
    void zeroLearningRateChangesNothing() {
        Optimizer opt = provider().create(options());
        List<Parameter> ps = params(SEED);
        opt.setLearningRate(0);
        assertEquals(0, opt.learningRate());
        lossAndGrad(ps);
        float[] before = ps.get(0).value().clone();
        opt.step(ps);
        assertArrayEquals(before, ps.get(0).value(), "lr 0 must not move the weights");
        assertThrows(IllegalArgumentException.class, () -> opt.setLearningRate(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> opt.setLearningRate(-1));
    }

    @Test
    void rejectsUnknownOptions() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> provider().create(Map.of("no-such-option", "1")));
        assertTrue(e.getMessage().contains("no-such-option"), e.getMessage());
    }

    @Test
    void resumesExactlyFromItsState() {
        Optimizer a = provider().create(options());
        List<Parameter> pa = params(SEED);
        for (int i = 0; i < 5; i++) {
            lossAndGrad(pa);
            a.step(pa);
        }
        var saved = a.state();
        float[][] weights = pa.stream().map(p -> p.value().clone()).toArray(float[][]::new);
        for (int i = 0; i < 5; i++) {
            lossAndGrad(pa);
            a.step(pa);
        }
        Optimizer b = provider().create(options());
        b.restore(saved);
        List<Parameter> pb = params(SEED + 1);
        for (int i = 0; i < pb.size(); i++) {
            System.arraycopy(weights[i], 0, pb.get(i).value(), 0, weights[i].length);
        }
        for (int i = 0; i < 5; i++) {
            lossAndGrad(pb);
            b.step(pb);
        }
        for (int i = 0; i < pa.size(); i++) {
            assertArrayEquals(pa.get(i).value(), pb.get(i).value(), "resumed run differs in " + pa.get(i).name());
        }
        assertNotEquals(0, saved.scalars().size(), "state must carry the step counter");
    }
}
