package dev.recur.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.spi.ClipReport;
import dev.recur.spi.ClipperProvider;
import dev.recur.spi.GradientClipper;
import dev.recur.spi.Parameter;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link GradientClipper} must keep: its report's norm before is the true global norm,
 * small gradients are left alone, it never changes values, it never spreads NaN or Inf, and it rejects
 * unknown options.
 */
public abstract class GradientClipperContractTest {

    protected static final long SEED = 11L;

    /** The provider under test. */
    protected abstract ClipperProvider provider();

    /** Options for the clipper under test. */
    protected Map<String, String> options() {
        return Map.of();
    }

    protected static List<Parameter> params(double scale, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Parameter a = new Parameter("a", 4, 3);
        Parameter b = new Parameter("b", 6);
        for (Parameter p : List.of(a, b)) {
            for (int i = 0; i < p.size(); i++) {
                p.grad()[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
                p.value()[i] = (float) r.nextDouble();
            }
        }
        return List.of(a, b);
    }

    protected static double norm(List<Parameter> ps) {
        double s = 0;
        for (Parameter p : ps) {
            for (float g : p.grad()) {
                s += (double) g * g;
            }
        }
        return Math.sqrt(s);
    }

    @Test
    void reportsTheGlobalNormBefore() {
        List<Parameter> ps = params(100, SEED);
        double expected = norm(ps);
        ClipReport r = provider().create(options()).clip(ps);
        assertEquals(expected, r.normBefore(), 1e-6 * expected, "normBefore, seed " + SEED);
        assertEquals(norm(ps), r.normAfter(), 1e-5 * expected, "normAfter, seed " + SEED);
        assertTrue(r.finite());
    }

    @Test
    void leavesTinyGradientsAlone() {
        List<Parameter> ps = params(1e-6, SEED);
        float[] before = ps.get(0).grad().clone();
        ClipReport r = provider().create(options()).clip(ps);
        assertFalse(r.clipped(), "gradients of norm ~1e-6 must not be clipped");
        assertArrayEquals(before, ps.get(0).grad());
    }

    @Test
    void neverTouchesValues() {
        List<Parameter> ps = params(1000, SEED);
        float[] before = ps.get(1).value().clone();
        provider().create(options()).clip(ps);
        assertArrayEquals(before, ps.get(1).value());
    }

    @Test
    void reportsNonFiniteGradientsWithoutSpreadingThem() {
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY}) {
            List<Parameter> ps = params(1000, SEED);
            ps.get(0).grad()[2] = bad;
            float[] other = ps.get(1).grad().clone();
            ClipReport r = provider().create(options()).clip(ps);
            assertFalse(r.finite(), "a " + bad + " gradient must be reported as non-finite");
            assertArrayEquals(other, ps.get(1).grad(), "finite gradients must not be touched when another is " + bad);
        }
    }

    @Test
    void rejectsUnknownOptions() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> provider().create(Map.of("no-such-option", "1")));
        assertTrue(e.getMessage().contains("no-such-option"), e.getMessage());
    }
}
