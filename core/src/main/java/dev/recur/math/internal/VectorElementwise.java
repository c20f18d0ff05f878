package dev.recur.math.internal;

import dev.recur.math.Activation;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The element-wise kernels of {@link VectorKernels}: level-1 operations (axpy, scale, sums), activations and
 * their derivatives, and the deterministic e^x and horizontal sum that every vector kernel builds on.
 */
final class VectorElementwise {

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Int lanes of the same vector size: a constant target for exp's bit casts (see {@link #exp}). */
    static final VectorSpecies<Integer> IS = S.withLanes(int.class);
    /** Scratch for horizontal sums: 4 vectors' lanes (see {@link #sum}). */
    static final ThreadLocal<float[]> LANES = ThreadLocal.withInitial(() -> new float[4 * L]);

    private VectorElementwise() {
    }

    // ------------------------------------------------------------------------------------- level 1

    static void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        FloatVector av = FloatVector.broadcast(S, alpha);
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += L) {
            FloatVector.fromArray(S, x, xOff + i).fma(av, FloatVector.fromArray(S, y, yOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }

    static void scale(int n, float alpha, float[] x, int xOff) {
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += L) {
            FloatVector.fromArray(S, x, xOff + i).mul(alpha).intoArray(x, xOff + i);
        }
        for (; i < n; i++) {
            x[xOff + i] *= alpha;
        }
    }

    static double sumOfSquares(int n, float[] x, int xOff) {
        float[] t = LANES.get();
        // Blocks of float partial sums, folded into a double: accurate enough and fast.
        double total = 0;
        int i = 0;
        while (i < n) {
            int end = Math.min(n, i + 4096);
            FloatVector s = FloatVector.zero(S);
            int upper = i + S.loopBound(end - i);
            for (; i < upper; i += L) {
                FloatVector v = FloatVector.fromArray(S, x, xOff + i);
                s = v.fma(v, s);
            }
            double part = sum(s, t);
            for (; i < end; i++) {
                double v = x[xOff + i];
                part += v * v;
            }
            total += part;
        }
        return total;
    }

    static void multiply(int n, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff) {
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += L) {
            FloatVector.fromArray(S, a, aOff + i).mul(FloatVector.fromArray(S, b, bOff + i)).intoArray(out, outOff + i);
        }
        for (; i < n; i++) {
            out[outOff + i] = a[aOff + i] * b[bOff + i];
        }
    }

    static void activate(Activation act, int n, float[] x, int xOff, float[] y, int yOff, float[] d, int dOff) {
        // one loop per activation in its own method: keeps each small enough for C2 to inline exp into it
        int i = switch (act) {
            case TANH -> tanhLoop(n, x, xOff, y, yOff, d, dOff);
            case SIGMOID -> sigmoidLoop(n, x, xOff, y, yOff, d, dOff);
            case RELU -> reluLoop(n, x, xOff, y, yOff, d, dOff);
            case IDENTITY -> identityLoop(n, x, xOff, y, yOff, d, dOff);
        };
        // the last n mod L elements: the lanes' own formulas in scalar code, so every element gets the same bits
        // wherever it falls (a block activated in column slices, by any thread, equals one call over the block)
        for (; i < n; i++) {
            float xv = x[xOff + i];
            float yv;
            float dv;
            switch (act) {
                case TANH -> {
                    yv = tanhReference(xv);
                    dv = 1f - yv * yv;
                }
                case SIGMOID -> {
                    yv = 1f / (1f + expReference(-xv));
                    dv = yv * (1f - yv);
                }
                case RELU -> {
                    yv = xv > 0f ? xv : 0f;
                    dv = xv > 0f ? 1f : 0f;
                }
                default -> {
                    yv = xv;
                    dv = 1f;
                }
            }
            y[yOff + i] = yv;
            if (d != null) {
                d[dOff + i] = dv;
            }
        }
    }

    /** The scalar specification of the vector {@link #tanh}: 1 − 2/(e^{2|x|} + 1), with the sign of x. */
    static float tanhReference(float x) {
        float ax = Math.abs(x);
        float e = expReference(ax + ax);
        float t = 1f - 2f / (e + 1f);
        return x < 0f ? -t : t;
    }

    private static int tanhLoop(int n, float[] x, int xOff, float[] y, int yOff, float[] d, int dOff) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += L) {
            FloatVector v = tanh(FloatVector.fromArray(S, x, xOff + i), one);
            v.intoArray(y, yOff + i);
            if (d != null) {
                one.sub(v.mul(v)).intoArray(d, dOff + i);
            }
        }
        return i;
    }

    private static int sigmoidLoop(int n, float[] x, int xOff, float[] y, int yOff, float[] d, int dOff) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += L) {
            FloatVector v = one.div(one.add(exp(FloatVector.fromArray(S, x, xOff + i).neg())));
            v.intoArray(y, yOff + i);
            if (d != null) {
                v.mul(one.sub(v)).intoArray(d, dOff + i);
            }
        }
        return i;
    }

    private static int reluLoop(int n, float[] x, int xOff, float[] y, int yOff, float[] d, int dOff) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector zero = FloatVector.zero(S);
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += L) {
            FloatVector xv = FloatVector.fromArray(S, x, xOff + i);
            VectorMask<Float> pos = xv.compare(VectorOperators.GT, 0f);
            zero.blend(xv, pos).intoArray(y, yOff + i);
            if (d != null) {
                zero.blend(one, pos).intoArray(d, dOff + i);
            }
        }
        return i;
    }

    private static int identityLoop(int n, float[] x, int xOff, float[] y, int yOff, float[] d, int dOff) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += L) {
            FloatVector.fromArray(S, x, xOff + i).intoArray(y, yOff + i);
            if (d != null) {
                one.intoArray(d, dOff + i);
            }
        }
        return i;
    }

    // Deterministic horizontal sum. The Vector API leaves the order of reduceLanes(ADD) open, and since JDK 24
    // C2 on x86-64 adds in a different order than the Java fallback does (JDK-8337062), so results would depend
    // on JIT state and on the JDK. Here the lanes are stored to a scratch array and added left to right in
    // scalar code; the dot-product kernels interleave four such chains. (Lane extracts or a rotate-and-add tree
    // through rearrange were tried: both made the enclosing kernels too large for C2 to inline, and the boxed
    // vectors made workloads W and C 3-4x slower on JDK 17.)

    static float sum(FloatVector v, float[] scratch) {
        v.intoArray(scratch, 0);
        float r = scratch[0];
        for (int q = 1; q < L; q++) {
            r += scratch[q];
        }
        return r;
    }

    /** The scalar specification of {@link #sum(FloatVector, float[])}: lanes added left to right. */
    static float sumReference(float[] lanes) {
        float t = lanes[0];
        for (int i = 1; i < lanes.length; i++) {
            t += lanes[i];
        }
        return t;
    }

    // Deterministic e^x. The Vector API's lanewise(EXP) is an intrinsic (SVML) once C2 has compiled a loop and
    // a scalar Java fallback before; the two differ in the last bits, so results would depend on JIT state
    // (a resumed run would not reproduce an uninterrupted one). This version uses only +, −, ×, min, max and
    // integer/bit operations, which IEEE 754 defines exactly, so every execution mode gives the same bits.
    // Cephes expf: e^x = 2^n · e^r with n = round(x·log2 e), r = x − n·ln 2 (in two parts), e^r by a degree-7
    // polynomial; about 1 ulp on the whole range. The scalar twin {@link #expReference} is the specification.

    static final float EXP_HI = 88.72283935546875f;   // above: +∞ (e^x overflows float)
    static final float EXP_LO = -103.972084045410f;   // below: 0 (e^x underflows even as a subnormal)
    /*
     * Inputs are clamped to [CLAMP_LO, CLAMP_HI], just outside [EXP_LO, EXP_HI], where the formula itself
     * overflows to +∞ (n = 128: 2⁶⁴·2⁶⁴·p with p ≥ 1) and underflows to 0 (n ≤ −151: below half the smallest
     * subnormal), so no masked blends are needed (a stand-alone copy of the softmax loops over 1120 × 10000
     * logits ran 31 ms with the two blends, 16 ms without on JDK 25; the W workload measured unchanged).
     */
    private static final float CLAMP_HI = 89f;
    private static final float CLAMP_LO = -104.5f;
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float ROUND = 12582912f;     // 1.5·2²³: adding and subtracting it rounds to an integer
    private static final float P0 = 1.9875691500e-4f;
    private static final float P1 = 1.3981999507e-3f;
    private static final float P2 = 8.3334519073e-3f;
    private static final float P3 = 4.1665795894e-2f;
    private static final float P4 = 1.6666665459e-1f;
    private static final float P5 = 5.0000001201e-1f;

    static FloatVector exp(FloatVector x) {
        FloatVector xc = x.min(CLAMP_HI).max(CLAMP_LO);      // NaN stays NaN
        FloatVector t = xc.mul(LOG2E).add(ROUND);        // = 1.5·2²³ + n exactly, n = round(x·log2 e)
        FloatVector n = t.sub(ROUND);
        FloatVector r = xc.sub(n.mul(LN2_HI)).sub(n.mul(LN2_LO));
        FloatVector z = r.mul(r);
        FloatVector p = r.mul(P0).add(P1).mul(r).add(P2).mul(r).add(P3).mul(r).add(P4).mul(r).add(P5)
                .mul(z).add(r).add(1f);
        // 2^n as two factors 2^(n>>1)·2^(n−(n>>1)): each stays a normal float over n ∈ [−150, 128].
        // n as an int from the bits of t (a float→int convert is not an intrinsic on JDK 17: 25x slower)
        IntVector ni = ((IntVector) t.convertShape(VectorOperators.REINTERPRET_F2I, IS, 0)).sub(0x4B400000);
        IntVector n1 = ni.lanewise(VectorOperators.ASHR, 1);
        IntVector n2 = ni.sub(n1);
        FloatVector s1 = (FloatVector) n1.add(127).lanewise(VectorOperators.LSHL, 23)
                .convertShape(VectorOperators.REINTERPRET_I2F, S, 0);
        FloatVector s2 = (FloatVector) n2.add(127).lanewise(VectorOperators.LSHL, 23)
                .convertShape(VectorOperators.REINTERPRET_I2F, S, 0);
        return p.mul(s1).mul(s2);
    }

    /** The scalar specification of {@link #exp(FloatVector)}: the same operations in the same order. */
    static float expReference(float x) {
        if (Float.isNaN(x)) {
            return x;
        }
        x = Math.max(Math.min(x, CLAMP_HI), CLAMP_LO);
        float n = x * LOG2E + ROUND - ROUND;
        float r = x - n * LN2_HI - n * LN2_LO;
        float z = r * r;
        float p = ((((((r * P0 + P1) * r + P2) * r + P3) * r + P4) * r + P5) * z + r) + 1f;
        int ni = (int) n;
        int n1 = ni >> 1;
        int n2 = ni - n1;
        return p * Float.intBitsToFloat((n1 + 127) << 23) * Float.intBitsToFloat((n2 + 127) << 23);
    }

    /** tanh(x) = sign(x)·(1 − 2/(e^{2|x|} + 1)), exact to float rounding and safe for large |x|. */
    private static FloatVector tanh(FloatVector x, FloatVector one) {
        FloatVector ax = x.abs();
        FloatVector e = exp(ax.add(ax));
        FloatVector t = one.sub(one.add(one).div(e.add(one)));
        return t.blend(t.neg(), x.compare(VectorOperators.LT, 0f));
    }

    static void addRowVector(int rows, int cols, float[] v, int vOff, float[] c, int cOff, int ldc) {
        for (int r = 0; r < rows; r++) {
            axpy(cols, 1f, v, vOff, c, cOff + r * ldc);
        }
    }

    static void sumRows(int rows, int cols, float[] a, int aOff, int lda, float[] out, int outOff) {
        for (int r = 0; r < rows; r++) {
            axpy(cols, 1f, a, aOff + r * lda, out, outOff);
        }
    }
}
