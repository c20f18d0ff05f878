package dev.recur.math.internal;

import dev.recur.math.Activation;
import dev.recur.math.MathKernels;

/**
 * {@link MathKernels} on the incubating Vector API ({@code jdk.incubator.vector}), split by concern: matrix
 * products and packing in {@link VectorGemm}, element-wise operations, activations and e^x in
 * {@link VectorElementwise}, softmax in {@link VectorSoftmax}.
 *
 * <p>Only {@link dev.recur.math.Kernels} loads this class, and only after it has checked that the module is
 * present, so the scalar path never touches incubator classes.
 */
public final class VectorKernels implements MathKernels {

    @Override
    public String name() {
        return "vector(" + VectorElementwise.S.vectorBitSize() + "-bit, " + VectorElementwise.L + " lanes)";
    }

    @Override
    public void gemmNN(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                       float[] c, int cOff, int ldc, boolean accumulate) {
        VectorGemm.gemmNN(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
    }

    @Override
    public dev.recur.math.PreparedMatrix prepare(int k, int n, float[] b, int bOff, int ldb,
                                                 dev.recur.math.PreparedMatrix reuse) {
        return VectorGemm.prepare(k, n, b, bOff, ldb, reuse);
    }

    @Override
    public void gemmNN(int m, int n, int k, float[] a, int aOff, int lda, dev.recur.math.PreparedMatrix b, int bCol,
                       float[] c, int cOff, int ldc, boolean accumulate) {
        MathKernels.checkPrepared(n, k, b, bCol);
        if (b instanceof VectorGemm.Strips strips) {
            VectorGemm.gemmPrepared(m, n, k, a, aOff, lda, strips, bCol, c, cOff, ldc, accumulate);
        } else {
            gemmNN(m, n, k, a, aOff, lda, b.source(), b.offset() + bCol, b.ld(), c, cOff, ldc, accumulate);
        }
    }

    @Override
    public void gemmPacked(int m, int n, int k, float[] a, int aOff, int lda, dev.recur.math.PackedWeights b,
                           int bCol, float[] c, int cOff, int ldc, boolean accumulate) {
        MathKernels.checkPacked(n, k, b, bCol);
        VectorPacked.gemmPacked(ScalarKernels.INSTANCE, m, n, k, a, aOff, lda, b, bCol, c, cOff, ldc, accumulate);
    }

    @Override
    public void gemmTN(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                       float[] c, int cOff, int ldc, boolean accumulate) {
        VectorGemm.gemmTN(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
    }

    @Override
    public void gemmNT(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                       float[] c, int cOff, int ldc, boolean accumulate) {
        VectorGemm.gemmNT(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
    }

    @Override
    public void gemv(int m, int n, float[] a, int aOff, int lda, float[] x, int xOff, float[] y, int yOff,
                     boolean accumulate) {
        VectorGemm.gemv(m, n, a, aOff, lda, x, xOff, y, yOff, accumulate);
    }

    @Override
    public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        VectorElementwise.axpy(n, alpha, x, xOff, y, yOff);
    }

    @Override
    public void scale(int n, float alpha, float[] x, int xOff) {
        VectorElementwise.scale(n, alpha, x, xOff);
    }

    @Override
    public double sumOfSquares(int n, float[] x, int xOff) {
        return VectorElementwise.sumOfSquares(n, x, xOff);
    }

    @Override
    public void multiply(int n, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff) {
        VectorElementwise.multiply(n, a, aOff, b, bOff, out, outOff);
    }

    @Override
    public void activate(Activation act, int n, float[] x, int xOff, float[] y, int yOff, float[] d, int dOff) {
        VectorElementwise.activate(act, n, x, xOff, y, yOff, d, dOff);
    }

    @Override
    public void addRowVector(int rows, int cols, float[] v, int vOff, float[] c, int cOff, int ldc) {
        VectorElementwise.addRowVector(rows, cols, v, vOff, c, cOff, ldc);
    }

    @Override
    public void sumRows(int rows, int cols, float[] a, int aOff, int lda, float[] out, int outOff) {
        VectorElementwise.sumRows(rows, cols, a, aOff, lda, out, outOff);
    }

    @Override
    public double softmaxCrossEntropy(int rows, int cols, float[] logits, int off, int ld, int[] targets, int tOff,
                                      float gradScale) {
        return VectorSoftmax.softmaxCrossEntropy(rows, cols, logits, off, ld, targets, tOff, gradScale);
    }

    @Override
    public void softmax(int n, float[] x, int xOff, float temperature, float[] out, int outOff) {
        VectorSoftmax.softmax(n, x, xOff, temperature, out, outOff);
    }
}
