package dev.recur.math.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.math.Kernels;
import dev.recur.math.MathKernels;
import dev.recur.math.PackedWeights;
import dev.recur.math.WeightFormat;
import dev.recur.spi.Parameter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Reduced-precision weights: the quantise → dequantise error bounds of int8 (per column) and bf16 (round to
 * nearest even), and the packed products of every kernel against the scalar definition, bit for bit.
 */
class PackedWeightsTest {

    static final long SEED = 2026_12_05L;
    static final ComputePool POOL2 = new ComputePool(2);

    @AfterAll
    static void close() {
        POOL2.close();
    }

    /** Columns of very different magnitudes (so a per-matrix scale would fail the per-column bound). */
    static float[] matrix(int rows, int cols, SplittableRandom r) {
        float[] w = new float[rows * cols];
        for (int j = 0; j < cols; j++) {
            double mag = Math.pow(10, r.nextDouble() * 6 - 4);
            for (int i = 0; i < rows; i++) {
                w[i * cols + j] = (float) ((r.nextDouble() * 2 - 1) * mag);
            }
        }
        return w;
    }

    @Test
    void int8ErrorIsAtMostHalfAStepOfItsColumn() {
        SplittableRandom r = new SplittableRandom(SEED);
        int rows = 37;
        int cols = 53;
        float[] w = matrix(rows, cols, r);
        for (int i = 0; i < rows; i++) {
            w[i * cols + 7] = 0f; // an all-zero column: scale 0, exact
        }
        PackedWeights p = PackedWeights.pack(WeightFormat.INT8, rows, cols, w, 0, cols, false);
        assertEquals(rows * cols + 4L * cols, p.bytes());
        for (int j = 0; j < cols; j++) {
            float max = 0f;
            for (int i = 0; i < rows; i++) {
                max = Math.max(max, Math.abs(w[i * cols + j]));
            }
            float s = p.scales()[j];
            assertEquals(max / 127f, s, 0f, "scale of column " + j + " seed " + SEED);
            boolean reachesEnd = false;
            for (int i = 0; i < rows; i++) {
                int q = p.int8()[i * cols + j];
                assertTrue(q >= -127 && q <= 127, "q in [-127, 127]");
                reachesEnd |= Math.abs(q) == 127 || max == 0f;
                double err = Math.abs(w[i * cols + j] - p.get(i, j));
                assertTrue(err <= s * 0.5 * (1 + 1e-5) + Math.ulp(max), "(" + i + ", " + j + ") error " + err
                        + " > half a step " + s / 2 + " seed " + SEED);
            }
            assertTrue(reachesEnd, "the largest weight of column " + j + " maps to ±127");
        }
        for (int i = 0; i < rows; i++) {
            assertEquals(0f, p.get(i, 7));
        }
    }

    @Test
    void int8IsOneScalePerColumnNotPerMatrix() {
        // a column of tiny weights next to one of large ones keeps its own resolution
        float[] w = {1e-4f, 100f, -2e-4f, -50f, 3e-4f, 25f};
        PackedWeights p = PackedWeights.pack(WeightFormat.INT8, 3, 2, w, 0, 2, false);
        for (int i = 0; i < 3; i++) {
            assertEquals(w[2 * i], p.get(i, 0), 3e-4 / 254 * 1.0001);
        }
    }

    @Test
    void bf16IsRoundedToNearestEvenWithRelativeErrorAtMostTwoToMinusEight() {
        SplittableRandom r = new SplittableRandom(SEED);
        int cols = 75; // two paired 32-column blocks and an 11-column row-major tail
        float[] w = matrix(29, cols, r);
        PackedWeights p = PackedWeights.pack(WeightFormat.BF16, 29, cols, w, 0, cols, false);
        assertEquals(2L * 29 * cols, p.bytes());
        for (int i = 0; i < 29; i++) {
            for (int j = 0; j < cols; j++) {
                float v = w[i * cols + j];
                float b = p.get(i, j);
                assertTrue(Math.abs(v - b) <= Math.abs(v) * 0x1p-8, v + " -> " + b + " seed " + SEED);
                assertEquals(0, Float.floatToRawIntBits(b) & 0xFFFF, "only the upper 16 bits are kept");
            }
        }
        // ties go to the even neighbour, others to the nearest
        assertEquals(Float.intBitsToFloat(0x3F800000), PackedWeights.fromBf16(PackedWeights.toBf16(
                Float.intBitsToFloat(0x3F808000))), "tie, even below");
        assertEquals(Float.intBitsToFloat(0x3F820000), PackedWeights.fromBf16(PackedWeights.toBf16(
                Float.intBitsToFloat(0x3F818000))), "tie, even above");
        assertEquals(Float.intBitsToFloat(0x3F810000), PackedWeights.fromBf16(PackedWeights.toBf16(
                Float.intBitsToFloat(0x3F808001))), "above the tie");
        assertTrue(Float.isNaN(PackedWeights.fromBf16(PackedWeights.toBf16(Float.NaN))));
        assertEquals(Float.POSITIVE_INFINITY, PackedWeights.fromBf16(PackedWeights.toBf16(Float.POSITIVE_INFINITY)));
    }

    @Test
    void transposedPackingIsThePackingOfTheTranspose() {
        SplittableRandom r = new SplittableRandom(SEED);
        int rows = 9;
        int cols = 14;
        float[] b = matrix(rows, cols, r);
        float[] bt = new float[cols * rows];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                bt[j * rows + i] = b[i * cols + j];
            }
        }
        for (WeightFormat f : new WeightFormat[] {WeightFormat.INT8, WeightFormat.BF16}) {
            PackedWeights p = PackedWeights.pack(f, rows, cols, b, 0, cols, false);
            PackedWeights pt = PackedWeights.pack(f, rows, cols, bt, 0, rows, true);
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    assertEquals(p.get(i, j), pt.get(i, j), f + " (" + i + ", " + j + ")");
                }
            }
            float[] back = new float[bt.length];
            pt.unpackInto(back, 0, rows, true);
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    assertEquals(p.get(i, j), back[j * rows + i]);
                }
            }
        }
    }

    @Test
    void reducingAParameterRoundsItInPlaceAndAgainChangesNothing() {
        SplittableRandom r = new SplittableRandom(SEED);
        for (WeightFormat f : new WeightFormat[] {WeightFormat.INT8, WeightFormat.BF16}) {
            Parameter w = new Parameter("W", 20, 24);
            System.arraycopy(matrix(20, 24, r), 0, w.value(), 0, 480);
            PackedWeights p = w.reducePrecision(f, false);
            for (int i = 0; i < 20; i++) {
                for (int j = 0; j < 24; j++) {
                    assertEquals(p.get(i, j), w.value()[i * 24 + j]);
                }
            }
            float[] once = w.value().clone();
            w.reducePrecision(f, false);
            for (int i = 0; i < once.length; i++) {
                assertEquals(once[i], w.value()[i], 2 * Math.ulp(once[i]), f + ": rounding twice, element " + i);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new Parameter("b", 5).reducePrecision(WeightFormat.INT8,
                false));
        assertThrows(IllegalArgumentException.class, () -> PackedWeights.pack(WeightFormat.FP32, 2, 2, new float[4],
                0, 2, false));
        assertThrows(IllegalArgumentException.class, () -> PackedWeights.pack(WeightFormat.INT8, 1, 2,
                new float[] {1f, Float.NaN}, 0, 2, false));
    }

    @Test
    void formatsParseAndRefuseWithTheChoices() {
        assertEquals(WeightFormat.INT8, WeightFormat.parse("INT8"));
        assertEquals(WeightFormat.BF16, WeightFormat.parse("bf16"));
        assertEquals(WeightFormat.FP32, WeightFormat.parse("fp32"));
        var e = assertThrows(IllegalArgumentException.class, () -> WeightFormat.parse("int4"));
        assertEquals("unknown weight format 'int4' (choose fp32, bf16 or int8)", e.getMessage());
    }

    @Test
    void packedProductsOfEveryKernelEqualTheScalarDefinitionBitForBit() {
        MathKernels scalar = ScalarKernels.INSTANCE;
        MathKernels vector = Kernels.get();
        MathKernels par = new ParallelKernels(vector, POOL2);
        SplittableRandom r = new SplittableRandom(SEED);
        int[][] shapes = {{1, 512, 512}, {1, 65, 512}, {1, 10000, 256}, {2, 100, 64}, {3, 17, 9}, {4, 2048, 512},
            {5, 200, 33}, {1, 7, 1}, {1, 1, 300}};
        for (WeightFormat f : new WeightFormat[] {WeightFormat.INT8, WeightFormat.BF16}) {
            for (int[] s : shapes) {
                int m = s[0];
                int n = s[1];
                int k = s[2];
              for (int bCol : new int[] {0, 3, 32}) { // aligned to bf16's 32-column blocks, or not
                int extra = 5 + bCol; // B has more columns than the product reads
                PackedWeights b = PackedWeights.pack(f, k, n + extra, matrix(k, n + extra, r), 0, n + extra, false);
                float[] a = ParallelKernelsTest.rnd(m * (k + 2), r);
                for (boolean acc : new boolean[] {false, true}) {
                    float[] c0 = ParallelKernelsTest.rnd(m * (n + 1), r);
                    float[] c1 = c0.clone();
                    float[] c2 = c0.clone();
                    scalar.gemmPacked(m, n, k, a, 2, k + 2, b, bCol, c0, 1, n + 1, acc);
                    vector.gemmPacked(m, n, k, a, 2, k + 2, b, bCol, c1, 1, n + 1, acc);
                    par.gemmPacked(m, n, k, a, 2, k + 2, b, bCol, c2, 1, n + 1, acc);
                    String what = f + " " + m + "x" + n + "x" + k + " from column " + bCol + " acc " + acc + " seed "
                            + SEED;
                    assertArrayEquals(c0, c1, "vector " + what);
                    assertArrayEquals(c0, c2, "2 threads " + what);
                    // and the definition is the product with the dequantised matrix (up to rounding order)
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            double sum = 0;
                            double mag = 0;
                            for (int p = 0; p < k; p++) {
                                double t = (double) a[2 + i * (k + 2) + p] * b.get(p, bCol + j);
                                sum += t;
                                mag += Math.abs(t);
                            }
                            float got = c0[1 + i * (n + 1) + j];
                            if (!acc) {
                                assertEquals(sum, got, 1e-5 * mag + 1e-30, what + " (" + i + ", " + j + ")");
                            }
                        }
                    }
                }
              }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> vector.gemmPacked(1, 10, 4,
                new float[4], 0, 4, PackedWeights.pack(WeightFormat.INT8, 4, 8, new float[32], 0, 8, false), 0,
                new float[10], 0, 10, false));
    }
}
