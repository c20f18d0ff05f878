package dev.recur.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.math.Kernels;
import dev.recur.spi.ClipReport;
import dev.recur.spi.GradientClipper;
import dev.recur.spi.Optimizer;
import dev.recur.spi.Parameter;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A row-sparse gradient (the embedding's: only the rows of a window's tokens are non-zero) is zeroed, clipped
 * and — where that is exact — updated on its touched rows only, with the result of the dense path.
 */
class RowSparseGradientTest {

    static final long SEED = 31L;
    static final int ROWS = 50;
    static final int COLS = 7;
    static final int[] TOUCHED = {17, 3, 44, 3, 0, 17, 49};

    /** A parameter whose gradient is non-zero on TOUCHED rows only; sparse or dense bookkeeping. */
    private static Parameter param(boolean sparse) {
        Parameter p = new Parameter("E", ROWS, COLS);
        if (sparse) {
            p.trackGradientRows();
        }
        SplittableRandom r = new SplittableRandom(SEED);
        for (int i = 0; i < p.size(); i++) {
            p.value()[i] = (float) (r.nextDouble() * 2 - 1);
        }
        for (int row : TOUCHED) {
            for (int c = 0; c < COLS; c++) {
                p.grad()[row * COLS + c] += (float) (r.nextDouble() * 4 - 2);
            }
            p.markGradientRow(row);
        }
        return p;
    }

    @Test
    void touchedRowsAreRecordedOnceAndZeroedExactly() {
        Parameter p = param(true);
        assertTrue(p.rowSparseGradient());
        assertEquals(5, p.gradientRanges(), "rows 17, 3, 44, 0, 49, each once");
        assertEquals(17 * COLS, p.gradientRangeStart(0));
        assertEquals(COLS, p.gradientRangeLength());
        Parameter d = param(false);
        assertEquals(1, d.gradientRanges());
        assertEquals(d.size(), d.gradientRangeLength());
        p.zeroGrad();
        assertArrayEquals(new float[ROWS * COLS], p.grad(), "every touched row zeroed");
        assertEquals(0, p.gradientRanges());
        Parameter view = p.withName("view");
        view.markGradientRow(9);
        assertEquals(1, p.gradientRanges(), "a view shares the row set");
    }

    @Test
    void sgdAndAdagradUpdateOnlyTouchedRowsWithTheDenseResult() {
        for (Optimizer[] pair : new Optimizer[][] {{new Sgd(), new Sgd()}, {new Adagrad(1e-10, 0), new Adagrad(1e-10, 0)},
            {new Adam(), new Adam()}, {new Sgd(0.9, false, 0), new Sgd(0.9, false, 0)}}) {
            Parameter s = param(true);
            Parameter d = param(false);
            for (int step = 0; step < 3; step++) {
                pair[0].step(List.of(s), 0.1);
                pair[1].step(List.of(d), 0.1);
            }
            assertArrayEquals(d.value(), s.value(), pair[0].getClass().getSimpleName() + ": sparse = dense, bit for bit");
        }
    }

    @Test
    void clippersSeeTheSameNormAndScaleTheSameRows() {
        for (GradientClipper[] pair : new GradientClipper[][] {
            {new GlobalNormClipper(1.0), new GlobalNormClipper(1.0)},
            {MoreClippers.perParameterNorm(1.0, Kernels.get()), MoreClippers.perParameterNorm(1.0, Kernels.get())},
            {MoreClippers.value(0.5, Kernels.get()), MoreClippers.value(0.5, Kernels.get())},
            {MoreClippers.adaptive(0.01, 1e-3, Kernels.get()), MoreClippers.adaptive(0.01, 1e-3, Kernels.get())}}) {
            Parameter s = param(true);
            Parameter d = param(false);
            ClipReport rs = pair[0].clip(List.of(s));
            ClipReport rd = pair[1].clip(List.of(d));
            assertTrue(rs.clipped() && rd.clipped(), "the case must clip");
            // sumOfSquares folds float partial sums into a double: row by row or all at once differ at float rounding
            assertEquals(rd.normBefore(), rs.normBefore(), 1e-7 * rd.normBefore(), "norm before");
            for (int i = 0; i < d.size(); i++) {
                assertEquals(d.grad()[i], s.grad()[i], 1e-6f * Math.abs(d.grad()[i]), "element " + i);
            }
        }
        assertFalse(new GlobalNormClipper(100).clip(List.of(param(true))).clipped());
    }
}
