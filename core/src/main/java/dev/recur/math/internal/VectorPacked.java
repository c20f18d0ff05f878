package dev.recur.math.internal;

import static dev.recur.math.internal.VectorElementwise.L;
import static dev.recur.math.internal.VectorElementwise.S;

import dev.recur.math.MathKernels;
import dev.recur.math.PackedWeights;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link MathKernels#gemmPacked} on the Vector API: per row of A, blocks of four vectors of columns; for every
 * p, one A element broadcast and the weights of row p widened to floats in registers (int8: sign-extended and
 * converted, two operations; bf16 pairs: the upper column masked, the lower one shifted, one operation each) and
 * FMA-ed into the accumulators; the int8 scales multiply the sums once at the end. Each element is the same sum over ascending p as the scalar definition
 * (one FMA chain, scale last), so the results are bit-identical to it. Needs at least 8 float lanes (a 64-bit
 * byte vector); narrower machines run the scalar definition.
 */
final class VectorPacked {

    private VectorPacked() {
    }

    /** Whether the vector path applies (bytes of L lanes form a legal vector: L ≥ 8). */
    static final boolean SUPPORTED = L >= 8;
    private static final VectorSpecies<Byte> BS = SUPPORTED
            ? VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8)) : null;
    private static final VectorSpecies<Integer> IS = S.withLanes(int.class);
    private static final int BLOCK = 4 * L;

    static void gemmPacked(MathKernels scalar, int m, int n, int k, float[] a, int aOff, int lda, PackedWeights b,
                           int bCol, float[] c, int cOff, int ldc, boolean accumulate) {
        if (b.int8() == null) {
            bf16(scalar, m, n, k, a, aOff, lda, b, bCol, c, cOff, ldc, accumulate);
            return;
        }
        if (!SUPPORTED) {
            scalar.gemmPacked(m, n, k, a, aOff, lda, b, bCol, c, cOff, ldc, accumulate);
            return;
        }
        int nb = n - n % BLOCK;
        int nv = n - n % L;
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * lda;
            int ci = cOff + i * ldc;
            for (int j = 0; j < nb; j += BLOCK) {
                int8Block4(k, a, ai, b, bCol + j, c, ci + j, accumulate);
            }
            for (int j = nb; j < nv; j += L) {
                int8Block1(k, a, ai, b, bCol + j, c, ci + j, accumulate);
            }
            if (nv < n) {
                scalar.gemmPacked(1, n - nv, k, a, ai, lda, b, bCol + nv, c, ci + nv, ldc, accumulate);
            }
        }
    }

    /** Whether the paired bf16 layout has a vector path: 8 or 16 float lanes (16 ints per block row). */
    private static final boolean PAIRED = L == 8 || L == 16;
    private static final int PB = PackedWeights.PAIR_BLOCK;

    /**
     * bf16 from the paired layout: the full 32-column blocks inside [bCol, bCol + n) on the vector path (per row
     * of A, four accumulators: two blocks of 16 lanes, or one block of 8), the columns before and after them by
     * the scalar definition.
     */
    private static void bf16(MathKernels scalar, int m, int n, int k, float[] a, int aOff, int lda, PackedWeights b,
                             int bCol, float[] c, int cOff, int ldc, boolean accumulate) {
        int rows = b.rows();
        int first = (bCol + PB - 1) / PB;
        int last = Math.min(b.cols() / PB, (bCol + n) / PB);
        if (!PAIRED || first >= last) {
            scalar.gemmPacked(m, n, k, a, aOff, lda, b, bCol, c, cOff, ldc, accumulate);
            return;
        }
        int head = first * PB - bCol;
        int rest = bCol + n - last * PB;
        int[] pairs = b.bf16Pairs();
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * lda;
            int ci = cOff + i * ldc;
            if (head > 0) {
                scalar.gemmPacked(1, head, k, a, ai, lda, b, bCol, c, ci, ldc, accumulate);
            }
            for (int blk = first; blk < last; ) {
                int cb = ci + blk * PB - bCol;
                int idx = blk * rows * 16;
                if (L == 8) {
                    pairs4(k, a, ai, pairs, idx, 8, c, cb, 8, accumulate);
                    blk++;
                } else if (blk + 1 < last) {
                    pairs4(k, a, ai, pairs, idx, rows * 16, c, cb, PB, accumulate);
                    blk += 2;
                } else {
                    pairs2(k, a, ai, pairs, idx, c, cb, accumulate);
                    blk++;
                }
            }
            if (rest > 0) {
                scalar.gemmPacked(1, rest, k, a, ai, lda, b, last * PB, c, ci + last * PB - bCol, ldc, accumulate);
            }
        }
    }

    /**
     * Two int vectors of pairs per row p (at idx + 16p and idx + d1 + 16p): the upper halves go to the columns at
     * c[ci] and c[ci + o1], the lower halves 16 columns to the right of each.
     */
    private static void pairs4(int k, float[] a, int ai, int[] pairs, int idx, int d1, float[] c, int ci, int o1,
                               boolean accumulate) {
        IntVector mask = IntVector.broadcast(IS, 0xFFFF0000);
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = s0;
        FloatVector s2 = s0;
        FloatVector s3 = s0;
        for (int p = 0, q = idx; p < k; p++, q += 16) {
            FloatVector x = FloatVector.broadcast(S, a[ai + p]);
            IntVector v0 = IntVector.fromArray(IS, pairs, q);
            IntVector v1 = IntVector.fromArray(IS, pairs, q + d1);
            s0 = x.fma(v0.lanewise(VectorOperators.AND, mask).reinterpretAsFloats(), s0);
            s1 = x.fma(v0.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats(), s1);
            s2 = x.fma(v1.lanewise(VectorOperators.AND, mask).reinterpretAsFloats(), s2);
            s3 = x.fma(v1.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats(), s3);
        }
        store(s0, c, ci, accumulate);
        store(s1, c, ci + 16, accumulate);
        store(s2, c, ci + o1, accumulate);
        store(s3, c, ci + o1 + 16, accumulate);
    }

    /** One int vector of 16 pairs per row: one 32-column block (16 lanes). */
    private static void pairs2(int k, float[] a, int ai, int[] pairs, int idx, float[] c, int ci, boolean accumulate) {
        IntVector mask = IntVector.broadcast(IS, 0xFFFF0000);
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = s0;
        for (int p = 0, q = idx; p < k; p++, q += 16) {
            FloatVector x = FloatVector.broadcast(S, a[ai + p]);
            IntVector v0 = IntVector.fromArray(IS, pairs, q);
            s0 = x.fma(v0.lanewise(VectorOperators.AND, mask).reinterpretAsFloats(), s0);
            s1 = x.fma(v0.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats(), s1);
        }
        store(s0, c, ci, accumulate);
        store(s1, c, ci + 16, accumulate);
    }

    private static FloatVector widen(byte[] q, int idx) {
        return (FloatVector) ByteVector.fromArray(BS, q, idx).convertShape(VectorOperators.B2F, S, 0);
    }

    private static void store(FloatVector v, float[] c, int ci, boolean accumulate) {
        if (accumulate) {
            v = v.add(FloatVector.fromArray(S, c, ci));
        }
        v.intoArray(c, ci);
    }

    private static void int8Block4(int k, float[] a, int ai, PackedWeights b, int col, float[] c, int ci,
                                   boolean accumulate) {
        byte[] q = b.int8();
        int cols = b.cols();
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = s0;
        FloatVector s2 = s0;
        FloatVector s3 = s0;
        for (int p = 0, qi = col; p < k; p++, qi += cols) {
            FloatVector x = FloatVector.broadcast(S, a[ai + p]);
            s0 = x.fma(widen(q, qi), s0);
            s1 = x.fma(widen(q, qi + L), s1);
            s2 = x.fma(widen(q, qi + 2 * L), s2);
            s3 = x.fma(widen(q, qi + 3 * L), s3);
        }
        float[] sc = b.scales();
        store(s0.mul(FloatVector.fromArray(S, sc, col)), c, ci, accumulate);
        store(s1.mul(FloatVector.fromArray(S, sc, col + L)), c, ci + L, accumulate);
        store(s2.mul(FloatVector.fromArray(S, sc, col + 2 * L)), c, ci + 2 * L, accumulate);
        store(s3.mul(FloatVector.fromArray(S, sc, col + 3 * L)), c, ci + 3 * L, accumulate);
    }

    private static void int8Block1(int k, float[] a, int ai, PackedWeights b, int col, float[] c, int ci,
                                   boolean accumulate) {
        byte[] q = b.int8();
        int cols = b.cols();
        FloatVector s0 = FloatVector.zero(S);
        for (int p = 0, qi = col; p < k; p++, qi += cols) {
            s0 = FloatVector.broadcast(S, a[ai + p]).fma(widen(q, qi), s0);
        }
        store(s0.mul(FloatVector.fromArray(S, b.scales(), col)), c, ci, accumulate);
    }
}
