package dev.recur.cells;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.spi.Parameter;
import dev.recur.testkit.GradientCheck;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The gradient checks can fail: a 5 % error injected into one gradient entry of magnitude ≥ 1e-3 — the smallest
 * such entries of every parameter, made 5 % larger and 5 % smaller — is reported at that entry, while the
 * untouched gradient passes.
 */
class GradientCheckStrictnessTest {

    @ParameterizedTest
    @ValueSource(strings = {"tanh", "sigmoid", "identity", "lstm", "gru"})
    void aFivePercentErrorInAnyEntryAboveOneThousandthFails(String cell) {
        ModelGradientCheckTest.Setup s = ModelGradientCheckTest.setup(cell, 0);
        int injected = 0;
        for (Parameter p : s.model().parameters()) {
            float[] analytic = p.grad().clone();
            assertNull(GradientCheck.check(p.name(), p.value(), analytic, GradientCheck.EPS, GradientCheck.ABS_TOL,
                    GradientCheck.REL_TOL, s.meanLoss()), cell + ": the true gradient passes");
            // the three smallest entries ≥ 1e-3 (the hardest to tell from noise) and the largest
            List<Integer> idx = new ArrayList<>();
            for (int i = 0; i < analytic.length; i++) {
                if (Math.abs(analytic[i]) >= 1e-3) {
                    idx.add(i);
                }
            }
            idx.sort(Comparator.comparingDouble(i -> Math.abs(analytic[i])));
            List<Integer> pick = new ArrayList<>(idx.subList(0, Math.min(3, idx.size())));
            if (idx.size() > 3) {
                pick.add(idx.get(idx.size() - 1));
            }
            for (int i : pick) {
                for (double factor : new double[] {1.05, 0.95}) {
                    float[] wrong = analytic.clone();
                    wrong[i] = (float) (analytic[i] * factor);
                    // only entries from i on need checking: the ones before are untouched and pass
                    String msg = GradientCheck.check(p.name(), p.value(), wrong, GradientCheck.EPS,
                            GradientCheck.ABS_TOL, GradientCheck.REL_TOL, s.meanLoss());
                    assertNotNull(msg, cell + " " + p.name() + "[" + i + "] = " + analytic[i] + " x " + factor
                            + " passed the check, seed " + ModelGradientCheckTest.SEED);
                    assertTrue(msg.startsWith(p.name() + "[" + i + "]"), msg);
                    injected++;
                }
            }
        }
        assertTrue(injected >= 20, "only " + injected + " entries ≥ 1e-3 to inject into");
    }
}
