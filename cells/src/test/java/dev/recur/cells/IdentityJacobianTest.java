package dev.recur.cells;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.recur.math.Activation;
import dev.recur.math.Kernels;
import dev.recur.spi.CellWorkspace;
import org.junit.jupiter.api.Test;

/**
 * For identity σ the textbook derivation gives ∂h(t)/∂h(t−l) = W_hˡ (column-vector convention). recur stores
 * W_h in row-vector convention (h(t) = h(t−1)·W_h + …), so the measured Jacobian J[i][j] = ∂h_i(t)/∂h_j(t−l)
 * must equal ((W_h)ˡ)[j][i]. Measured by central differences on the incoming state; the map is linear, so
 * differences are exact up to float rounding.
 */
class IdentityJacobianTest {

    static final long SEED = 99L;

    @Test
    void jacobianOfTheLinearRnnIsThePowerOfWh() {
        int h = 6;
        int in = 3;
        ElmanCell cell = new ElmanCell(in, h, Activation.IDENTITY, Initialization.UNIFORM, 1.2, SEED, Kernels.get());
        float[] wh = cell.parameters().get(1).value();
        for (int l : new int[] {1, 2, 5}) {
            CellWorkspace ws = cell.newWorkspace(1, l);
            float[] x = new float[l * in];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) Math.sin(i + 1);
            }
            float[] out = new float[l * h];
            double[][] power = power(wh, h, l);
            for (int j = 0; j < h; j++) {
                float eps = 0.5f;
                float[] plus = new float[h];
                float[] minus = new float[h];
                float[] s0 = new float[h];
                s0[j] = eps;
                cell.forward(1, l, x, s0, out, plus, ws);
                s0[j] = -eps;
                cell.forward(1, l, x, s0, out, minus, ws);
                for (int i = 0; i < h; i++) {
                    double measured = (plus[i] - minus[i]) / (2.0 * eps);
                    assertEquals(power[j][i], measured, 1e-4 * (1 + Math.abs(power[j][i])),
                            "dh_" + i + "(t)/dh_" + j + "(t-" + l + ") vs (W_h^" + l + ")[" + j + "][" + i + "], seed " + SEED);
                }
            }
        }
    }

    static double[][] power(float[] w, int n, int l) {
        double[][] r = new double[n][n];
        for (int i = 0; i < n; i++) {
            r[i][i] = 1;
        }
        for (int s = 0; s < l; s++) {
            double[][] next = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    double acc = 0;
                    for (int k = 0; k < n; k++) {
                        acc += r[i][k] * w[k * n + j];
                    }
                    next[i][j] = acc;
                }
            }
            r = next;
        }
        return r;
    }
}
