package dev.recur.math.internal;

import static dev.recur.math.internal.VectorElementwise.L;
import static dev.recur.math.internal.VectorElementwise.LANES;
import static dev.recur.math.internal.VectorElementwise.S;
import static dev.recur.math.internal.VectorElementwise.sum;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The matrix products of {@link VectorKernels}: register-tiled micro-kernels (8 rows × 3 vectors for A·B and
 * Aᵀ·B, on packed panels of A and B from 64 rows; narrower kernels for the column tails; a few-rows path for
 * batch-1 products; 4 × 4 dot products or a packed transposed B for A·Bᵀ), the packing and blocking, and gemv.
 */
final class VectorGemm {

    private VectorGemm() {
    }

    // ------------------------------------------------------------------------------------------ gemm

    static void gemmNN(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                       float[] c, int cOff, int ldc, boolean accumulate) {
        gemmRowBroadcast(m, n, k, a, aOff, lda, 1, b, bOff, ldb, c, cOff, ldc, accumulate);
    }

    static void gemmTN(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                       float[] c, int cOff, int ldc, boolean accumulate) {
        gemmRowBroadcast(m, n, k, a, aOff, 1, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
    }

    /**
     * C = op(A)·B where element (i, p) of op(A) is a[aOff + i·ars + p·acs]: broadcast one A element, FMA a
     * row segment of B. Blocked over k so that the B panel stays in cache.
     */
    private static void gemmRowBroadcast(int m, int n, int k, float[] a, int aOff, int ars, int acs,
                                         float[] b, int bOff, int ldb, float[] c, int cOff, int ldc,
                                         boolean accumulate) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            if (!accumulate) {
                for (int i = 0; i < m; i++) {
                    java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
                }
            }
            return;
        }
        if (m >= PACK_MIN_ROWS && n >= STRIP) {
            gemmPacked(m, n, k, a, aOff, ars, acs, b, bOff, ldb, false, c, cOff, ldc, accumulate);
            return;
        }
        if (m < 4) {
            gemmFewRows(m, n, k, a, aOff, ars, acs, b, bOff, ldb, c, cOff, ldc, accumulate);
            return;
        }
        // unpacked: full three-vector strips here, the remaining columns in the narrower kernels
        int strips = n / STRIP * STRIP;
        final int kc = 256;
        for (int p0 = 0; p0 < k && strips > 0; p0 += kc) {
            int pk = Math.min(kc, k - p0);
            boolean acc = accumulate || p0 > 0;
            int aBase = aOff + p0 * acs;
            int bBase = bOff + p0 * ldb;
            for (int j = 0; j < strips; j += STRIP) {
                int i = 0;
                for (; i + 8 <= m; i += 8) {
                    kernel8x3(pk, a, aBase + i * ars, ars, acs, b, bBase + j, ldb, c, cOff + i * ldc + j, ldc, acc);
                }
                for (; i + 4 <= m; i += 4) {
                    kernel4x3(pk, a, aBase + i * ars, ars, acs, b, bBase + j, ldb, c, cOff + i * ldc + j, ldc, acc);
                }
                for (; i < m; i++) {
                    kernel1x3(pk, a, aBase + i * ars, acs, b, bBase + j, ldb, c, cOff + i * ldc + j, acc);
                }
            }
        }
        if (strips < n) {
            gemmRowBroadcastUnpacked(m, n - strips, k, a, aOff, ars, acs, b, bOff + strips, ldb, c, cOff + strips, ldc,
                    accumulate);
        }
    }

    /** Columns of one block of the few-rows path: eight vectors held in registers. */
    private static final int WIDE = 8 * L;

    /**
     * One to three rows (batch-1 generation): eight accumulator vectors per row block, so B is read in
     * contiguous runs of 8 vectors per row (the 3-vector strips read only 192 bytes per row of B). The last
     * columns go through the unpacked path. Per element the same FMA chain over ascending p as every other path.
     */
    private static void gemmFewRows(int m, int n, int k, float[] a, int aOff, int ars, int acs, float[] b, int bOff,
                                    int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        int wide = n / WIDE * WIDE;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < wide; j += WIDE) {
                kernel1x8(k, a, aOff + i * ars, acs, b, bOff + j, ldb, c, cOff + i * ldc + j, accumulate);
            }
        }
        if (wide < n) {
            for (int i = 0; i < m; i++) {
                kernel1x8Tail(k, a, aOff + i * ars, acs, b, bOff + wide, ldb, c, cOff + i * ldc + wide, accumulate,
                        n - wide);
            }
        }
    }

    /** Per-thread staging for {@link #kernel1x8Tail}: [0, WIDE) the C row, [WIDE, 2·WIDE) one row of B. */
    private static final ThreadLocal<float[]> ROW_TAIL = ThreadLocal.withInitial(() -> new float[2 * WIDE]);

    /**
     * The last {@code cols} &lt; WIDE columns of one row: the 1×8 kernel run over a full WIDE-wide block,
     * whose lanes past {@code cols} read on into the next row of B (garbage that is never stored). Eight
     * independent FMA chains instead of one chain per vector and a scalar chain per leftover column (the
     * output layer of G-C, n = 65, took 3.1 µs per token that way). Rows of B whose block would run past
     * the end of the array are staged through a scratch row. Each stored element is the same FMA chain over
     * ascending p as on every other path.
     */
    private static void kernel1x8Tail(int k, float[] a, int ai, int acs, float[] b, int bj, int ldb, float[] c, int ci,
                                      boolean acc, int cols) {
        float[] t = ROW_TAIL.get();
        FloatVector c0, c1, c2, c3, c4, c5, c6, c7;
        if (acc) {
            System.arraycopy(c, ci, t, 0, cols);
            c0 = FloatVector.fromArray(S, t, 0);
            c1 = FloatVector.fromArray(S, t, L);
            c2 = FloatVector.fromArray(S, t, 2 * L);
            c3 = FloatVector.fromArray(S, t, 3 * L);
            c4 = FloatVector.fromArray(S, t, 4 * L);
            c5 = FloatVector.fromArray(S, t, 5 * L);
            c6 = FloatVector.fromArray(S, t, 6 * L);
            c7 = FloatVector.fromArray(S, t, 7 * L);
        } else {
            FloatVector z = FloatVector.zero(S);
            c0 = z; c1 = z; c2 = z; c3 = z; c4 = z; c5 = z; c6 = z; c7 = z;
        }
        int room = b.length - bj - WIDE;
        int safe = room < 0 ? 0 : Math.min(k, room / ldb + 1);
        // only the ceil(cols / L) vectors that hold wanted columns (G-C's output layer, 65 columns: 5 of 8 —
        // 1.17 -> 0.82 us per token); the conditions are loop-invariant and cost no vector boxing
        int nv = (cols + L - 1) / L;
        boolean v1 = nv > 1, v2 = nv > 2, v3 = nv > 3, v4 = nv > 4, v5 = nv > 5, v6 = nv > 6, v7 = nv > 7;
        for (int p = 0; p < safe; p++) {
            int bo = bj + p * ldb;
            FloatVector x = FloatVector.broadcast(S, a[ai + p * acs]);
            c0 = x.fma(FloatVector.fromArray(S, b, bo), c0);
            if (v1) { c1 = x.fma(FloatVector.fromArray(S, b, bo + L), c1); }
            if (v2) { c2 = x.fma(FloatVector.fromArray(S, b, bo + 2 * L), c2); }
            if (v3) { c3 = x.fma(FloatVector.fromArray(S, b, bo + 3 * L), c3); }
            if (v4) { c4 = x.fma(FloatVector.fromArray(S, b, bo + 4 * L), c4); }
            if (v5) { c5 = x.fma(FloatVector.fromArray(S, b, bo + 5 * L), c5); }
            if (v6) { c6 = x.fma(FloatVector.fromArray(S, b, bo + 6 * L), c6); }
            if (v7) { c7 = x.fma(FloatVector.fromArray(S, b, bo + 7 * L), c7); }
        }
        for (int p = safe; p < k; p++) {
            System.arraycopy(b, bj + p * ldb, t, WIDE, cols);
            FloatVector x = FloatVector.broadcast(S, a[ai + p * acs]);
            c0 = x.fma(FloatVector.fromArray(S, t, WIDE), c0);
            c1 = x.fma(FloatVector.fromArray(S, t, WIDE + L), c1);
            c2 = x.fma(FloatVector.fromArray(S, t, WIDE + 2 * L), c2);
            c3 = x.fma(FloatVector.fromArray(S, t, WIDE + 3 * L), c3);
            c4 = x.fma(FloatVector.fromArray(S, t, WIDE + 4 * L), c4);
            c5 = x.fma(FloatVector.fromArray(S, t, WIDE + 5 * L), c5);
            c6 = x.fma(FloatVector.fromArray(S, t, WIDE + 6 * L), c6);
            c7 = x.fma(FloatVector.fromArray(S, t, WIDE + 7 * L), c7);
        }
        c0.intoArray(t, 0); c1.intoArray(t, L); c2.intoArray(t, 2 * L); c3.intoArray(t, 3 * L);
        c4.intoArray(t, 4 * L); c5.intoArray(t, 5 * L); c6.intoArray(t, 6 * L); c7.intoArray(t, 7 * L);
        System.arraycopy(t, 0, c, ci, cols);
    }

    private static void kernel1x8(int k, float[] a, int ai, int acs, float[] b, int bj, int ldb, float[] c, int ci,
                                  boolean acc) {
        FloatVector c0, c1, c2, c3, c4, c5, c6, c7;
        if (acc) {
            c0 = FloatVector.fromArray(S, c, ci);
            c1 = FloatVector.fromArray(S, c, ci + L);
            c2 = FloatVector.fromArray(S, c, ci + 2 * L);
            c3 = FloatVector.fromArray(S, c, ci + 3 * L);
            c4 = FloatVector.fromArray(S, c, ci + 4 * L);
            c5 = FloatVector.fromArray(S, c, ci + 5 * L);
            c6 = FloatVector.fromArray(S, c, ci + 6 * L);
            c7 = FloatVector.fromArray(S, c, ci + 7 * L);
        } else {
            FloatVector z = FloatVector.zero(S);
            c0 = z; c1 = z; c2 = z; c3 = z; c4 = z; c5 = z; c6 = z; c7 = z;
        }
        for (int p = 0; p < k; p++) {
            int bo = bj + p * ldb;
            FloatVector x = FloatVector.broadcast(S, a[ai + p * acs]);
            c0 = x.fma(FloatVector.fromArray(S, b, bo), c0);
            c1 = x.fma(FloatVector.fromArray(S, b, bo + L), c1);
            c2 = x.fma(FloatVector.fromArray(S, b, bo + 2 * L), c2);
            c3 = x.fma(FloatVector.fromArray(S, b, bo + 3 * L), c3);
            c4 = x.fma(FloatVector.fromArray(S, b, bo + 4 * L), c4);
            c5 = x.fma(FloatVector.fromArray(S, b, bo + 5 * L), c5);
            c6 = x.fma(FloatVector.fromArray(S, b, bo + 6 * L), c6);
            c7 = x.fma(FloatVector.fromArray(S, b, bo + 7 * L), c7);
        }
        c0.intoArray(c, ci); c1.intoArray(c, ci + L); c2.intoArray(c, ci + 2 * L); c3.intoArray(c, ci + 3 * L);
        c4.intoArray(c, ci + 4 * L); c5.intoArray(c, ci + 5 * L); c6.intoArray(c, ci + 6 * L); c7.intoArray(c, ci + 7 * L);
    }

    /** Column strip of the packed path: three vectors. */
    private static final int STRIP = 3 * L;
    /** Rows from which packing B pays for itself. */
    private static final int PACK_MIN_ROWS = 64;
    /** Rows from which A·Bᵀ packs B (transposing it) instead of taking dot products. */
    static final int NT_PACK_MIN_ROWS = 4;
    private static final int KC = 256;
    private static final int NC_STRIPS = 8;
    /** Per-thread packing buffer (grown once; never on a per-call allocation path after warm-up). */
    private static final ThreadLocal<float[]> PACK = ThreadLocal.withInitial(() -> new float[KC * NC_STRIPS * STRIP]);

    /** Full strips of B from which A's panels are packed (below, the kernel reads A in place). */
    private static final int PACK_A_MIN_STRIPS = 8;
    /**
     * Rows of A packed at a time (a multiple of 8). B's strips are packed once per (KC block, MC block), so a
     * small MC repacks all of B m / MC times: with MC = 512, W's logits product (1120 × 10000 × 256) packed its
     * 10 MB of B three times, 12-18 % of the product's time. With 2048 rows (2 MB of panels per thread, read
     * from L3 while B's block stays in L2) B is packed once for m ≤ 2048: measured in one JVM, alternating,
     * 7 pairs, 1 thread: W's logits 1.055x, 1024³ 1.015x; 2 threads 1.017x / 1.008x; others unchanged.
     */
    private static final int MC = 2048;
    /** Per-thread buffer of A's packed 8-row panels (MC × KC floats). */
    private static final ThreadLocal<float[]> PACK_A = ThreadLocal.withInitial(() -> new float[MC * KC]);

    /**
     * Cache-blocked product with both operands packed. For each block of KC steps of the summation and MC
     * rows, A's 8-row panels are copied into a contiguous buffer, element (i, p) of a panel at p·8 + i, so the
     * micro-kernel reads A with constant strides (no per-element index arithmetic or bounds checks: with A
     * read in place through its two strides the 8×3 kernel ran at 70 % of the FMA peak on an Intel core, packed
     * at 82 %); for each NC_STRIPS strips of B, the strips are copied into a contiguous buffer (each strip
     * row-major with leading dimension STRIP), so the micro-kernel streams B sequentially from L1/L2 while the
     * panels of A pass over it. Rows below the last full panel use the 4- and 1-row kernels on A in place;
     * columns beyond the last full strip use the unpacked path. Summation order over k is the same as the
     * unpacked path (ascending p, one accumulator per element, KC-blocks accumulated through C in ascending
     * order), so results are identical to it. With fewer than PACK_A_MIN_STRIPS strips the copy of A does not
     * pay for itself and the kernel reads A in place.
     */
    private static void gemmPacked(int m, int n, int k, float[] a, int aOff, int ars, int acs, float[] b, int bOff,
                                   int ldb, boolean bTrans, float[] c, int cOff, int ldc, boolean accumulate) {
        float[] pack = PACK.get();
        float[] packA = PACK_A.get();
        int fullStrips = n / STRIP;
        int nPacked = fullStrips * STRIP;
        int panelRows = m / 8 * 8;
        // packing A costs about a tenth of a product with 5 strips (W's dTop, n = 256: 0.90x) and gains 8-17 %
        // from 10 strips on (1120 x 480, 1024^3, W's logits), measured in one JVM against the in-place kernel
        boolean packRows = fullStrips >= PACK_A_MIN_STRIPS;
        int mc = packRows ? MC : m; // unpacked rows in one block: B is packed once per KC block
        for (int p0 = 0; p0 < k; p0 += KC) {
            int pk = Math.min(KC, k - p0);
            boolean acc = accumulate || p0 > 0;
            int aBase = aOff + p0 * acs;
            for (int i0 = 0; i0 < m; i0 += mc) {
                int i1 = Math.min(m, i0 + mc);
                int panelEnd = Math.min(i1, panelRows);
                if (packRows) {
                    for (int i = i0; i < panelEnd; i += 8) {
                        packPanel(a, aBase + i * ars, ars, acs, pk, packA, (i - i0) * pk);
                    }
                }
                for (int s0 = 0; s0 < fullStrips; s0 += NC_STRIPS) {
                    int strips = Math.min(NC_STRIPS, fullStrips - s0);
                    int j0 = s0 * STRIP;
                    // pack B[p0 .. p0+pk) × [j0 .. j0 + strips·STRIP)
                    for (int st = 0; st < strips; st++) {
                        int dst = st * KC * STRIP;
                        if (bTrans) {
                            packTransposed(b, bOff + (j0 + st * STRIP) * ldb + p0, ldb, STRIP, pk, pack, dst);
                        } else {
                            int src = bOff + p0 * ldb + j0 + st * STRIP;
                            for (int p = 0; p < pk; p++) {
                                System.arraycopy(b, src + p * ldb, pack, dst + p * STRIP, STRIP);
                            }
                        }
                    }
                    for (int i = i0; i < panelEnd; i += 8) {
                        for (int st = 0; st < strips; st++) {
                            if (packRows) {
                                kernel8x3Packed(pk, packA, (i - i0) * pk, pack, st * KC * STRIP, c,
                                        cOff + i * ldc + j0 + st * STRIP, ldc, acc);
                            } else {
                                kernel8x3(pk, a, aBase + i * ars, ars, acs, pack, st * KC * STRIP, STRIP, c,
                                        cOff + i * ldc + j0 + st * STRIP, ldc, acc);
                            }
                        }
                    }
                    int i = Math.max(i0, panelEnd);
                    for (; i + 4 <= i1; i += 4) {
                        for (int st = 0; st < strips; st++) {
                            kernel4x3(pk, a, aBase + i * ars, ars, acs, pack, st * KC * STRIP, STRIP, c,
                                    cOff + i * ldc + j0 + st * STRIP, ldc, acc);
                        }
                    }
                    for (; i < i1; i++) {
                        for (int st = 0; st < strips; st++) {
                            kernel1x3(pk, a, aBase + i * ars, acs, pack, st * KC * STRIP, STRIP, c,
                                    cOff + i * ldc + j0 + st * STRIP, acc);
                        }
                    }
                }
            }
        }
        if (nPacked < n) {
            if (bTrans) {
                packedTail(m, n - nPacked, k, a, aOff, ars, acs, b, bOff + nPacked * ldb, ldb, c, cOff + nPacked, ldc,
                        accumulate);
            } else {
                gemmRowBroadcastUnpacked(m, n - nPacked, k, a, aOff, ars, acs, b, bOff + nPacked, ldb, c,
                        cOff + nPacked, ldc, accumulate);
            }
        }
    }

    /**
     * A matrix prepared for many products: its columns in strips of {@link #STRIP}, each strip's k rows one
     * contiguous block (element (p, j) of strip s at (s·k + p)·STRIP + j; the last strip zero-padded). A product
     * over a column range then streams each strip sequentially instead of reading STRIP floats from each of k
     * rows ld apart (W_hh of a 650-unit LSTM: 2,600 floats apart, a 4 KB page per row).
     */
    static final class Strips extends dev.recur.math.PreparedMatrix {
        final float[] data;

        Strips(int rows, int cols) {
            super(rows, cols);
            data = new float[(cols + STRIP - 1) / STRIP * STRIP * rows];
        }

        void from(float[] b, int off, int ldb) {
            refer(b, off, ldb);
        }
    }

    static dev.recur.math.PreparedMatrix prepare(int k, int n, float[] b, int bOff, int ldb,
                                                  dev.recur.math.PreparedMatrix reuse) {
        Strips p = reuse instanceof Strips s && s.rows() == k && s.cols() == n ? s : new Strips(k, n);
        p.from(b, bOff, ldb);
        float[] d = p.data;
        for (int s0 = 0, st = 0; s0 < n; s0 += STRIP, st++) {
            int w = Math.min(STRIP, n - s0);
            int dst = st * k * STRIP;
            for (int i = 0; i < k; i++) {
                System.arraycopy(b, bOff + i * ldb + s0, d, dst + i * STRIP, w);
                if (w < STRIP) {
                    java.util.Arrays.fill(d, dst + i * STRIP + w, dst + (i + 1) * STRIP, 0f);
                }
            }
        }
        return p;
    }

    /**
     * C (+)= A·B[:, bCol .. bCol+n) from the strips of a prepared B: the kernels of the unpacked path (8-, 4- and
     * 1-row panels over three-vector strips, KC-blocks accumulated through C), so each element is the same FMA
     * chain over ascending p as with B itself. The last partial strip: one or two whole vectors through the narrow
     * kernels (as the unpacked path), other widths through scratch rows, like {@link #packedTail}. Fewer than 4 rows, or a range that does not start at a strip, read B itself.
     */
    static void gemmPrepared(int m, int n, int k, float[] a, int aOff, int lda, Strips b, int bCol, float[] c,
                             int cOff, int ldc, boolean accumulate) {
        if (m < 4 || bCol % STRIP != 0 || k == 0 || n == 0) {
            gemmNN(m, n, k, a, aOff, lda, b.source(), b.offset() + bCol, b.ld(), c, cOff, ldc, accumulate);
            return;
        }
        float[] d = b.data;
        int s0 = bCol / STRIP;
        int full = n / STRIP;
        int w = n - full * STRIP;
        float[] t = w > 0 ? TAIL.get() : null;
        for (int p0 = 0; p0 < k; p0 += KC) {
            int pk = Math.min(KC, k - p0);
            boolean acc = accumulate || p0 > 0;
            int aBase = aOff + p0;
            for (int st = 0; st < full; st++) {
                int bj = ((s0 + st) * k + p0) * STRIP;
                int cj = cOff + st * STRIP;
                int i = 0;
                for (; i + 8 <= m; i += 8) {
                    kernel8x3(pk, a, aBase + i * lda, lda, 1, d, bj, STRIP, c, cj + i * ldc, ldc, acc);
                }
                for (; i + 4 <= m; i += 4) {
                    kernel4x3(pk, a, aBase + i * lda, lda, 1, d, bj, STRIP, c, cj + i * ldc, ldc, acc);
                }
                for (; i < m; i++) {
                    kernel1x3(pk, a, aBase + i * lda, 1, d, bj, STRIP, c, cj + i * ldc, acc);
                }
            }
            if (w > 0 && w % L == 0) {
                // one or two whole vectors: the narrow kernels of the unpacked path, straight into C
                int bj = ((s0 + full) * k + p0) * STRIP;
                int cj = cOff + full * STRIP;
                int i = 0;
                for (; i + 8 <= m; i += 8) {
                    if (w == L) {
                        kernel8x1(pk, a, aBase + i * lda, lda, 1, d, bj, STRIP, c, cj + i * ldc, ldc, acc);
                    } else {
                        kernel8x2(pk, a, aBase + i * lda, lda, 1, d, bj, STRIP, c, cj + i * ldc, ldc, acc);
                    }
                }
                for (; i + 4 <= m; i += 4) {
                    for (int v = 0; v < w; v += L) {
                        kernel4x1(pk, a, aBase + i * lda, lda, 1, d, bj + v, STRIP, c, cj + i * ldc + v, ldc, acc);
                    }
                }
                for (; i < m; i++) {
                    for (int v = 0; v < w; v += L) {
                        kernel1x1(pk, a, aBase + i * lda, 1, d, bj + v, STRIP, c, cj + i * ldc + v, acc);
                    }
                }
            } else if (w > 0) {
                int bj = ((s0 + full) * k + p0) * STRIP;
                int cj = cOff + full * STRIP;
                for (int i = 0; i < m; ) {
                    int rows = m - i >= 4 ? 4 : 1;
                    if (acc) {
                        for (int r = 0; r < rows; r++) {
                            System.arraycopy(c, cj + (i + r) * ldc, t, r * STRIP, w);
                        }
                    }
                    if (rows == 4) {
                        kernel4x3(pk, a, aBase + i * lda, lda, 1, d, bj, STRIP, t, 0, STRIP, acc);
                    } else {
                        kernel1x3(pk, a, aBase + i * lda, 1, d, bj, STRIP, t, 0, acc);
                    }
                    for (int r = 0; r < rows; r++) {
                        System.arraycopy(t, r * STRIP, c, cj + (i + r) * ldc, w);
                    }
                    i += rows;
                }
            }
        }
    }

    /** packA[dst + p·8 + r] = A(r, p) for r &lt; 8, p &lt; pk, where A(r, p) = a[src + r·ars + p·acs]. */
    private static void packPanel(float[] a, int src, int ars, int acs, int pk, float[] packA, int dst) {
        if (acs == 1) {
            for (int r = 0; r < 8; r++) {
                int s = src + r * ars;
                for (int p = 0; p < pk; p++) {
                    packA[dst + p * 8 + r] = a[s + p];
                }
            }
        } else {
            for (int p = 0; p < pk; p++) {
                int s = src + p * acs;
                int d = dst + p * 8;
                for (int r = 0; r < 8; r++) {
                    packA[d + r] = a[s + r * ars];
                }
            }
        }
    }

    /** pack[dst + p·STRIP + j] = B[j][p] for j < w, p < pk, where row j of B starts at b[src + j·ldb]. */
    private static void packTransposed(float[] b, int src, int ldb, int w, int pk, float[] pack, int dst) {
        for (int j = 0; j < w; j++) {
            int s = src + j * ldb;
            for (int p = 0; p < pk; p++) {
                pack[dst + p * STRIP + j] = b[s + p];
            }
        }
    }

    /** Per-thread scratch rows for the last, partial strip of a transposed-B product. */
    private static final ThreadLocal<float[]> TAIL = ThreadLocal.withInitial(() -> new float[4 * STRIP]);

    /**
     * The last w &lt; STRIP columns of C = A·Bᵀ: B's rows packed (transposed) into one zero-padded strip and
     * multiplied by the same micro-kernels into scratch rows, so every element of C is summed in the same
     * order as in the full strips (ascending p, one FMA chain, KC-blocks through C) and the result does not
     * depend on where a column falls.
     */
    private static void packedTail(int m, int w, int k, float[] a, int aOff, int ars, int acs, float[] b, int bOff,
                                   int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        float[] pack = PACK.get();
        float[] t = TAIL.get();
        for (int p0 = 0; p0 < k; p0 += KC) {
            int pk = Math.min(KC, k - p0);
            boolean acc = accumulate || p0 > 0;
            for (int p = 0; p < pk; p++) {
                java.util.Arrays.fill(pack, p * STRIP + w, (p + 1) * STRIP, 0f);
            }
            packTransposed(b, bOff + p0, ldb, w, pk, pack, 0);
            int aBase = aOff + p0 * acs;
            for (int i = 0; i < m; ) {
                int rows = m - i >= 4 ? 4 : 1;
                if (acc) {
                    for (int r = 0; r < rows; r++) {
                        System.arraycopy(c, cOff + (i + r) * ldc, t, r * STRIP, w);
                    }
                }
                if (rows == 4) {
                    kernel4x3(pk, a, aBase + i * ars, ars, acs, pack, 0, STRIP, t, 0, STRIP, acc);
                } else {
                    kernel1x3(pk, a, aBase + i * ars, acs, pack, 0, STRIP, t, 0, acc);
                }
                for (int r = 0; r < rows; r++) {
                    System.arraycopy(t, r * STRIP, c, cOff + (i + r) * ldc, w);
                }
                i += rows;
            }
        }
    }

    private static void gemmRowBroadcastUnpacked(int m, int n, int k, float[] a, int aOff, int ars, int acs,
                                                 float[] b, int bOff, int ldb, float[] c, int cOff, int ldc,
                                                 boolean accumulate) {
        final int kc = 256;
        for (int p0 = 0; p0 < k; p0 += kc) {
            int pk = Math.min(kc, k - p0);
            boolean acc = accumulate || p0 > 0;
            int aBase = aOff + p0 * acs;
            int bBase = bOff + p0 * ldb;
            int j = 0;
            for (; j + 2 * L <= n; j += 2 * L) {
                int i = 0;
                for (; i + 8 <= m; i += 8) {
                    kernel8x2(pk, a, aBase + i * ars, ars, acs, b, bBase + j, ldb, c, cOff + i * ldc + j, ldc, acc);
                }
                for (; i + 4 <= m; i += 4) {
                    kernel4x1(pk, a, aBase + i * ars, ars, acs, b, bBase + j, ldb, c, cOff + i * ldc + j, ldc, acc);
                    kernel4x1(pk, a, aBase + i * ars, ars, acs, b, bBase + j + L, ldb, c, cOff + i * ldc + j + L, ldc, acc);
                }
                for (; i < m; i++) {
                    kernel1x1(pk, a, aBase + i * ars, acs, b, bBase + j, ldb, c, cOff + i * ldc + j, acc);
                    kernel1x1(pk, a, aBase + i * ars, acs, b, bBase + j + L, ldb, c, cOff + i * ldc + j + L, acc);
                }
            }
            for (; j + L <= n; j += L) {
                int i = 0;
                for (; i + 8 <= m; i += 8) {
                    kernel8x1(pk, a, aBase + i * ars, ars, acs, b, bBase + j, ldb, c, cOff + i * ldc + j, ldc, acc);
                }
                for (; i + 4 <= m; i += 4) {
                    kernel4x1(pk, a, aBase + i * ars, ars, acs, b, bBase + j, ldb, c, cOff + i * ldc + j, ldc, acc);
                }
                for (; i < m; i++) {
                    kernel1x1(pk, a, aBase + i * ars, acs, b, bBase + j, ldb, c, cOff + i * ldc + j, acc);
                }
            }
            if (j < n) {
                int i = 0;
                for (; i + 8 <= m; i += 8) {
                    kernel8x1Tail(pk, a, aBase + i * ars, ars, acs, b, bBase + j, ldb, c, cOff + i * ldc + j, ldc, acc,
                            n - j);
                }
                for (; i < m; i++) {
                    int ci = cOff + i * ldc;
                    int ai = aBase + i * ars;
                    for (int jj = j; jj < n; jj++) {
                        float s = acc ? c[ci + jj] : 0f;
                        for (int p = 0; p < pk; p++) {
                            s = Math.fma(a[ai + p * acs], b[bBase + p * ldb + jj], s); // fused, like the vector lanes
                        }
                        c[ci + jj] = s;
                    }
                }
            }
        }
    }

    /** Per-thread staging for {@link #kernel8x1Tail}: 8 rows of C, then one row of B. */
    private static final ThreadLocal<float[]> COL_TAIL = ThreadLocal.withInitial(() -> new float[9 * L]);

    /**
     * The last {@code cols} &lt; L columns of 8 rows: one vector per row whose lanes past {@code cols} read on
     * into the next row of B (never stored), instead of one scalar FMA chain per element — a single leftover
     * column (n = 65, C's output layer) cost as much as the 64 others. Rows of B whose vector would run past
     * the array are staged through a scratch row. Each stored element is the same FMA chain over ascending p.
     */
    private static void kernel8x1Tail(int k, float[] a, int ai, int ars, int acs, float[] b, int bj, int ldb,
                                      float[] c, int ci, int ldc, boolean acc, int cols) {
        float[] t = COL_TAIL.get();
        FloatVector c0, c1, c2, c3, c4, c5, c6, c7;
        if (acc) {
            for (int r = 0; r < 8; r++) {
                System.arraycopy(c, ci + r * ldc, t, r * L, cols);
            }
            c0 = FloatVector.fromArray(S, t, 0); c1 = FloatVector.fromArray(S, t, L);
            c2 = FloatVector.fromArray(S, t, 2 * L); c3 = FloatVector.fromArray(S, t, 3 * L);
            c4 = FloatVector.fromArray(S, t, 4 * L); c5 = FloatVector.fromArray(S, t, 5 * L);
            c6 = FloatVector.fromArray(S, t, 6 * L); c7 = FloatVector.fromArray(S, t, 7 * L);
        } else {
            FloatVector z = FloatVector.zero(S);
            c0 = z; c1 = z; c2 = z; c3 = z; c4 = z; c5 = z; c6 = z; c7 = z;
        }
        int room = b.length - bj - L;
        int safe = room < 0 ? 0 : Math.min(k, room / ldb + 1);
        for (int p = 0; p < k; p++) {
            FloatVector bv;
            if (p < safe) {
                bv = FloatVector.fromArray(S, b, bj + p * ldb);
            } else {
                System.arraycopy(b, bj + p * ldb, t, 8 * L, cols);
                bv = FloatVector.fromArray(S, t, 8 * L);
            }
            int ao = ai + p * acs;
            c0 = FloatVector.broadcast(S, a[ao]).fma(bv, c0);
            c1 = FloatVector.broadcast(S, a[ao + ars]).fma(bv, c1);
            c2 = FloatVector.broadcast(S, a[ao + 2 * ars]).fma(bv, c2);
            c3 = FloatVector.broadcast(S, a[ao + 3 * ars]).fma(bv, c3);
            c4 = FloatVector.broadcast(S, a[ao + 4 * ars]).fma(bv, c4);
            c5 = FloatVector.broadcast(S, a[ao + 5 * ars]).fma(bv, c5);
            c6 = FloatVector.broadcast(S, a[ao + 6 * ars]).fma(bv, c6);
            c7 = FloatVector.broadcast(S, a[ao + 7 * ars]).fma(bv, c7);
        }
        c0.intoArray(t, 0); c1.intoArray(t, L); c2.intoArray(t, 2 * L); c3.intoArray(t, 3 * L);
        c4.intoArray(t, 4 * L); c5.intoArray(t, 5 * L); c6.intoArray(t, 6 * L); c7.intoArray(t, 7 * L);
        for (int r = 0; r < 8; r++) {
            System.arraycopy(t, r * L, c, ci + r * ldc, cols);
        }
    }

    /** 8 rows × 3 vectors: 24 accumulators (of AVX-512's 32 registers), 24 FMAs per 3 loads of B. */
    private static void kernel8x3(int k, float[] a, int ai, int ars, int acs, float[] b, int bj, int ldb,
                                  float[] c, int ci, int ldc, boolean acc) {
        FloatVector c00, c01, c02, c10, c11, c12, c20, c21, c22, c30, c31, c32, c40, c41, c42, c50, c51, c52, c60, c61, c62, c70, c71, c72;
        if (acc) {
            c00 = FloatVector.fromArray(S, c, ci);
            c01 = FloatVector.fromArray(S, c, ci + L);
            c02 = FloatVector.fromArray(S, c, ci + 2 * L);
            c10 = FloatVector.fromArray(S, c, ci + 1 * ldc);
            c11 = FloatVector.fromArray(S, c, ci + 1 * ldc + L);
            c12 = FloatVector.fromArray(S, c, ci + 1 * ldc + 2 * L);
            c20 = FloatVector.fromArray(S, c, ci + 2 * ldc);
            c21 = FloatVector.fromArray(S, c, ci + 2 * ldc + L);
            c22 = FloatVector.fromArray(S, c, ci + 2 * ldc + 2 * L);
            c30 = FloatVector.fromArray(S, c, ci + 3 * ldc);
            c31 = FloatVector.fromArray(S, c, ci + 3 * ldc + L);
            c32 = FloatVector.fromArray(S, c, ci + 3 * ldc + 2 * L);
            c40 = FloatVector.fromArray(S, c, ci + 4 * ldc);
            c41 = FloatVector.fromArray(S, c, ci + 4 * ldc + L);
            c42 = FloatVector.fromArray(S, c, ci + 4 * ldc + 2 * L);
            c50 = FloatVector.fromArray(S, c, ci + 5 * ldc);
            c51 = FloatVector.fromArray(S, c, ci + 5 * ldc + L);
            c52 = FloatVector.fromArray(S, c, ci + 5 * ldc + 2 * L);
            c60 = FloatVector.fromArray(S, c, ci + 6 * ldc);
            c61 = FloatVector.fromArray(S, c, ci + 6 * ldc + L);
            c62 = FloatVector.fromArray(S, c, ci + 6 * ldc + 2 * L);
            c70 = FloatVector.fromArray(S, c, ci + 7 * ldc);
            c71 = FloatVector.fromArray(S, c, ci + 7 * ldc + L);
            c72 = FloatVector.fromArray(S, c, ci + 7 * ldc + 2 * L);
        } else {
            FloatVector z = FloatVector.zero(S);
            c00 = z; c01 = z; c02 = z;
            c10 = z; c11 = z; c12 = z;
            c20 = z; c21 = z; c22 = z;
            c30 = z; c31 = z; c32 = z;
            c40 = z; c41 = z; c42 = z;
            c50 = z; c51 = z; c52 = z;
            c60 = z; c61 = z; c62 = z;
            c70 = z; c71 = z; c72 = z;
        }
        for (int p = 0; p < k; p++) {
            int bo = bj + p * ldb;
            FloatVector b0 = FloatVector.fromArray(S, b, bo);
            FloatVector b1 = FloatVector.fromArray(S, b, bo + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bo + 2 * L);
            int ao = ai + p * acs;
            FloatVector x = FloatVector.broadcast(S, a[ao]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02);
            x = FloatVector.broadcast(S, a[ao + ars]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12);
            x = FloatVector.broadcast(S, a[ao + 2 * ars]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22);
            x = FloatVector.broadcast(S, a[ao + 3 * ars]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31); c32 = x.fma(b2, c32);
            x = FloatVector.broadcast(S, a[ao + 4 * ars]);
            c40 = x.fma(b0, c40); c41 = x.fma(b1, c41); c42 = x.fma(b2, c42);
            x = FloatVector.broadcast(S, a[ao + 5 * ars]);
            c50 = x.fma(b0, c50); c51 = x.fma(b1, c51); c52 = x.fma(b2, c52);
            x = FloatVector.broadcast(S, a[ao + 6 * ars]);
            c60 = x.fma(b0, c60); c61 = x.fma(b1, c61); c62 = x.fma(b2, c62);
            x = FloatVector.broadcast(S, a[ao + 7 * ars]);
            c70 = x.fma(b0, c70); c71 = x.fma(b1, c71); c72 = x.fma(b2, c72);
        }
        c00.intoArray(c, ci); c01.intoArray(c, ci + L); c02.intoArray(c, ci + 2 * L);
        c10.intoArray(c, ci + 1 * ldc); c11.intoArray(c, ci + 1 * ldc + L); c12.intoArray(c, ci + 1 * ldc + 2 * L);
        c20.intoArray(c, ci + 2 * ldc); c21.intoArray(c, ci + 2 * ldc + L); c22.intoArray(c, ci + 2 * ldc + 2 * L);
        c30.intoArray(c, ci + 3 * ldc); c31.intoArray(c, ci + 3 * ldc + L); c32.intoArray(c, ci + 3 * ldc + 2 * L);
        c40.intoArray(c, ci + 4 * ldc); c41.intoArray(c, ci + 4 * ldc + L); c42.intoArray(c, ci + 4 * ldc + 2 * L);
        c50.intoArray(c, ci + 5 * ldc); c51.intoArray(c, ci + 5 * ldc + L); c52.intoArray(c, ci + 5 * ldc + 2 * L);
        c60.intoArray(c, ci + 6 * ldc); c61.intoArray(c, ci + 6 * ldc + L); c62.intoArray(c, ci + 6 * ldc + 2 * L);
        c70.intoArray(c, ci + 7 * ldc); c71.intoArray(c, ci + 7 * ldc + L); c72.intoArray(c, ci + 7 * ldc + 2 * L);
    }

    /** {@link #kernel8x3} on a packed 8-row panel of A (element (r, p) at ai + p·8 + r). */
    private static void kernel8x3Packed(int k, float[] a, int ai, float[] b, int bj,
                                  float[] c, int ci, int ldc, boolean acc) {
        FloatVector c00, c01, c02, c10, c11, c12, c20, c21, c22, c30, c31, c32, c40, c41, c42, c50, c51, c52, c60, c61, c62, c70, c71, c72;
        if (acc) {
            c00 = FloatVector.fromArray(S, c, ci);
            c01 = FloatVector.fromArray(S, c, ci + L);
            c02 = FloatVector.fromArray(S, c, ci + 2 * L);
            c10 = FloatVector.fromArray(S, c, ci + 1 * ldc);
            c11 = FloatVector.fromArray(S, c, ci + 1 * ldc + L);
            c12 = FloatVector.fromArray(S, c, ci + 1 * ldc + 2 * L);
            c20 = FloatVector.fromArray(S, c, ci + 2 * ldc);
            c21 = FloatVector.fromArray(S, c, ci + 2 * ldc + L);
            c22 = FloatVector.fromArray(S, c, ci + 2 * ldc + 2 * L);
            c30 = FloatVector.fromArray(S, c, ci + 3 * ldc);
            c31 = FloatVector.fromArray(S, c, ci + 3 * ldc + L);
            c32 = FloatVector.fromArray(S, c, ci + 3 * ldc + 2 * L);
            c40 = FloatVector.fromArray(S, c, ci + 4 * ldc);
            c41 = FloatVector.fromArray(S, c, ci + 4 * ldc + L);
            c42 = FloatVector.fromArray(S, c, ci + 4 * ldc + 2 * L);
            c50 = FloatVector.fromArray(S, c, ci + 5 * ldc);
            c51 = FloatVector.fromArray(S, c, ci + 5 * ldc + L);
            c52 = FloatVector.fromArray(S, c, ci + 5 * ldc + 2 * L);
            c60 = FloatVector.fromArray(S, c, ci + 6 * ldc);
            c61 = FloatVector.fromArray(S, c, ci + 6 * ldc + L);
            c62 = FloatVector.fromArray(S, c, ci + 6 * ldc + 2 * L);
            c70 = FloatVector.fromArray(S, c, ci + 7 * ldc);
            c71 = FloatVector.fromArray(S, c, ci + 7 * ldc + L);
            c72 = FloatVector.fromArray(S, c, ci + 7 * ldc + 2 * L);
        } else {
            FloatVector z = FloatVector.zero(S);
            c00 = z; c01 = z; c02 = z;
            c10 = z; c11 = z; c12 = z;
            c20 = z; c21 = z; c22 = z;
            c30 = z; c31 = z; c32 = z;
            c40 = z; c41 = z; c42 = z;
            c50 = z; c51 = z; c52 = z;
            c60 = z; c61 = z; c62 = z;
            c70 = z; c71 = z; c72 = z;
        }
        for (int p = 0; p < k; p++) {
            int bo = bj + p * STRIP;
            FloatVector b0 = FloatVector.fromArray(S, b, bo);
            FloatVector b1 = FloatVector.fromArray(S, b, bo + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bo + 2 * L);
            int ao = ai + p * 8;
            FloatVector x = FloatVector.broadcast(S, a[ao]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02);
            x = FloatVector.broadcast(S, a[ao + 1]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12);
            x = FloatVector.broadcast(S, a[ao + 2]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22);
            x = FloatVector.broadcast(S, a[ao + 3]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31); c32 = x.fma(b2, c32);
            x = FloatVector.broadcast(S, a[ao + 4]);
            c40 = x.fma(b0, c40); c41 = x.fma(b1, c41); c42 = x.fma(b2, c42);
            x = FloatVector.broadcast(S, a[ao + 5]);
            c50 = x.fma(b0, c50); c51 = x.fma(b1, c51); c52 = x.fma(b2, c52);
            x = FloatVector.broadcast(S, a[ao + 6]);
            c60 = x.fma(b0, c60); c61 = x.fma(b1, c61); c62 = x.fma(b2, c62);
            x = FloatVector.broadcast(S, a[ao + 7]);
            c70 = x.fma(b0, c70); c71 = x.fma(b1, c71); c72 = x.fma(b2, c72);
        }
        c00.intoArray(c, ci); c01.intoArray(c, ci + L); c02.intoArray(c, ci + 2 * L);
        c10.intoArray(c, ci + 1 * ldc); c11.intoArray(c, ci + 1 * ldc + L); c12.intoArray(c, ci + 1 * ldc + 2 * L);
        c20.intoArray(c, ci + 2 * ldc); c21.intoArray(c, ci + 2 * ldc + L); c22.intoArray(c, ci + 2 * ldc + 2 * L);
        c30.intoArray(c, ci + 3 * ldc); c31.intoArray(c, ci + 3 * ldc + L); c32.intoArray(c, ci + 3 * ldc + 2 * L);
        c40.intoArray(c, ci + 4 * ldc); c41.intoArray(c, ci + 4 * ldc + L); c42.intoArray(c, ci + 4 * ldc + 2 * L);
        c50.intoArray(c, ci + 5 * ldc); c51.intoArray(c, ci + 5 * ldc + L); c52.intoArray(c, ci + 5 * ldc + 2 * L);
        c60.intoArray(c, ci + 6 * ldc); c61.intoArray(c, ci + 6 * ldc + L); c62.intoArray(c, ci + 6 * ldc + 2 * L);
        c70.intoArray(c, ci + 7 * ldc); c71.intoArray(c, ci + 7 * ldc + L); c72.intoArray(c, ci + 7 * ldc + 2 * L);
    }

    private static void kernel4x3(int k, float[] a, int ai, int ars, int acs, float[] b, int bj, int ldb,
                                  float[] c, int ci, int ldc, boolean acc) {
        FloatVector c00, c01, c02, c10, c11, c12, c20, c21, c22, c30, c31, c32;
        if (acc) {
            c00 = FloatVector.fromArray(S, c, ci);
            c01 = FloatVector.fromArray(S, c, ci + L);
            c02 = FloatVector.fromArray(S, c, ci + 2 * L);
            c10 = FloatVector.fromArray(S, c, ci + ldc);
            c11 = FloatVector.fromArray(S, c, ci + ldc + L);
            c12 = FloatVector.fromArray(S, c, ci + ldc + 2 * L);
            c20 = FloatVector.fromArray(S, c, ci + 2 * ldc);
            c21 = FloatVector.fromArray(S, c, ci + 2 * ldc + L);
            c22 = FloatVector.fromArray(S, c, ci + 2 * ldc + 2 * L);
            c30 = FloatVector.fromArray(S, c, ci + 3 * ldc);
            c31 = FloatVector.fromArray(S, c, ci + 3 * ldc + L);
            c32 = FloatVector.fromArray(S, c, ci + 3 * ldc + 2 * L);
        } else {
            FloatVector z = FloatVector.zero(S);
            c00 = z; c01 = z; c02 = z; c10 = z; c11 = z; c12 = z;
            c20 = z; c21 = z; c22 = z; c30 = z; c31 = z; c32 = z;
        }
        int a0 = ai, a1 = ai + ars, a2 = ai + 2 * ars, a3 = ai + 3 * ars;
        for (int p = 0; p < k; p++) {
            int bo = bj + p * ldb;
            FloatVector b0 = FloatVector.fromArray(S, b, bo);
            FloatVector b1 = FloatVector.fromArray(S, b, bo + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bo + 2 * L);
            int ao = p * acs;
            FloatVector x = FloatVector.broadcast(S, a[a0 + ao]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02);
            x = FloatVector.broadcast(S, a[a1 + ao]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12);
            x = FloatVector.broadcast(S, a[a2 + ao]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22);
            x = FloatVector.broadcast(S, a[a3 + ao]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31); c32 = x.fma(b2, c32);
        }
        c00.intoArray(c, ci); c01.intoArray(c, ci + L); c02.intoArray(c, ci + 2 * L);
        c10.intoArray(c, ci + ldc); c11.intoArray(c, ci + ldc + L); c12.intoArray(c, ci + ldc + 2 * L);
        c20.intoArray(c, ci + 2 * ldc); c21.intoArray(c, ci + 2 * ldc + L); c22.intoArray(c, ci + 2 * ldc + 2 * L);
        c30.intoArray(c, ci + 3 * ldc); c31.intoArray(c, ci + 3 * ldc + L); c32.intoArray(c, ci + 3 * ldc + 2 * L);
    }

    private static void kernel1x3(int k, float[] a, int ai, int acs, float[] b, int bj, int ldb,
                                  float[] c, int ci, boolean acc) {
        FloatVector c0, c1, c2;
        if (acc) {
            c0 = FloatVector.fromArray(S, c, ci);
            c1 = FloatVector.fromArray(S, c, ci + L);
            c2 = FloatVector.fromArray(S, c, ci + 2 * L);
        } else {
            c0 = FloatVector.zero(S); c1 = c0; c2 = c0;
        }
        for (int p = 0; p < k; p++) {
            int bo = bj + p * ldb;
            FloatVector x = FloatVector.broadcast(S, a[ai + p * acs]);
            c0 = x.fma(FloatVector.fromArray(S, b, bo), c0);
            c1 = x.fma(FloatVector.fromArray(S, b, bo + L), c1);
            c2 = x.fma(FloatVector.fromArray(S, b, bo + 2 * L), c2);
        }
        c0.intoArray(c, ci); c1.intoArray(c, ci + L); c2.intoArray(c, ci + 2 * L);
    }

    private static void kernel4x1(int k, float[] a, int ai, int ars, int acs, float[] b, int bj, int ldb,
                                  float[] c, int ci, int ldc, boolean acc) {
        FloatVector c0, c1, c2, c3;
        if (acc) {
            c0 = FloatVector.fromArray(S, c, ci);
            c1 = FloatVector.fromArray(S, c, ci + ldc);
            c2 = FloatVector.fromArray(S, c, ci + 2 * ldc);
            c3 = FloatVector.fromArray(S, c, ci + 3 * ldc);
        } else {
            c0 = FloatVector.zero(S); c1 = c0; c2 = c0; c3 = c0;
        }
        for (int p = 0; p < k; p++) {
            FloatVector bv = FloatVector.fromArray(S, b, bj + p * ldb);
            int ao = ai + p * acs;
            c0 = FloatVector.broadcast(S, a[ao]).fma(bv, c0);
            c1 = FloatVector.broadcast(S, a[ao + ars]).fma(bv, c1);
            c2 = FloatVector.broadcast(S, a[ao + 2 * ars]).fma(bv, c2);
            c3 = FloatVector.broadcast(S, a[ao + 3 * ars]).fma(bv, c3);
        }
        c0.intoArray(c, ci); c1.intoArray(c, ci + ldc); c2.intoArray(c, ci + 2 * ldc); c3.intoArray(c, ci + 3 * ldc);
    }

    /** 8 rows × 2 vectors (16 independent FMA chains): the two-vector column tail, e.g. 32 of n = 512. */
    private static void kernel8x2(int k, float[] a, int ai, int ars, int acs, float[] b, int bj, int ldb,
                                  float[] c, int ci, int ldc, boolean acc) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71;
        if (acc) {
            c00 = FloatVector.fromArray(S, c, ci); c01 = FloatVector.fromArray(S, c, ci + L);
            c10 = FloatVector.fromArray(S, c, ci + ldc); c11 = FloatVector.fromArray(S, c, ci + ldc + L);
            c20 = FloatVector.fromArray(S, c, ci + 2 * ldc); c21 = FloatVector.fromArray(S, c, ci + 2 * ldc + L);
            c30 = FloatVector.fromArray(S, c, ci + 3 * ldc); c31 = FloatVector.fromArray(S, c, ci + 3 * ldc + L);
            c40 = FloatVector.fromArray(S, c, ci + 4 * ldc); c41 = FloatVector.fromArray(S, c, ci + 4 * ldc + L);
            c50 = FloatVector.fromArray(S, c, ci + 5 * ldc); c51 = FloatVector.fromArray(S, c, ci + 5 * ldc + L);
            c60 = FloatVector.fromArray(S, c, ci + 6 * ldc); c61 = FloatVector.fromArray(S, c, ci + 6 * ldc + L);
            c70 = FloatVector.fromArray(S, c, ci + 7 * ldc); c71 = FloatVector.fromArray(S, c, ci + 7 * ldc + L);
        } else {
            FloatVector z = FloatVector.zero(S);
            c00 = z; c01 = z; c10 = z; c11 = z; c20 = z; c21 = z; c30 = z; c31 = z;
            c40 = z; c41 = z; c50 = z; c51 = z; c60 = z; c61 = z; c70 = z; c71 = z;
        }
        for (int p = 0; p < k; p++) {
            int bo = bj + p * ldb;
            FloatVector b0 = FloatVector.fromArray(S, b, bo);
            FloatVector b1 = FloatVector.fromArray(S, b, bo + L);
            int ao = ai + p * acs;
            FloatVector x = FloatVector.broadcast(S, a[ao]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[ao + ars]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[ao + 2 * ars]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[ao + 3 * ars]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[ao + 4 * ars]);
            c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[ao + 5 * ars]);
            c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, a[ao + 6 * ars]);
            c60 = x.fma(b0, c60); c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, a[ao + 7 * ars]);
            c70 = x.fma(b0, c70); c71 = x.fma(b1, c71);
        }
        c00.intoArray(c, ci); c01.intoArray(c, ci + L);
        c10.intoArray(c, ci + ldc); c11.intoArray(c, ci + ldc + L);
        c20.intoArray(c, ci + 2 * ldc); c21.intoArray(c, ci + 2 * ldc + L);
        c30.intoArray(c, ci + 3 * ldc); c31.intoArray(c, ci + 3 * ldc + L);
        c40.intoArray(c, ci + 4 * ldc); c41.intoArray(c, ci + 4 * ldc + L);
        c50.intoArray(c, ci + 5 * ldc); c51.intoArray(c, ci + 5 * ldc + L);
        c60.intoArray(c, ci + 6 * ldc); c61.intoArray(c, ci + 6 * ldc + L);
        c70.intoArray(c, ci + 7 * ldc); c71.intoArray(c, ci + 7 * ldc + L);
    }

    /** 8 rows × 1 vector: eight independent FMA chains for the one-vector column tail. */
    private static void kernel8x1(int k, float[] a, int ai, int ars, int acs, float[] b, int bj, int ldb,
                                  float[] c, int ci, int ldc, boolean acc) {
        FloatVector c0, c1, c2, c3, c4, c5, c6, c7;
        if (acc) {
            c0 = FloatVector.fromArray(S, c, ci); c1 = FloatVector.fromArray(S, c, ci + ldc);
            c2 = FloatVector.fromArray(S, c, ci + 2 * ldc); c3 = FloatVector.fromArray(S, c, ci + 3 * ldc);
            c4 = FloatVector.fromArray(S, c, ci + 4 * ldc); c5 = FloatVector.fromArray(S, c, ci + 5 * ldc);
            c6 = FloatVector.fromArray(S, c, ci + 6 * ldc); c7 = FloatVector.fromArray(S, c, ci + 7 * ldc);
        } else {
            FloatVector z = FloatVector.zero(S);
            c0 = z; c1 = z; c2 = z; c3 = z; c4 = z; c5 = z; c6 = z; c7 = z;
        }
        for (int p = 0; p < k; p++) {
            FloatVector bv = FloatVector.fromArray(S, b, bj + p * ldb);
            int ao = ai + p * acs;
            c0 = FloatVector.broadcast(S, a[ao]).fma(bv, c0);
            c1 = FloatVector.broadcast(S, a[ao + ars]).fma(bv, c1);
            c2 = FloatVector.broadcast(S, a[ao + 2 * ars]).fma(bv, c2);
            c3 = FloatVector.broadcast(S, a[ao + 3 * ars]).fma(bv, c3);
            c4 = FloatVector.broadcast(S, a[ao + 4 * ars]).fma(bv, c4);
            c5 = FloatVector.broadcast(S, a[ao + 5 * ars]).fma(bv, c5);
            c6 = FloatVector.broadcast(S, a[ao + 6 * ars]).fma(bv, c6);
            c7 = FloatVector.broadcast(S, a[ao + 7 * ars]).fma(bv, c7);
        }
        c0.intoArray(c, ci); c1.intoArray(c, ci + ldc); c2.intoArray(c, ci + 2 * ldc); c3.intoArray(c, ci + 3 * ldc);
        c4.intoArray(c, ci + 4 * ldc); c5.intoArray(c, ci + 5 * ldc); c6.intoArray(c, ci + 6 * ldc); c7.intoArray(c, ci + 7 * ldc);
    }

    private static void kernel1x1(int k, float[] a, int ai, int acs, float[] b, int bj, int ldb,
                                  float[] c, int ci, boolean acc) {
        FloatVector c0 = acc ? FloatVector.fromArray(S, c, ci) : FloatVector.zero(S);
        for (int p = 0; p < k; p++) {
            c0 = FloatVector.broadcast(S, a[ai + p * acs]).fma(FloatVector.fromArray(S, b, bj + p * ldb), c0);
        }
        c0.intoArray(c, ci);
    }

    /**
     * C = A·Bᵀ. From 4 rows on, B is packed transposed and the broadcast micro-kernels do the work (no horizontal
     * sums; the order of summation is that of A·B), whatever k. Fewer rows (batch-1 generation with tied weights)
     * use dot products with deterministic lane sums, four rows of B at a time. The choice depends on m ≥ 4 only
     * (not on n: narrow products go through the padded last strip), so row/column splits of
     * {@link ParallelKernels} (which never leave fewer than 4 rows) never change it. A 4×4 block of dot products
     * for m ≥ 4 and long sums (k &gt; 2048) ran at 5 GFLOP/s on an Intel Xeon 167 (JDK 17 and 25) against ~110
     * for the packed path, which made an LSTM with H = 650 (k = 4H = 2600 in dx = dgates·W_ihᵀ) 2.4× slower.
     */
    static void gemmNT(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                       float[] c, int cOff, int ldc, boolean accumulate) {
        if (m >= NT_PACK_MIN_ROWS && n > 0 && k > 0) {
            gemmPacked(m, n, k, a, aOff, lda, 1, b, bOff, ldb, true, c, cOff, ldc, accumulate);
            return;
        }
        float[] t = LANES.get();
        for (int i = 0; i < m; i++) {
            rowDots(n, k, k - k % L, b, bOff, ldb, a, aOff + i * lda, c, cOff + i * ldc, accumulate, t);
        }
    }


    /** out[outOff + r] (+)= row r of M · x for r &lt; rows: four rows at a time, sharing the loads of x. */
    private static void rowDots(int rows, int k, int kv, float[] mat, int mOff, int ldm, float[] x, int xOff,
                                float[] out, int outOff, boolean acc, float[] t) {
        int r = 0;
        for (; r + 4 <= rows; r += 4) {
            int m0 = mOff + r * ldm;
            FloatVector z = FloatVector.zero(S);
            FloatVector s0 = z, s1 = z, s2 = z, s3 = z;
            for (int p = 0; p < kv; p += L) {
                FloatVector xv = FloatVector.fromArray(S, x, xOff + p);
                s0 = FloatVector.fromArray(S, mat, m0 + p).fma(xv, s0);
                s1 = FloatVector.fromArray(S, mat, m0 + ldm + p).fma(xv, s1);
                s2 = FloatVector.fromArray(S, mat, m0 + 2 * ldm + p).fma(xv, s2);
                s3 = FloatVector.fromArray(S, mat, m0 + 3 * ldm + p).fma(xv, s3);
            }
            store4(out, outOff + r, acc, s0, s1, s2, s3, x, xOff, mat, m0, ldm, k, kv, t);
        }
        for (; r < rows; r++) {
            dot1(k, kv, mat, mOff + r * ldm, x, xOff, out, outOff + r, acc, t);
        }
    }

    private static void dot1(int k, int kv, float[] a, int ai, float[] b, int bj, float[] c, int ci, boolean acc,
                             float[] t) {
        FloatVector s = FloatVector.zero(S);
        for (int p = 0; p < kv; p += L) {
            s = FloatVector.fromArray(S, a, ai + p).fma(FloatVector.fromArray(S, b, bj + p), s);
        }
        float r = sum(s, t);
        for (int p = kv; p < k; p++) {
            r += a[ai + p] * b[bj + p];
        }
        c[ci] = acc ? c[ci] + r : r;
    }

    /**
     * Finishes four dot products x·y_r (r &lt; 4; y_r starts at y[yj + r·ldy]): lanes of each partial-sum vector
     * added left to right (the deterministic order of {@link #sum}), then the scalar tail p ≥ kv; stored at
     * c[ci + r]. The four chains are interleaved so their additions overlap.
     */
    private static void store4(float[] c, int ci, boolean acc, FloatVector s0, FloatVector s1,
                               FloatVector s2, FloatVector s3, float[] x, int xi, float[] y, int yj,
                               int ldy, int k, int kv, float[] t) {
        s0.intoArray(t, 0);
        s1.intoArray(t, L);
        s2.intoArray(t, 2 * L);
        s3.intoArray(t, 3 * L);
        float r0 = t[0], r1 = t[L], r2 = t[2 * L], r3 = t[3 * L];
        for (int q = 1; q < L; q++) {
            r0 += t[q];
            r1 += t[L + q];
            r2 += t[2 * L + q];
            r3 += t[3 * L + q];
        }
        for (int p = kv; p < k; p++) {
            float xv = x[xi + p];
            r0 += xv * y[yj + p];
            r1 += xv * y[yj + ldy + p];
            r2 += xv * y[yj + 2 * ldy + p];
            r3 += xv * y[yj + 3 * ldy + p];
        }
        if (acc) {
            c[ci] += r0; c[ci + 1] += r1; c[ci + 2] += r2; c[ci + 3] += r3;
        } else {
            c[ci] = r0; c[ci + 1] = r1; c[ci + 2] = r2; c[ci + 3] = r3;
        }
    }

    static void gemv(int m, int n, float[] a, int aOff, int lda, float[] x, int xOff, float[] y, int yOff,
                     boolean accumulate) {
        rowDots(m, n, n - n % L, a, aOff, lda, x, xOff, y, yOff, accumulate, LANES.get());
    }
}
