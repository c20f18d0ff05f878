package dev.recur.math.internal;

import static dev.recur.math.internal.VectorElementwise.L;
import static dev.recur.math.internal.VectorElementwise.S;

import dev.recur.math.MathKernels;
import dev.recur.math.PackedWeights;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link MathKernels#gemmPacked} on the Vector API: per row of A, blocks of four vectors of columns; for every
 * p, one A element broadcast and the weights of row p widened to floats in registers (int8: sign-extended and
 * converted; bf16: shifted into the upper half of an int) and FMA-ed into the accumulators; the int8 scales
 * multiply the sums once at the end. Each element is the same sum over ascending p as the scalar definition
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
    private static final VectorSpecies<Short> HS = SUPPORTED
            ? VectorSpecies.of(short.class, VectorShape.forBitSize(L * 16)) : null;
    private static final VectorSpecies<Integer> IS = S.withLanes(int.class);
    private static final int BLOCK = 4 * L;

    static void gemmPacked(MathKernels scalar, int m, int n, int k, float[] a, int aOff, int lda, PackedWeights b,
                           int bCol, float[] c, int cOff, int ldc, boolean accumulate) {
        if (!SUPPORTED) {
            scalar.gemmPacked(m, n, k, a, aOff, lda, b, bCol, c, cOff, ldc, accumulate);
            return;
        }
        int nb = n - n % BLOCK;
        int nv = n - n % L;
        boolean int8 = b.int8() != null;
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * lda;
            int ci = cOff + i * ldc;
            for (int j = 0; j < nb; j += BLOCK) {
                if (int8) {
                    int8Block4(k, a, ai, b, bCol + j, c, ci + j, accumulate);
                } else {
                    bf16Block4(k, a, ai, b, bCol + j, c, ci + j, accumulate);
                }
            }
            for (int j = nb; j < nv; j += L) {
                if (int8) {
                    int8Block1(k, a, ai, b, bCol + j, c, ci + j, accumulate);
                } else {
                    bf16Block1(k, a, ai, b, bCol + j, c, ci + j, accumulate);
                }
            }
            if (nv < n) {
                scalar.gemmPacked(1, n - nv, k, a, ai, lda, b, bCol + nv, c, ci + nv, ldc, accumulate);
            }
        }
    }

    private static FloatVector widen(byte[] q, int idx) {
        return (FloatVector) ByteVector.fromArray(BS, q, idx).convertShape(VectorOperators.B2F, S, 0);
    }

    private static FloatVector widen(short[] h, int idx) {
        IntVector wide = (IntVector) ShortVector.fromArray(HS, h, idx).convertShape(VectorOperators.S2I, IS, 0);
        return wide.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
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

    private static void bf16Block4(int k, float[] a, int ai, PackedWeights b, int col, float[] c, int ci,
                                   boolean accumulate) {
        short[] h = b.bf16();
        int cols = b.cols();
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = s0;
        FloatVector s2 = s0;
        FloatVector s3 = s0;
        for (int p = 0, hi = col; p < k; p++, hi += cols) {
            FloatVector x = FloatVector.broadcast(S, a[ai + p]);
            s0 = x.fma(widen(h, hi), s0);
            s1 = x.fma(widen(h, hi + L), s1);
            s2 = x.fma(widen(h, hi + 2 * L), s2);
            s3 = x.fma(widen(h, hi + 3 * L), s3);
        }
        store(s0, c, ci, accumulate);
        store(s1, c, ci + L, accumulate);
        store(s2, c, ci + 2 * L, accumulate);
        store(s3, c, ci + 3 * L, accumulate);
    }

    private static void bf16Block1(int k, float[] a, int ai, PackedWeights b, int col, float[] c, int ci,
                                   boolean accumulate) {
        short[] h = b.bf16();
        int cols = b.cols();
        FloatVector s0 = FloatVector.zero(S);
        for (int p = 0, hi = col; p < k; p++, hi += cols) {
            s0 = FloatVector.broadcast(S, a[ai + p]).fma(widen(h, hi), s0);
        }
        store(s0, c, ci, accumulate);
    }
}
