package dev.recur.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
 * The contract written on {@link Optimizer}: it descends (steps along the gradient lower a convex loss),
 * never touches the gradients, moves nothing at learning rate 0, rejects a NaN, infinite or negative rate
 * before changing anything, stays bound to its first parameter list, rejects unknown options, and resumes
 * exactly from {@link Optimizer#state()}.
 */
public abstract class OptimizerContractTest {

    protected static final long SEED = 7L;

    /** The provider under test. */
    protected abstract OptimizerProvider provider();

    /** Options that make a well-behaved optimizer for a quadratic bowl. */
    protected Map<String, String> options() {
        return Map.of();
    }

    /** The learning rate of the descent and resume tests (default: the provider's default rate). */
    protected double learningRate() {
        return provider().defaultLearningRate();
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
            opt.step(ps, learningRate());
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
        opt.step(ps, learningRate());
        assertArrayEquals(before, ps.get(0).grad(), "the optimizer must not modify gradients");
    }

    @Test
    void zeroLearningRateChangesNothing() {
        Optimizer opt = provider().create(options());
        List<Parameter> ps = params(SEED);
        lossAndGrad(ps);
        float[] before = ps.get(0).value().clone();
        opt.step(ps, 0);
        assertArrayEquals(before, ps.get(0).value(), "lr 0 must not move the weights");
    }

    @Test
    void rejectsInvalidLearningRatesBeforeChangingAnything() {
        Optimizer opt = provider().create(options());
        List<Parameter> ps = params(SEED);
        lossAndGrad(ps);
        float[] before = ps.get(0).value().clone();
        for (double bad : new double[] {Double.NaN, -1, Double.POSITIVE_INFINITY}) {
            assertThrows(IllegalArgumentException.class, () -> opt.step(ps, bad), "learning rate " + bad);
            assertArrayEquals(before, ps.get(0).value(), "a rejected step (lr " + bad + ") must not move the weights");
        }
    }

    @Test
    void staysBoundToItsFirstParameterList() {
        Optimizer opt = provider().create(options());
        List<Parameter> ps = params(SEED);
        lossAndGrad(ps);
        opt.step(ps, learningRate());
        List<Parameter> other = params(SEED + 2);
        lossAndGrad(other);
        assertThrows(IllegalArgumentException.class, () -> opt.step(other, learningRate()),
                "a step with another parameter list must be rejected");
    }

    @Test
    void hasAUsableDefaultLearningRate() {
        double lr = provider().defaultLearningRate();
        assertTrue(lr > 0 && Double.isFinite(lr), "defaultLearningRate must be finite and > 0, got " + lr);
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
            a.step(pa, learningRate());
        }
        var saved = a.state();
        float[][] weights = pa.stream().map(p -> p.value().clone()).toArray(float[][]::new);
        for (int i = 0; i < 5; i++) {
            lossAndGrad(pa);
            a.step(pa, learningRate());
        }
        Optimizer b = provider().create(options());
        b.restore(saved);
        List<Parameter> pb = params(SEED + 1);
        for (int i = 0; i < pb.size(); i++) {
            System.arraycopy(weights[i], 0, pb.get(i).value(), 0, weights[i].length);
        }
        for (int i = 0; i < 5; i++) {
            lossAndGrad(pb);
            b.step(pb, learningRate());
        }
        for (int i = 0; i < pa.size(); i++) {
            assertArrayEquals(pa.get(i).value(), pb.get(i).value(), "resumed run differs in " + pa.get(i).name());
        }
        assertNotEquals(0, saved.scalars().size(), "state must carry the step counter");
    }
}
