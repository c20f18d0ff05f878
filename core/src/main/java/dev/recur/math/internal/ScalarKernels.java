package dev.recur.math.internal;

import dev.recur.math.Activation;
import dev.recur.math.MathKernels;

/**
 * The scalar reference implementation of {@link MathKernels}: plain loops, double accumulation where it
 * matters, no incubator classes. Every other implementation is tested against this one.
 */
public final class ScalarKernels implements MathKernels {

    /** The shared instance (stateless). */
    public static final ScalarKernels INSTANCE = new ScalarKernels();

    private ScalarKernels() {
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void gemmNN(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                       float[] c, int cOff, int ldc, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (!accumulate) {
                java.util.Arrays.fill(c, ci, ci + n, 0f);
            }
            for (int p = 0; p < k; p++) {
                float av = a[aOff + i * lda + p];
                if (av == 0f) {
                    continue;
                }
                int bp = bOff + p * ldb;
                for (int j = 0; j < n; j++) {
                    c[ci + j] += av * b[bp + j];
                }
            }
        }
    }

    @Override
    public void gemmTN(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                       float[] c, int cOff, int ldc, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (!accumulate) {
                java.util.Arrays.fill(c, ci, ci + n, 0f);
            }
            for (int p = 0; p < k; p++) {
                float av = a[aOff + p * lda + i];
                if (av == 0f) {
                    continue;
                }
                int bp = bOff + p * ldb;
                for (int j = 0; j < n; j++) {
                    c[ci + j] += av * b[bp + j];
                }
            }
        }
    }

    @Override
    public void gemmNT(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                       float[] c, int cOff, int ldc, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * lda;
            for (int j = 0; j < n; j++) {
                int bj = bOff + j * ldb;
                float s = 0f;
                for (int p = 0; p < k; p++) {
                    s += a[ai + p] * b[bj + p];
                }
                int ci = cOff + i * ldc + j;
                c[ci] = accumulate ? c[ci] + s : s;
            }
        }
    }

    @Override
    public void gemv(int m, int n, float[] a, int aOff, int lda, float[] x, int xOff, float[] y, int yOff,
                     boolean accumulate) {
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * lda;
            float s = 0f;
            for (int j = 0; j < n; j++) {
                s += a[ai + j] * x[xOff + j];
            }
            y[yOff + i] = accumulate ? y[yOff + i] + s : s;
        }
    }

    @Override
    public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }

    @Override
    public void scale(int n, float alpha, float[] x, int xOff) {
        for (int i = 0; i < n; i++) {
            x[xOff + i] *= alpha;
        }
    }

    @Override
    public double sumOfSquares(int n, float[] x, int xOff) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            double v = x[xOff + i];
            s += v * v;
        }
        return s;
    }

    @Override
    public void multiply(int n, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff) {
        for (int i = 0; i < n; i++) {
            out[outOff + i] = a[aOff + i] * b[bOff + i];
        }
    }

    @Override
    public void activate(Activation act, int n, float[] x, int xOff, float[] y, int yOff, float[] d, int dOff) {
        for (int i = 0; i < n; i++) {
            double xv = x[xOff + i];
            double yv = act.apply(xv);
            y[yOff + i] = (float) yv;
            if (d != null) {
                d[dOff + i] = (float) act.derivative(xv, yv);
            }
        }
    }

    @Override
    public void addRowVector(int rows, int cols, float[] v, int vOff, float[] c, int cOff, int ldc) {
        for (int r = 0; r < rows; r++) {
            int cr = cOff + r * ldc;
            for (int j = 0; j < cols; j++) {
                c[cr + j] += v[vOff + j];
            }
        }
    }

    @Override
    public void sumRows(int rows, int cols, float[] a, int aOff, int lda, float[] out, int outOff) {
        for (int r = 0; r < rows; r++) {
            int ar = aOff + r * lda;
            for (int j = 0; j < cols; j++) {
                out[outOff + j] += a[ar + j];
            }
        }
    }

    @Override
    public double softmaxCrossEntropy(int rows, int cols, float[] logits, int off, int ld, int[] targets,
                                      int tOff, float gradScale) {
        double total = 0;
        for (int r = 0; r < rows; r++) {
            int o = off + r * ld;
            int t = targets[tOff + r];
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) {
                max = Math.max(max, logits[o + j]);
            }
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                sum += Math.exp(logits[o + j] - max);
            }
            double logSum = Math.log(sum) + max;
            total += logSum - logits[o + t];
            if (gradScale != 0f) {
                for (int j = 0; j < cols; j++) {
                    logits[o + j] = (float) (gradScale * Math.exp(logits[o + j] - logSum));
                }
                logits[o + t] -= gradScale;
            }
        }
        return total;
    }

    @Override
    public void softmax(int n, float[] x, int xOff, float temperature, float[] out, int outOff) {
        double inv = 1.0 / temperature;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, x[xOff + i] * inv);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double e = Math.exp(x[xOff + i] * inv - max);
            out[outOff + i] = (float) e;
            sum += e;
        }
        float norm = (float) (1.0 / sum);
        for (int i = 0; i < n; i++) {
            out[outOff + i] *= norm;
        }
    }
}
