package dev.recur.math.internal;

import static dev.recur.math.internal.VectorElementwise.L;
import static dev.recur.math.internal.VectorElementwise.LANES;
import static dev.recur.math.internal.VectorElementwise.S;
import static dev.recur.math.internal.VectorElementwise.exp;
import static dev.recur.math.internal.VectorElementwise.scale;
import static dev.recur.math.internal.VectorElementwise.sum;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** The softmax kernels of {@link VectorKernels}: fused softmax + cross-entropy (+ gradient) and softmax. */
final class VectorSoftmax {

    private VectorSoftmax() {
    }

    // -------------------------------------------------------------------------------------- softmax

    /*
     * softmaxCrossEntropy computes each e^(x − max) once: the training pass stores them in place while summing,
     * then scales the row by gradScale/Σ. One exp loop per row instead of two halves the exp work, and — what
     * mattered more on JDK 17 — keeps the compiled method small enough for C2 to intrinsify exp's reinterpret
     * casts (with two exp loops inlined, JFR showed them in the Java fallback, a ByteBuffer per vector).
     * The loops live in their own small methods.
     */

    /** Σ_j e^(x[o + j] − max) over j &lt; upper (a multiple of L), lanes summed left to right. */
    private static double expSum(float[] x, int o, int upper, float max, float[] lanes) {
        FloatVector mv = FloatVector.broadcast(S, max);
        FloatVector sv = FloatVector.zero(S);
        for (int j = 0; j < upper; j += L) {
            sv = sv.add(exp(FloatVector.fromArray(S, x, o + j).sub(mv)));
        }
        return sum(sv, lanes);
    }

    /** x[o + j] = e^(x[o + j] − max) over j &lt; upper (a multiple of L); returns their sum as {@link #expSum}. */
    private static double expStore(float[] x, int o, int upper, float max, float[] lanes) {
        FloatVector mv = FloatVector.broadcast(S, max);
        FloatVector sv = FloatVector.zero(S);
        for (int j = 0; j < upper; j += L) {
            FloatVector e = exp(FloatVector.fromArray(S, x, o + j).sub(mv));
            e.intoArray(x, o + j);
            sv = sv.add(e);
        }
        return sum(sv, lanes);
    }

    static double softmaxCrossEntropy(int rows, int cols, float[] logits, int off, int ld, int[] targets,
                                      int tOff, float gradScale) {
        float[] lanes = LANES.get();
        double total = 0;
        int upper = S.loopBound(cols);
        boolean write = gradScale != 0f;
        for (int r = 0; r < rows; r++) {
            int o = off + r * ld;
            int t = targets[tOff + r];
            float max = rowMax(logits, o, cols, upper);
            float target = logits[o + t];
            double sum;
            if (write) {
                sum = expStore(logits, o, upper, max, lanes);
                for (int j = upper; j < cols; j++) {
                    float e = (float) Math.exp(logits[o + j] - max);
                    logits[o + j] = e;
                    sum += e;
                }
            } else {
                sum = expSum(logits, o, upper, max, lanes);
                for (int j = upper; j < cols; j++) {
                    sum += Math.exp(logits[o + j] - max);
                }
            }
            total += Math.log(sum) + max - target;
            if (write) {
                scale(cols, (float) (gradScale / sum), logits, o);
                logits[o + t] -= gradScale;
            }
        }
        return total;
    }

    private static float rowMax(float[] x, int o, int n, int upper) {
        FloatVector mv = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int j = 0;
        for (; j < upper; j += L) {
            mv = mv.max(FloatVector.fromArray(S, x, o + j));
        }
        float max = mv.reduceLanes(VectorOperators.MAX);
        for (; j < n; j++) {
            max = Math.max(max, x[o + j]);
        }
        return max;
    }

    static void softmax(int n, float[] x, int xOff, float temperature, float[] out, int outOff) {
        float[] t = LANES.get();
        float inv = 1f / temperature;
        int upper = S.loopBound(n);
        float max = rowMax(x, xOff, n, upper) * inv;
        FloatVector mv = FloatVector.broadcast(S, max);
        FloatVector sv = FloatVector.zero(S);
        int j = 0;
        for (; j < upper; j += L) {
            FloatVector e = exp(FloatVector.fromArray(S, x, xOff + j).mul(inv).sub(mv));
            e.intoArray(out, outOff + j);
            sv = sv.add(e);
        }
        double sum = sum(sv, t);
        for (; j < n; j++) {
            float e = (float) Math.exp(x[xOff + j] * inv - max);
            out[outOff + j] = e;
            sum += e;
        }
        scale(n, (float) (1.0 / sum), out, outOff);
    }
}
