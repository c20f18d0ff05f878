package dev.recur.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.spi.ClipReport;
import dev.recur.spi.LearningRateSchedule;
import dev.recur.spi.Parameter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each update rule against values worked out by hand. */
class OptimizerMathTest {

    static Parameter param(float w, float g) {
        Parameter p = new Parameter("w", 1);
        p.value()[0] = w;
        p.grad()[0] = g;
        return p;
    }

    @Test
    void sgdMomentumAndNesterov() {
        Parameter p = param(1f, 0.5f);
        Sgd plain = new Sgd();
        plain.step(List.of(p), 0.1);
        assertEquals(1f - 0.05f, p.value()[0], 1e-7);

        Parameter q = param(1f, 0.5f);
        Sgd mom = new Sgd(0.9, false, 0);
        mom.step(List.of(q), 0.1); // v = 0.5, w = 1 - 0.05
        mom.step(List.of(q), 0.1); // v = 0.9*0.5 + 0.5 = 0.95, w -= 0.095
        assertEquals(1f - 0.05f - 0.095f, q.value()[0], 1e-6);

        Parameter n = param(1f, 0.5f);
        Sgd nes = new Sgd(0.9, true, 0);
        nes.step(List.of(n), 0.1); // v = 0.5; g' = 0.5 + 0.9*0.5 = 0.95
        assertEquals(1f - 0.095f, n.value()[0], 1e-6);

        Parameter d = param(2f, 0f);
        new Sgd(0, false, 0.5).step(List.of(d), 0.1); // g = 0 + 0.5*2 = 1
        assertEquals(1.9f, d.value()[0], 1e-6);
    }

    @Test
    void adamFirstStepMovesByLearningRateTimesSign() {
        Parameter p = param(1f, 123f);
        Parameter q = param(1f, -0.001f);
        Adam adam = new Adam();
        adam.step(List.of(p, q), 0.01);
        assertEquals(1f - 0.01f, p.value()[0], 1e-6);
        assertEquals(1f + 0.01f, q.value()[0], 1e-5);
        // second step with the same gradient: m̂ = g, v̂ = g², so again lr·sign
        adam.step(List.of(p, q), 0.01);
        assertEquals(1f - 0.02f, p.value()[0], 1e-6);
    }

    @Test
    void globalNormFollowsTheTextbookRule() {
        Parameter a = new Parameter("a", 2);
        Parameter b = new Parameter("b", 1);
        a.grad()[0] = 3;
        a.grad()[1] = 0;
        b.grad()[0] = 4; // ‖g‖ = 5 over all parameters together
        ClipReport r = new GlobalNormClipper(1).clip(List.of(a, b));
        assertTrue(r.clipped());
        assertEquals(5, r.normBefore(), 1e-9);
        assertEquals(1, r.normAfter(), 1e-6);
        assertEquals(0.6f, a.grad()[0], 1e-6);
        assertEquals(0.8f, b.grad()[0], 1e-6);

        ClipReport same = new GlobalNormClipper(10).clip(List.of(a, b));
        assertFalse(same.clipped(), "norm 1 <= 10 is left alone");
        assertEquals(0.6f, a.grad()[0], 0f);
    }

    @Test
    void providersValidateTheirOptions() {
        assertEquals("unknown option 'lr' for optimizer 'sgd'; known options: momentum, nesterov, weight-decay",
                assertThrows(IllegalArgumentException.class, () -> new SgdProvider().create(Map.of("lr", "0"))).getMessage());
        assertEquals("option 'nesterov' of optimizer 'sgd' must be false when momentum is 0, got 'true'",
                assertThrows(IllegalArgumentException.class,
                        () -> new SgdProvider().create(Map.of("nesterov", "true"))).getMessage());
        assertEquals("option 'beta1' of optimizer 'adam' must be a number in [0, 0.999999], got '1'",
                assertThrows(IllegalArgumentException.class,
                        () -> new AdamProvider().create(Map.of("beta1", "1"))).getMessage());
        assertEquals("option 'max-norm' of clipper 'global-norm' must be a number > 0, got '-1'",
                assertThrows(IllegalArgumentException.class,
                        () -> new GlobalNormClipperProvider().create(Map.of("max-norm", "-1"))).getMessage());
    }

    @Test
    void plateauHalvesThenStopsAndRollsBackWhenWorse() {
        LearningRateSchedule s = new PlateauScheduleProvider().create(1.0, Map.of());
        assertEquals(LearningRateSchedule.Decision.CONTINUE.stop(), s.afterValidation(5.0).stop());
        assertEquals(1.0, s.learningRate(0));
        s.afterValidation(4.0); // improved a lot
        assertEquals(1.0, s.learningRate(1));
        LearningRateSchedule.Decision d = s.afterValidation(3.999); // < 1.003 improvement: start halving
        assertFalse(d.stop());
        assertFalse(d.rollback());
        assertEquals(0.5, s.learningRate(2));
        d = s.afterValidation(3.5); // good improvement, still halving
        assertEquals(0.25, s.learningRate(3));
        d = s.afterValidation(3.6); // worse: roll back, and a failure while halving: stop
        assertTrue(d.rollback());
        assertTrue(d.stop());
    }

    @Test
    void plateauOnStallDecaysAtEachStallAndNeverStops() {
        LearningRateSchedule s = new PlateauScheduleProvider().create(1.0,
                Map.of("mode", "on-stall", "decay", "4", "min-improvement", "1"));
        s.afterValidation(5.0);
        assertEquals(1.0, s.learningRate(0));
        LearningRateSchedule.Decision d = s.afterValidation(5.5);
        assertTrue(d.rollback());
        assertFalse(d.stop());
        assertEquals(0.25, s.learningRate(1));
        s.afterValidation(4.0);
        assertEquals(0.25, s.learningRate(2), "improvement keeps the rate");
        d = s.afterValidation(4.5);
        assertFalse(d.stop());
        assertEquals(0.0625, s.learningRate(3));
    }
}
