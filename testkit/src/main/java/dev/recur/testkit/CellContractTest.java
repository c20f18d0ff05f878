package dev.recur.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.spi.Cell;
import dev.recur.spi.CellWorkspace;
import dev.recur.spi.Parameter;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link Cell} must keep. Extend it in your plugin's tests and implement
 * {@link #newCell(int, int, long)}:
 *
 * <pre>{@code
 * class MyCellTest extends CellContractTest {
 *     protected Cell newCell(int in, int hidden, long seed) { return new MyCell(in, hidden, seed); }
 * }
 * }</pre>
 *
 * Checks: shape errors, outputs fully overwritten (poisoned with NaN first), parameter gradients
 * accumulate, inputs untouched, batch rows independent, and a finite-difference check of the gradients
 * of every parameter, the inputs and the incoming state. Every failure message names the seed.
 */
public abstract class CellContractTest {

    /** Seed used by every check (printed in failures). */
    protected static final long SEED = 20261128L;
    protected static final int IN = 3;
    protected static final int HIDDEN = 4;
    protected static final int BATCH = 2;
    protected static final int STEPS = 3;

    /** A fresh cell with the given sizes, deterministic in {@code seed}. */
    protected abstract Cell newCell(int inputSize, int hiddenSize, long seed);

    /** Step of the finite differences (override for cells with kinks, like relu, if justified). */
    protected float gradientCheckEpsilon() {
        return GradientCheck.EPS;
    }

    /**
     * Absolute tolerance of the gradient check (override only with the small step a kink forces, and say
     * why: float noise grows as 1/ε).
     *
     * @return the absolute tolerance
     */
    protected double gradientCheckAbsTolerance() {
        return GradientCheck.ABS_TOL;
    }

    private static float[] random(int n, double scale, SplittableRandom r) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
        }
        return a;
    }

    private static float[] nan(int n) {
        float[] a = new float[n];
        Arrays.fill(a, Float.NaN);
        return a;
    }

    private static void assertFinite(String what, float[] a) {
        for (int i = 0; i < a.length; i++) {
            assertTrue(Float.isFinite(a[i]), what + "[" + i + "] was not overwritten (still " + a[i] + "), seed " + SEED);
        }
    }

    /** Inputs of one window: x, state, dOutputs, dState. */
    private record Window(float[] x, float[] s0, float[] dy, float[] ds) {
    }

    private Window window(Cell cell, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        return new Window(random(STEPS * BATCH * cell.inputSize(), 1, r), random(BATCH * cell.stateSize(), 0.5, r),
                random(STEPS * BATCH * cell.hiddenSize(), 1, r), random(BATCH * cell.stateSize(), 1, r));
    }

    @Test
    void reportsItsSizes() {
        Cell cell = newCell(IN, HIDDEN, SEED);
        assertEquals(IN, cell.inputSize(), "inputSize");
        assertEquals(HIDDEN, cell.hiddenSize(), "hiddenSize");
        assertTrue(cell.stateSize() >= cell.hiddenSize(), "stateSize must be >= hiddenSize");
        assertFalse(cell.parameters().isEmpty(), "a cell has parameters");
        long distinct = cell.parameters().stream().map(Parameter::name).distinct().count();
        assertEquals(cell.parameters().size(), distinct, "parameter names must be unique");
    }

    @Test
    void rejectsWindowsThatDoNotFitTheWorkspace() {
        Cell cell = newCell(IN, HIDDEN, SEED);
        CellWorkspace ws = cell.newWorkspace(BATCH, STEPS);
        Window w = window(cell, SEED);
        float[] out = new float[(STEPS + 1) * (BATCH + 1) * HIDDEN];
        float[] s1 = new float[(BATCH + 1) * cell.stateSize()];
        assertThrows(IllegalArgumentException.class,
                () -> cell.forward(BATCH, STEPS + 1, new float[(STEPS + 1) * BATCH * IN], w.s0, out, s1, ws),
                "more steps than the workspace holds");
        assertThrows(IllegalArgumentException.class,
                () -> cell.forward(BATCH + 1, STEPS, new float[STEPS * (BATCH + 1) * IN], s1, out, s1, ws),
                "another batch size than the workspace's");
        assertThrows(IllegalArgumentException.class, () -> cell.newWorkspace(0, STEPS), "batch 0");
        assertThrows(RuntimeException.class, () -> newCell(0, HIDDEN, SEED), "inputSize 0");
        assertThrows(RuntimeException.class, () -> newCell(IN, 0, SEED), "hiddenSize 0");
    }

    @Test
    void overwritesEveryOutputAndLeavesInputsUntouched() {
        Cell cell = newCell(IN, HIDDEN, SEED);
        CellWorkspace ws = cell.newWorkspace(BATCH, STEPS);
        Window w = window(cell, SEED);
        Window copy = new Window(w.x.clone(), w.s0.clone(), w.dy.clone(), w.ds.clone());
        float[] out = nan(STEPS * BATCH * HIDDEN);
        float[] s1 = nan(BATCH * cell.stateSize());
        cell.forward(BATCH, STEPS, w.x, w.s0, out, s1, ws);
        assertFinite("outputs", out);
        assertFinite("stateOut", s1);
        float[] dx = nan(w.x.length);
        float[] ds0 = nan(w.s0.length);
        cell.backward(BATCH, STEPS, w.dy, w.ds, dx, ds0, ws);
        assertFinite("dInputs", dx);
        assertFinite("dStateIn", ds0);
        assertArrayEquals(copy.x, w.x, "forward must not write its inputs, seed " + SEED);
        assertArrayEquals(copy.s0, w.s0, "forward must not write stateIn, seed " + SEED);
        assertArrayEquals(copy.dy, w.dy, "backward must not write dOutputs, seed " + SEED);
        assertArrayEquals(copy.ds, w.ds, "backward must not write dStateOut, seed " + SEED);
    }

    @Test
    void stateOutMayAliasStateIn() {
        Cell cell = newCell(IN, HIDDEN, SEED);
        CellWorkspace ws = cell.newWorkspace(BATCH, STEPS);
        Window w = window(cell, SEED);
        float[] out = new float[STEPS * BATCH * HIDDEN];
        float[] expected = new float[w.s0.length];
        cell.forward(BATCH, STEPS, w.x, w.s0, out, expected, ws);
        float[] state = w.s0.clone();
        cell.forward(BATCH, STEPS, w.x, state, out, state, ws);
        assertArrayEquals(expected, state, "stateOut aliasing stateIn changed the result, seed " + SEED);
    }

    @Test
    void parameterGradientsAccumulate() {
        Cell cell = newCell(IN, HIDDEN, SEED);
        CellWorkspace ws = cell.newWorkspace(BATCH, STEPS);
        Window w = window(cell, SEED);
        float[] out = new float[STEPS * BATCH * HIDDEN];
        float[] s1 = new float[BATCH * cell.stateSize()];
        cell.forward(BATCH, STEPS, w.x, w.s0, out, s1, ws);
        cell.parameters().forEach(Parameter::zeroGrad);
        cell.backward(BATCH, STEPS, w.dy, w.ds, null, null, ws);
        List<float[]> once = cell.parameters().stream().map(p -> p.grad().clone()).toList();
        cell.backward(BATCH, STEPS, w.dy, w.ds, null, null, ws);
        for (int i = 0; i < once.size(); i++) {
            Parameter p = cell.parameters().get(i);
            for (int j = 0; j < p.size(); j++) {
                assertEquals(2 * once.get(i)[j], p.grad()[j], 1e-5 * (1 + Math.abs(once.get(i)[j])),
                        p.name() + "[" + j + "] must accumulate (+=) across backward calls, seed " + SEED);
            }
        }
    }

    @Test
    void batchRowsAreIndependent() {
        Cell cell = newCell(IN, HIDDEN, SEED);
        CellWorkspace ws = cell.newWorkspace(BATCH, STEPS);
        Window w = window(cell, SEED);
        int h = cell.hiddenSize();
        float[] out1 = new float[STEPS * BATCH * h];
        float[] s1 = new float[BATCH * cell.stateSize()];
        cell.forward(BATCH, STEPS, w.x, w.s0, out1, s1, ws);
        float[] x2 = w.x.clone();
        float[] st2 = w.s0.clone();
        for (int t = 0; t < STEPS; t++) {
            for (int i = 0; i < cell.inputSize(); i++) {
                x2[(t * BATCH + 1) * cell.inputSize() + i] += 0.5f;
            }
        }
        for (int i = 0; i < cell.stateSize(); i++) {
            st2[cell.stateSize() + i] -= 0.25f;
        }
        float[] out2 = new float[out1.length];
        cell.forward(BATCH, STEPS, x2, st2, out2, new float[s1.length], ws);
        boolean row1Changed = false;
        for (int t = 0; t < STEPS; t++) {
            for (int i = 0; i < h; i++) {
                assertEquals(out1[(t * BATCH) * h + i], out2[(t * BATCH) * h + i], 0f,
                        "row 0 changed when only row 1's inputs changed (step " + t + "), seed " + SEED);
                row1Changed |= out1[(t * BATCH + 1) * h + i] != out2[(t * BATCH + 1) * h + i];
            }
        }
        assertTrue(row1Changed, "row 1's outputs must depend on its inputs, seed " + SEED);
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        Cell cell = newCell(IN, HIDDEN, SEED);
        CellWorkspace ws = cell.newWorkspace(BATCH, STEPS);
        Window w = window(cell, SEED + 1);
        int h = cell.hiddenSize();
        float[] out = new float[STEPS * BATCH * h];
        float[] s1 = new float[BATCH * cell.stateSize()];
        // J = Σ dy ⊙ outputs + Σ ds ⊙ stateOut, so ∂J/∂outputs = dy and ∂J/∂stateOut = ds
        java.util.function.DoubleSupplier loss = () -> {
            cell.forward(BATCH, STEPS, w.x, w.s0, out, s1, ws);
            double j = 0;
            for (int i = 0; i < out.length; i++) {
                j += (double) w.dy[i] * out[i];
            }
            for (int i = 0; i < s1.length; i++) {
                j += (double) w.ds[i] * s1[i];
            }
            return j;
        };
        loss.getAsDouble();
        cell.parameters().forEach(Parameter::zeroGrad);
        float[] dx = new float[w.x.length];
        float[] ds0 = new float[w.s0.length];
        cell.backward(BATCH, STEPS, w.dy, w.ds, dx, ds0, ws);
        float eps = gradientCheckEpsilon();
        double tol = gradientCheckAbsTolerance();
        for (Parameter p : cell.parameters()) {
            float[] analytic = p.grad().clone();
            assertNull(GradientCheck.check(p.name(), p.value(), analytic, eps, tol, GradientCheck.REL_TOL, loss),
                    "seed " + SEED);
        }
        assertNull(GradientCheck.check("inputs", w.x, dx, eps, tol, GradientCheck.REL_TOL, loss), "seed " + SEED);
        assertNull(GradientCheck.check("stateIn", w.s0, ds0, eps, tol, GradientCheck.REL_TOL, loss), "seed " + SEED);
    }
}
