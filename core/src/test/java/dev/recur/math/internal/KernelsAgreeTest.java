package dev.recur.math.internal;

import dev.recur.math.Activation;
import dev.recur.math.Kernels;
import dev.recur.math.MathKernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Vector API kernels agree with the scalar reference on every operation over awkward sizes. */
class KernelsAgreeTest {

    static final long SEED = 42L;
    static final int[] SIZES = {1, 2, 3, 7, 15, 16, 17, 31, 33, 127, 1000};
    static final int[] DIMS = {1, 2, 3, 5, 16, 17, 33, 49, 50, 67, 80};
    static MathKernels vec;
    static final MathKernels ref = Kernels.scalar();

    @BeforeAll
    static void vectorAvailable() {
        assertTrue(Kernels.vectorModulePresent(), "tests run with --add-modules jdk.incubator.vector");
        vec = Kernels.vector();
        assertTrue(Kernels.get().name().startsWith("vector"), "the default choice is the vector kernels");
    }

    static float[] rnd(int n, SplittableRandom r) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return a;
    }

    static void close(float[] expected, float[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tol * (1 + Math.abs(expected[i])), what + " at " + i + " (seed " + SEED + ")");
        }
    }

    interface Gemm {
        void run(MathKernels k, int m, int n, int kk, float[] a, int lda, float[] b, int ldb, float[] c, int ldc, boolean acc);
    }

    void checkGemm(String name, Gemm g, boolean transA, boolean transB) {
        SplittableRandom r = new SplittableRandom(SEED);
        for (int m : DIMS) {
            for (int n : DIMS) {
                for (int kk : new int[] {1, 3, 17, 40, 300}) {
                    int pad = 3;
                    int lda = (transA ? m : kk) + pad;
                    int ldb = (transB ? kk : n) + pad;
                    int ldc = n + pad;
                    float[] a = rnd((transA ? kk : m) * lda, r);
                    float[] b = rnd((transB ? n : kk) * ldb, r);
                    for (boolean acc : new boolean[] {false, true}) {
                        float[] c1 = rnd(m * ldc, r);
                        float[] c2 = c1.clone();
                        g.run(ref, m, n, kk, a, lda, b, ldb, c1, ldc, acc);
                        g.run(vec, m, n, kk, a, lda, b, ldb, c2, ldc, acc);
                        close(c1, c2, 1e-4 * Math.sqrt(kk), name + " m=" + m + " n=" + n + " k=" + kk + " acc=" + acc);
                    }
                }
            }
        }
    }

    @Test
    void gemmNN() {
        checkGemm("gemmNN", (k, m, n, kk, a, lda, b, ldb, c, ldc, acc) ->
                k.gemmNN(m, n, kk, a, 0, lda, b, 0, ldb, c, 0, ldc, acc), false, false);
    }

    @Test
    void gemmTN() {
        checkGemm("gemmTN", (k, m, n, kk, a, lda, b, ldb, c, ldc, acc) ->
                k.gemmTN(m, n, kk, a, 0, lda, b, 0, ldb, c, 0, ldc, acc), true, false);
    }

    @Test
    void gemmNT() {
        checkGemm("gemmNT", (k, m, n, kk, a, lda, b, ldb, c, ldc, acc) ->
                k.gemmNT(m, n, kk, a, 0, lda, b, 0, ldb, c, 0, ldc, acc), false, true);
    }

    @Test
    void transposeMovesEveryElementAndNothingElse() {
        SplittableRandom r = new SplittableRandom(SEED);
        for (int rows : new int[] {1, 3, 16, 17, 40}) {
            for (int cols : new int[] {1, 5, 16, 33}) {
                int lda = cols + 2;
                int ldo = rows + 3;
                float[] a = rnd(rows * lda + 4, r);
                for (MathKernels k : new MathKernels[] {ref, vec}) {
                    float[] out = rnd(cols * ldo + 7, r);
                    float[] before = out.clone();
                    k.transpose(rows, cols, a, 4, lda, out, 7, ldo);
                    for (int idx = 0; idx < out.length; idx++) {
                        int o = idx - 7;
                        int j = o < 0 ? -1 : o / ldo;
                        int i = o < 0 ? -1 : o % ldo;
                        float want = j >= 0 && j < cols && i < rows ? a[4 + i * lda + j] : before[idx];
                        assertEquals(want, out[idx], k.name() + " transpose " + rows + "x" + cols + " at " + idx);
                    }
                }
            }
        }
    }

    @Test
    void productsWithAPreparedMatrixEqualProductsWithTheMatrixBitForBit() {
        // the gated cells multiply by W_hh prepared once per window (column strips): per element the same FMA chain
        SplittableRandom r = new SplittableRandom(SEED);
        try (dev.recur.math.ComputeContext ctx = dev.recur.math.ComputeContext.open(vec, 2)) {
            // rows: few-row fallback (1, 3), 4- and 1-row kernels (5, 6, 13), 8-row panels, 64+ rows; columns: last
            // strips of 1, 4, 8, 26 columns (scratch rows) and of one or two whole vectors (256, 512, 80)
            for (int[] s : new int[][] {{32, 650, 650}, {32, 650, 2600}, {5, 100, 37}, {1, 96, 20}, {3, 47, 300},
                    {64, 200, 512}, {70, 49, 257}, {8, 48, 1}, {32, 256, 256}, {13, 512, 100}, {6, 80, 30}}) {
                int m = s[0], n = s[1], kk = s[2];
                int ldb = n + 13;
                float[] a = rnd(m * kk, r);
                float[] b = rnd(kk * ldb, r);
                for (MathKernels k : new MathKernels[] {vec, ref, ctx.kernels()}) {
                    dev.recur.math.PreparedMatrix p = k.prepare(kk, n, b, 7, ldb, null);
                    assertEquals(p, k.prepare(kk, n, b, 7, ldb, p), "the storage is reused for the same shape");
                    // whole width, ranges from strip starts (48, 96) to the end or within, and a range off the strips
                    for (int[] range : new int[][] {{0, n}, {48, n - 48}, {96, n - 96}, {0, Math.min(n, 48)},
                            {48, Math.min(n - 48, 60)}, {5, n - 5}}) {
                        int col = range[0], w = range[1];
                        if (w <= 0 || col + w > n) {
                            continue;
                        }
                        for (boolean acc : new boolean[] {false, true}) {
                            float[] c1 = rnd(m * (w + 3), r);
                            float[] c2 = c1.clone();
                            k.gemmNN(m, w, kk, a, 0, kk, b, 7 + col, ldb, c1, 2, w + 3, acc);
                            k.gemmNN(m, w, kk, a, 0, kk, p, col, c2, 2, w + 3, acc);
                            for (int i = 0; i < c1.length; i++) {
                                assertEquals(c1[i], c2[i], 0f, k.name() + " m=" + m + " n=" + n + " k=" + kk
                                        + " columns " + col + "+" + w + " acc=" + acc + " at " + i + " (seed " + SEED + ")");
                            }
                        }
                    }
                    // a change to B is seen after preparing again
                    float[] b2 = b.clone();
                    b2[7 + (kk - 1) * ldb + n - 1] += 1f;
                    p = k.prepare(kk, n, b2, 7, ldb, p);
                    float[] c1 = new float[m * n];
                    float[] c2 = new float[m * n];
                    k.gemmNN(m, n, kk, a, 0, kk, b2, 7, ldb, c1, 0, n, false);
                    k.gemmNN(m, n, kk, a, 0, kk, p, 0, c2, 0, n, false);
                    for (int i = 0; i < c1.length; i++) {
                        assertEquals(c1[i], c2[i], 0f, k.name() + " re-prepared, at " + i + " (seed " + SEED + ")");
                    }
                }
            }
        }
    }

    @Test
    void aTimesTransposedEqualsAProductWithTheTransposeBitForBit() {
        // the cells' backward recurrences rely on it: A·Bᵀ on the packed path and A·(Bᵀ) materialised agree
        SplittableRandom r = new SplittableRandom(SEED);
        // k = 2600: an LSTM with H = 650 (dx = dgates·W_ihᵀ), once on a slow dot-product path that summed in another order
        for (int[] s : new int[][] {{32, 512, 512}, {32, 400, 1600}, {8, 80, 300}, {4, 33, 17}, {36, 50, 2600}, {5, 20, 10000}}) {
            int m = s[0], n = s[1], kk = s[2];
            float[] a = rnd(m * kk, r);
            float[] b = rnd(n * kk, r);
            float[] bt = new float[kk * n];
            vec.transpose(n, kk, b, 0, kk, bt, 0, n);
            float[] c1 = rnd(m * n, r);
            float[] c2 = c1.clone();
            vec.gemmNT(m, n, kk, a, 0, kk, b, 0, kk, c1, 0, n, true);
            vec.gemmNN(m, n, kk, a, 0, kk, bt, 0, n, c2, 0, n, true);
            for (int i = 0; i < c1.length; i++) {
                assertEquals(c1[i], c2[i], 0f, "m=" + m + " n=" + n + " k=" + kk + " at " + i + " (seed " + SEED + ")");
            }
        }
    }

    @Test
    void transposedATimesBEqualsAProductWithTheTransposeBitForBit() {
        // Aᵀ·B packs A into 8-row panels (packed and unpacked paths, KC blocks, column tails): the same values in
        // the same summation order as A·B with Aᵀ materialised, so weight gradients do not depend on the path
        SplittableRandom r = new SplittableRandom(SEED);
        for (int[] s : new int[][] {{512, 512, 300}, {64, 65, 600}, {40, 100, 300}, {13, 70, 17}, {9, 33, 257},
                {100, 7, 40}}) {
            int m = s[0], n = s[1], kk = s[2];
            int lda = m + 5;
            float[] a = rnd(3 + kk * lda, r); // op(A)[i][p] = a[3 + p·lda + i]
            float[] at = new float[m * kk];
            vec.transpose(kk, m, a, 3, lda, at, 0, kk);
            float[] b = rnd(kk * n, r);
            for (boolean acc : new boolean[] {false, true}) {
                float[] c1 = rnd(m * n, r);
                float[] c2 = c1.clone();
                vec.gemmTN(m, n, kk, a, 3, lda, b, 0, n, c1, 0, n, acc);
                vec.gemmNN(m, n, kk, at, 0, kk, b, 0, n, c2, 0, n, acc);
                for (int i = 0; i < c1.length; i++) {
                    assertEquals(c2[i], c1[i], 0f, "m=" + m + " n=" + n + " k=" + kk + " acc=" + acc + " at " + i
                            + " (seed " + SEED + ")");
                }
            }
        }
    }

    @Test
    void packedProductsOverSeveralRowBlocksEqualTheirRowsOneByOne() {
        // m above the packed path's row block (MC = 2048) with n >= 8 strips (A's panels packed: 2100 x 400,
        // 600 x 400), k over several KC blocks, row and column tails, and narrower products (A read in place);
        // NN and TN: every row equals the same row computed alone (the few-rows kernels) bit for bit, and the
        // scalar reference to rounding
        SplittableRandom r = new SplittableRandom(SEED);
        for (int[] s : new int[][] {{2100, 400, 300}, {600, 400, 300}, {1030, 100, 300}, {1120, 256, 70}, {517, 49, 513}}) {
            int m = s[0], n = s[1], kk = s[2];
            for (boolean transA : new boolean[] {false, true}) {
                int lda = (transA ? m : kk) + 3;
                float[] a = rnd((transA ? kk : m) * lda, r);
                float[] b = rnd(kk * n, r);
                for (boolean acc : new boolean[] {false, true}) {
                    float[] c0 = rnd(m * n, r);
                    float[] whole = c0.clone();
                    float[] rows = c0.clone();
                    float[] scalar = c0.clone();
                    String what = (transA ? "gemmTN" : "gemmNN") + " m=" + m + " n=" + n + " k=" + kk + " acc=" + acc;
                    if (transA) {
                        vec.gemmTN(m, n, kk, a, 0, lda, b, 0, n, whole, 0, n, acc);
                        ref.gemmTN(m, n, kk, a, 0, lda, b, 0, n, scalar, 0, n, acc);
                        for (int i = 0; i < m; i++) {
                            vec.gemmTN(1, n, kk, a, i, lda, b, 0, n, rows, i * n, n, acc);
                        }
                    } else {
                        vec.gemmNN(m, n, kk, a, 0, lda, b, 0, n, whole, 0, n, acc);
                        ref.gemmNN(m, n, kk, a, 0, lda, b, 0, n, scalar, 0, n, acc);
                        for (int i = 0; i < m; i++) {
                            vec.gemmNN(1, n, kk, a, i * lda, lda, b, 0, n, rows, i * n, n, acc);
                        }
                    }
                    for (int i = 0; i < whole.length; i++) {
                        assertEquals(rows[i], whole[i], 0f, what + " at " + i + " (seed " + SEED + ")");
                    }
                    close(scalar, whole, 1e-4 * Math.sqrt(kk), what);
                }
            }
        }
    }

    @Test
    void gemmWithOffsetsLeavesTheRestAlone() {
        SplittableRandom r = new SplittableRandom(SEED);
        float[] a = rnd(200, r);
        float[] b = rnd(300, r);
        float[] c1 = rnd(400, r);
        float[] c2 = c1.clone();
        ref.gemmNN(5, 17, 7, a, 9, 8, b, 11, 19, c1, 13, 20, false);
        vec.gemmNN(5, 17, 7, a, 9, 8, b, 11, 19, c2, 13, 20, false);
        close(c1, c2, 1e-5, "gemmNN with offsets");
    }

    @Test
    void gemvAndLevel1() {
        SplittableRandom r = new SplittableRandom(SEED);
        for (int n : SIZES) {
            float[] a = rnd(7 * n, r);
            float[] x = rnd(n + 2, r);
            float[] y1 = rnd(9, r);
            float[] y2 = y1.clone();
            ref.gemv(7, n, a, 0, n, x, 2, y1, 1, true);
            vec.gemv(7, n, a, 0, n, x, 2, y2, 1, true);
            close(y1, y2, 1e-5 * Math.sqrt(n), "gemv n=" + n);

            float[] p = rnd(n + 1, r);
            float[] q1 = rnd(n + 3, r);
            float[] q2 = q1.clone();
            ref.axpy(n, 0.7f, p, 1, q1, 3);
            vec.axpy(n, 0.7f, p, 1, q2, 3);
            close(q1, q2, 1e-6, "axpy n=" + n);

            ref.scale(n, -1.3f, q1, 2);
            vec.scale(n, -1.3f, q2, 2);
            close(q1, q2, 1e-6, "scale n=" + n);

            assertEquals(ref.sumOfSquares(n, p, 1), vec.sumOfSquares(n, p, 1), 1e-5 * n, "sumOfSquares n=" + n);

            float[] m1 = new float[n];
            float[] m2 = new float[n];
            ref.multiply(n, p, 1, q1, 0, m1, 0);
            vec.multiply(n, p, 1, q1, 0, m2, 0);
            close(m1, m2, 1e-6, "multiply n=" + n);

            float[] mat = rnd(3 * (n + 1), r);
            float[] s1 = rnd(n, r);
            float[] s2 = s1.clone();
            ref.sumRows(3, n, mat, 1, n + 1, s1, 0);
            vec.sumRows(3, n, mat, 1, n + 1, s2, 0);
            close(s1, s2, 1e-6, "sumRows n=" + n);

            float[] c1 = rnd(3 * n, r);
            float[] c2 = c1.clone();
            ref.addRowVector(3, n, p, 1, c1, 0, n);
            vec.addRowVector(3, n, p, 1, c2, 0, n);
            close(c1, c2, 1e-6, "addRowVector n=" + n);
        }
    }

    @Test
    void activationsAndDerivatives() {
        SplittableRandom r = new SplittableRandom(SEED);
        for (Activation act : Activation.values()) {
            for (int n : SIZES) {
                float[] x = rnd(n, r);
                for (int i = 0; i < n; i++) {
                    x[i] *= 12; // cover saturation
                }
                if (n > 2) {
                    x[0] = 0f;
                    x[1] = 40f;
                    x[2] = -40f;
                }
                float[] y1 = new float[n], d1 = new float[n], y2 = new float[n], d2 = new float[n];
                ref.activate(act, n, x, 0, y1, 0, d1, 0);
                vec.activate(act, n, x, 0, y2, 0, d2, 0);
                close(y1, y2, 2e-6, act + " y n=" + n);
                close(d1, d2, 1e-5, act + " d n=" + n);
                float[] inPlace = x.clone();
                vec.activate(act, n, inPlace, 0, inPlace, 0, null, 0);
                close(y1, inPlace, 2e-6, act + " in place n=" + n);
            }
        }
    }

    @Test
    void softmaxCrossEntropyAndGradient() {
        SplittableRandom r = new SplittableRandom(SEED);
        for (int cols : SIZES) {
            int rows = 3;
            int ld = cols + 2;
            float[] logits = rnd(rows * ld, r);
            for (int i = 0; i < logits.length; i++) {
                logits[i] *= 20;
            }
            int[] targets = {0, cols - 1, cols / 2};
            float[] l1 = logits.clone();
            float[] l2 = logits.clone();
            double loss1 = ref.softmaxCrossEntropy(rows, cols, l1, 0, ld, targets, 0, 0.25f);
            double loss2 = vec.softmaxCrossEntropy(rows, cols, l2, 0, ld, targets, 0, 0.25f);
            assertEquals(loss1, loss2, 1e-4 * (1 + Math.abs(loss1)), "loss cols=" + cols);
            close(l1, l2, 1e-5, "gradient cols=" + cols);
            float[] l3 = logits.clone();
            double loss3 = vec.softmaxCrossEntropy(rows, cols, l3, 0, ld, targets, 0, 0f);
            assertEquals(loss1, loss3, 1e-4 * (1 + Math.abs(loss1)));
            close(logits, l3, 0, "logits untouched when gradScale = 0");

            float[] p1 = new float[cols], p2 = new float[cols];
            ref.softmax(cols, logits, 0, 0.7f, p1, 0);
            vec.softmax(cols, logits, 0, 0.7f, p2, 0);
            close(p1, p2, 1e-5, "softmax cols=" + cols);
        }
    }

    @Test
    void scalarSoftmaxCrossEntropyMatchesItsDefinition() {
        float[] logits = {1f, 2f, 3f};
        double loss = ref.softmaxCrossEntropy(1, 3, logits, 0, 3, new int[] {2}, 0, 1f);
        double z = Math.exp(1) + Math.exp(2) + Math.exp(3);
        assertEquals(-Math.log(Math.exp(3) / z), loss, 1e-9);
        assertEquals(Math.exp(1) / z, logits[0], 1e-6);
        assertEquals(Math.exp(3) / z - 1, logits[2], 1e-6);
    }
}
