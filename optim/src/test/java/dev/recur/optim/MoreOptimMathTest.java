package dev.recur.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.math.Kernels;
import dev.recur.spi.ClipReport;
import dev.recur.spi.LearningRateSchedule;
import dev.recur.spi.Parameter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The added optimizers, schedules and clippers against values worked out by hand. */
class MoreOptimMathTest {

    static Parameter param(float w, float g) {
        Parameter p = new Parameter("w", 1);
        p.value()[0] = w;
        p.grad()[0] = g;
        return p;
    }

    @Test
    void adagradRmspropAndAdamw() {
        Parameter a = param(1f, 2f);
        new Adagrad(1e-10, 0).step(List.of(a), 0.1); // G = 4, step 0.1·2/2
        assertEquals(0.9f, a.value()[0], 1e-6);
        Parameter r = param(1f, 2f);
        new RmsProp(0.9, 1e-8).step(List.of(r), 0.1); // v = 0.1·4 = 0.4, step 0.1·2/√0.4
        assertEquals(1f - 0.1f * 2f / (float) Math.sqrt(0.4), r.value()[0], 1e-6);
        Parameter w = param(2f, 0f);
        new Adam(0.9, 0.999, 1e-8, 0.5).step(List.of(w), 0.1); // zero gradient: only w·(1 − 0.1·0.5)
        assertEquals(1.9f, w.value()[0], 1e-6);
    }

    @Test
    void restoringTheStateOfAnOptimizerThatHasNotSteppedGivesAFreshOne() {
        // what a data-parallel run's first round ships: the state of an optimizer before its first step
        Adam fresh = new Adam(0.9, 0.999, 1e-8, 0);
        Adam restored = new Adam(0.9, 0.999, 1e-8, 0);
        restored.restore(new Adam(0.9, 0.999, 1e-8, 0).state());
        Parameter a = param(1f, 2f);
        Parameter b = param(1f, 2f);
        for (int i = 0; i < 3; i++) {
            a.grad()[0] = 2f - i;
            b.grad()[0] = 2f - i;
            fresh.step(List.of(a), 0.1);
            restored.step(List.of(b), 0.1);
        }
        assertEquals(Float.floatToRawIntBits(a.value()[0]), Float.floatToRawIntBits(b.value()[0]));
        assertEquals(3.0, restored.state().scalars().get("step"));
    }

    @Test
    void adamwDecaysDecoupledNotThroughTheGradient() {
        // w = 1, g = 100, λ = 0.1, lr = 0.01, first step (m̂ = g, v̂ = g²):
        //   decoupled (AdamW): w − lr·(g/|g| + λ·w) = 1 − 0.01·1.1 = 0.989
        //   coupled (Adam + L2, g ← g + λ·w): w − lr·(g'/|g'|) = 1 − 0.01 = 0.99 — the decay drowned by the scaling
        Parameter w = param(1f, 100f);
        new Adam(0.9, 0.999, 1e-8, 0.1).step(List.of(w), 0.01);
        assertEquals(0.989f, w.value()[0], 1e-6, "decoupled weight decay");
        // and the decay does not depend on the gradient's scale (coupled decay would, through v̂)
        Parameter small = param(1f, 1e-3f);
        new Adam(0.9, 0.999, 1e-12, 0.1).step(List.of(small), 0.01);
        assertEquals(0.989f, small.value()[0], 1e-6, "the same step for a gradient 10⁵ times smaller");
        // the provider's adamw is this rule
        Parameter p = param(1f, 100f);
        new MoreOptimizerProviders.AdamWProvider().create(Map.of("weight-decay", "0.1")).step(List.of(p), 0.01);
        assertEquals(0.989f, p.value()[0], 1e-6);
    }

    @Test
    void stepExponentialAndCosineSchedules() {
        LearningRateSchedule s = new StepSchedules.StepProvider().create(1.0, Map.of("every", "10", "gamma", "0.5"));
        assertEquals(1.0, s.learningRate(9));
        assertEquals(0.5, s.learningRate(10));
        assertEquals(0.25, s.learningRate(25));
        LearningRateSchedule e = new StepSchedules.ExponentialProvider().create(2.0, Map.of("gamma", "0.9"));
        assertEquals(2.0 * Math.pow(0.9, 3), e.learningRate(3), 1e-12);
        LearningRateSchedule c = new StepSchedules.CosineProvider().create(1.0,
                Map.of("total-steps", "110", "warmup-steps", "10", "min-lr", "0.1"));
        assertEquals(0.1, c.learningRate(0), 1e-12, "warm-up starts at base/warmup");
        assertEquals(1.0, c.learningRate(9), 1e-12, "warm-up ends at the base rate");
        assertEquals(1.0, c.learningRate(10), 1e-12);
        assertEquals(0.55, c.learningRate(60), 1e-12, "half way: the middle of base and min");
        assertEquals(0.1, c.learningRate(110), 1e-12);
        assertEquals(0.1, c.learningRate(500), 1e-12);
        assertEquals("option 'warmup-steps' of schedule 'cosine' must be less than total-steps 10, got '10'",
                assertThrows(IllegalArgumentException.class, () -> new StepSchedules.CosineProvider().create(1.0,
                        Map.of("total-steps", "10", "warmup-steps", "10"))).getMessage());
        assertTrue(s.state().isEmpty(), "stateless: resumes from the step counter alone");
    }

    @Test
    void clippersDoWhatTheySay() {
        Parameter a = new Parameter("a", 2);
        Parameter b = new Parameter("b", 1);
        a.grad()[0] = 3;
        a.grad()[1] = 4; // ‖a‖ = 5
        b.grad()[0] = 0.5f;
        ClipReport r = MoreClippers.perParameterNorm(1, Kernels.get()).clip(List.of(a, b));
        assertTrue(r.clipped());
        assertEquals(0.6f, a.grad()[0], 1e-6);
        assertEquals(0.8f, a.grad()[1], 1e-6);
        assertEquals(0.5f, b.grad()[0], 0f, "a parameter under its own limit is left alone");

        a.grad()[0] = 7;
        a.grad()[1] = -0.5f;
        MoreClippers.value(1, Kernels.get()).clip(List.of(a));
        assertEquals(1f, a.grad()[0]);
        assertEquals(-0.5f, a.grad()[1]);

        // AGC's unit is an output unit: a column of an [inputs × outputs] matrix (its fan-in), an element of a vector
        Parameter m = new Parameter("m", 2, 2);
        m.value()[0] = 3;
        m.value()[2] = 4; // column 0: ‖w‖ = 5 (a row-wise rule would see rows of norm 3 and 4)
        m.value()[1] = 0;
        m.value()[3] = 0; // column 1: ‖w‖ = 0 → floor eps
        m.grad()[0] = 0.3f;
        m.grad()[2] = 0.4f; // column 0: ‖g‖ = 0.5 ≤ 0.1·5 → untouched (row-wise: 0.3 > 0.1·3 would clip)
        m.grad()[1] = 0.006f;
        m.grad()[3] = 0.008f; // column 1: ‖g‖ = 0.01 > 0.1·0.001 → scaled to norm 1e-4
        ClipReport ar = MoreClippers.adaptive(0.1, 1e-3, Kernels.get()).clip(List.of(m));
        assertTrue(ar.clipped());
        assertEquals(0.3f, m.grad()[0], 0f, "a unit under its limit is left alone");
        assertEquals(0.4f, m.grad()[2], 0f);
        assertEquals(0.6e-4f, m.grad()[1], 1e-10);
        assertEquals(0.8e-4f, m.grad()[3], 1e-10);
        m.grad()[0] = 3f;
        m.grad()[2] = 4f; // column 0 now ‖g‖ = 5 > 0.5 → both entries scaled by 0.1
        MoreClippers.adaptive(0.1, 1e-3, Kernels.get()).clip(List.of(m));
        assertEquals(0.3f, m.grad()[0], 1e-6);
        assertEquals(0.4f, m.grad()[2], 1e-6);

        Parameter bias = new Parameter("bias", 2); // a vector: every element its own unit
        bias.value()[0] = 1;
        bias.value()[1] = 10;
        bias.grad()[0] = 0.5f; // > 0.1·1 → 0.1
        bias.grad()[1] = 0.5f; // ≤ 0.1·10 → untouched (a whole-vector norm would clip both)
        MoreClippers.adaptive(0.1, 1e-3, Kernels.get()).clip(List.of(bias));
        assertEquals(0.1f, bias.grad()[0], 1e-7);
        assertEquals(0.5f, bias.grad()[1], 0f);

        // a row-sparse gradient (an embedding): weight norms over every row, gradients only in the touched rows
        Parameter e = new Parameter("E", 3, 2);
        e.trackGradientRows();
        e.value()[0] = 1;
        e.value()[2] = 1;
        e.value()[4] = 1; // column 0: ‖w‖ = √3
        e.value()[1] = 2;
        e.value()[3] = 2;
        e.value()[5] = 2; // column 1: ‖w‖ = √12
        e.markGradientRow(1);
        e.grad()[2] = 1f; // column 0: ‖g‖ = 1 > 0.1·√3 → scaled to 0.1·√3
        e.grad()[3] = 0.2f; // column 1: ‖g‖ = 0.2 ≤ 0.1·√12 → untouched
        MoreClippers.adaptive(0.1, 1e-3, Kernels.get()).clip(List.of(e));
        assertEquals((float) (0.1 * Math.sqrt(3)), e.grad()[2], 1e-6);
        assertEquals(0.2f, e.grad()[3], 0f);

        Parameter n = new Parameter("n", 2);
        n.grad()[0] = Float.POSITIVE_INFINITY;
        n.grad()[1] = 9;
        ClipReport nr = MoreClippers.value(1, Kernels.get()).clip(List.of(n));
        assertFalse(nr.finite(), "an Inf gradient is reported, not clamped away");
        assertEquals(9f, n.grad()[1], 0f);
    }
}
