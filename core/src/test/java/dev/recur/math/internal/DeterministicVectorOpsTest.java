package dev.recur.math.internal;

import dev.recur.math.Activation;
import dev.recur.math.Kernels;
import dev.recur.math.MathKernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

/**
 * The vector exp and horizontal sum are bit-for-bit its scalar specification (so it cannot depend on whether C2 has compiled the
 * loop), and within 2 ulp of {@link Math#exp} wherever the result is a normal float.
 */
class DeterministicVectorOpsTest {

    static final long SEED = 7L;
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    static float[] inputs() {
        SplittableRandom r = new SplittableRandom(SEED);
        int n = 200_000;
        float[] x = new float[n + 48];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextDouble() * 220 - 115);      // covers overflow, underflow and subnormals
        }
        float[] special = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f,
            VectorElementwise.EXP_HI, Math.nextUp(VectorElementwise.EXP_HI), VectorElementwise.EXP_LO,
            Math.nextDown(VectorElementwise.EXP_LO), 88.5f, -87.3f, -87.4f, -100f, 1e-30f, -1e-30f, 0.34657359f,
            -0.34657359f, 1f, -1f, 20f, -20f, Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE, 0.5f, -0.5f,
            2.5f, 3.5f, -2.5f, 44.3614f, 1e-7f, 10f, 89f, 88.9f, -104.5f, -104.4f, -104.6f, -103.99f};
        System.arraycopy(special, 0, x, n, special.length);
        return x;
    }

    @Test
    void vectorExpIsBitIdenticalToItsScalarSpecification() {
        float[] x = inputs();
        float[] y = new float[x.length];
        // several passes so that the loop is also run after C2 has compiled it
        for (int pass = 0; pass < 5; pass++) {
            for (int i = 0; i + S.length() <= x.length; i += S.length()) {
                VectorElementwise.exp(FloatVector.fromArray(S, x, i)).intoArray(y, i);
            }
            for (int i = 0; i + S.length() <= x.length; i++) {
                float want = VectorElementwise.expReference(x[i]);
                if (Float.floatToRawIntBits(want) != Float.floatToRawIntBits(y[i])
                        && !(Float.isNaN(want) && Float.isNaN(y[i]))) {
                    throw new AssertionError("exp(" + x[i] + "): vector " + y[i] + " vs specification " + want
                            + " (pass " + pass + ", seed " + SEED + ")");
                }
            }
        }
    }

    @Test
    void activationsGiveTheSameBitsWhereverAnElementFalls() {
        // the vector lanes and the scalar tail of activate use one formula: an element activated at any offset,
        // in a call of any length (so in lanes or in the tail), gets the same value and derivative
        float[] x = inputs();
        MathKernels vec = Kernels.vector();
        for (Activation act : Activation.values()) {
            int n = 4099;
            float[] y = new float[n];
            float[] d = new float[n];
            vec.activate(act, n, x, 0, y, 0, d, 0); // elements 4096.. in the tail
            float[] y1 = new float[n + 16];
            float[] d1 = new float[n + 16];
            for (int pass = 0; pass < 3; pass++) {
                for (int start = 0; start < n; ) {
                    int len = Math.min(n - start, 1 + (start * 7 + pass) % 37); // lengths 1..37: lanes and tails mixed
                    vec.activate(act, len, x, start, y1, start + pass, d1, start + pass);
                    start += len;
                }
                for (int i = 0; i < n; i++) {
                    if (Float.floatToRawIntBits(y[i]) != Float.floatToRawIntBits(y1[i + pass])
                            || Float.floatToRawIntBits(d[i]) != Float.floatToRawIntBits(d1[i + pass])) {
                        throw new AssertionError(act + "(" + x[i] + "): " + y[i] + ", " + d[i] + " in one call vs "
                                + y1[i + pass] + ", " + d1[i + pass] + " in pieces (pass " + pass + ", seed " + SEED + ")");
                    }
                }
            }
        }
    }

    @Test
    void horizontalSumIsBitIdenticalToLeftToRightAddition() {
        SplittableRandom r = new SplittableRandom(SEED);
        float[] lanes = new float[S.length()];
        for (int trial = 0; trial < 200_000; trial++) {
            for (int i = 0; i < lanes.length; i++) {
                lanes[i] = (float) ((r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(8)));
            }
            float got = VectorElementwise.sum(FloatVector.fromArray(S, lanes, 0), new float[S.length()]);
            float want = VectorElementwise.sumReference(lanes);
            if (Float.floatToRawIntBits(got) != Float.floatToRawIntBits(want)) {
                throw new AssertionError("sum differs at trial " + trial + ": " + got + " vs " + want + " (seed " + SEED + ")");
            }
        }
    }

    @Test
    void specificationIsAccurate() {
        float[] x = inputs();
        double worst = 0;
        for (float v : x) {
            float got = VectorElementwise.expReference(v);
            double want = Math.exp(v);
            if (Double.isNaN(want)) {
                assertTrue(Float.isNaN(got), "NaN in, NaN out");
            } else if (want > Float.MAX_VALUE) {
                assertEquals(Float.POSITIVE_INFINITY, got, "exp(" + v + ") overflows");
            } else if (want < Float.MIN_NORMAL) {
                assertEquals(want, got, Float.MIN_NORMAL, "exp(" + v + ") underflows to a subnormal or 0");
            } else {
                double ulps = Math.abs(got - want) / Math.ulp((float) want);
                worst = Math.max(worst, ulps);
                assertTrue(ulps <= 2, "exp(" + v + ") = " + got + ", exact " + want + ": " + ulps + " ulp (seed " + SEED + ")");
            }
        }
        assertTrue(worst > 0, "the comparison ran");
    }
}
