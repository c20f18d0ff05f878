package dev.recur.math;

import java.util.Objects;

/**
 * A weight matrix B [rows × cols] (row-vector convention: {@code y = x·B}, one column per output unit) held in
 * reduced precision for products with few rows ({@link MathKernels#gemmPacked}): generation and scoring read
 * every weight once per token, so their speed is the speed at which the weights stream from the caches.
 *
 * <p>{@link WeightFormat#INT8}: {@code B[i][j] ≈ q[i][j]·scale[j]} with q in [−127, 127] and
 * {@code scale[j] = max_i |B[i][j]| / 127} (an all-zero column has scale 0); {@link WeightFormat#BF16}: the
 * upper 16 bits of each float after rounding to nearest even. int8 is stored row-major, like the fp32 matrix,
 * so a column range is contiguous in every row. bf16 is stored in blocks of {@value #PAIR_BLOCK} columns, two
 * columns per 32-bit int — column c + i in the upper half and c + 16 + i in the lower half of int i of the
 * block's row — and all rows of a block together: widening then takes one operation per value (a mask or a
 * shift) instead of two; the last {@code cols % 32} columns are kept row-major.
 */
public final class PackedWeights {

    private final WeightFormat format;
    private final int rows;
    private final int cols;
    private final byte[] int8;
    private final int[] pairs;
    private final short[] tail;
    private final float[] scales;

    /** Columns per bf16 block: 16 ints per row, each holding two columns. */
    public static final int PAIR_BLOCK = 32;

    private PackedWeights(WeightFormat format, int rows, int cols, byte[] int8, int[] pairs, short[] tail,
                          float[] scales) {
        this.format = format;
        this.rows = rows;
        this.cols = cols;
        this.int8 = int8;
        this.pairs = pairs;
        this.tail = tail;
        this.scales = scales;
    }

    /**
     * Packs a matrix.
     *
     * @param format {@link WeightFormat#INT8} or {@link WeightFormat#BF16}
     * @param rows   rows of B (the summation length of x·B)
     * @param cols   columns of B (output units)
     * @param w      the fp32 values
     * @param off    index of B[0][0] in w
     * @param ld     distance between rows of B in w (or, transposed, between rows of Bᵀ)
     * @param transposed w holds Bᵀ [cols × rows] (a tied embedding E read as Eᵀ)
     * @return the packed matrix
     */
    public static PackedWeights pack(WeightFormat format, int rows, int cols, float[] w, int off, int ld,
                                     boolean transposed) {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(w, "w");
        if (rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException("rows and cols must be > 0, got " + rows + " x " + cols);
        }
        long size = (long) rows * cols;
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("matrix too large to pack: " + rows + " x " + cols);
        }
        int rs = transposed ? 1 : ld; // distance between B[i][j] and B[i+1][j]
        int cs = transposed ? ld : 1; // ... and B[i][j+1]
        switch (format) {
            case BF16 -> {
                int blocks = cols / PAIR_BLOCK;
                int tailStart = blocks * PAIR_BLOCK;
                int tailCols = cols - tailStart;
                int[] pairs = new int[blocks * rows * 16];
                short[] tail = new short[rows * tailCols];
                for (int i = 0; i < rows; i++) {
                    for (int b = 0; b < blocks; b++) {
                        for (int l = 0; l < 16; l++) {
                            int hi = toBf16(w[off + i * rs + (b * PAIR_BLOCK + l) * cs]) & 0xFFFF;
                            int lo = toBf16(w[off + i * rs + (b * PAIR_BLOCK + 16 + l) * cs]) & 0xFFFF;
                            pairs[(b * rows + i) * 16 + l] = hi << 16 | lo;
                        }
                    }
                    for (int j = 0; j < tailCols; j++) {
                        tail[i * tailCols + j] = toBf16(w[off + i * rs + (tailStart + j) * cs]);
                    }
                }
                return new PackedWeights(format, rows, cols, null, pairs, tail, null);
            }
            case INT8 -> {
                float[] scale = new float[cols];
                for (int j = 0; j < cols; j++) {
                    float max = 0f;
                    for (int i = 0; i < rows; i++) {
                        float v = w[off + i * rs + j * cs];
                        if (!Float.isFinite(v)) {
                            throw new IllegalArgumentException("cannot quantise a weight that is " + v);
                        }
                        max = Math.max(max, Math.abs(v));
                    }
                    scale[j] = max / 127f;
                }
                byte[] q = new byte[(int) size];
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < cols; j++) {
                        float s = scale[j];
                        int v = s == 0f ? 0 : Math.round(w[off + i * rs + j * cs] / s);
                        q[i * cols + j] = (byte) Math.max(-127, Math.min(127, v));
                    }
                }
                return new PackedWeights(format, rows, cols, q, null, null, scale);
            }
            default -> throw new IllegalArgumentException("fp32 weights are not packed");
        }
    }

    /**
     * fp32 → bfloat16 bits, rounded to nearest even (NaN stays NaN).
     *
     * @param v the float
     * @return its upper 16 bits after rounding
     */
    public static short toBf16(float v) {
        int bits = Float.floatToRawIntBits(v);
        if (Float.isNaN(v)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int rounding = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    /**
     * bfloat16 bits → fp32 (exact).
     *
     * @param b the 16 bits
     * @return the float
     */
    public static float fromBf16(short b) {
        return Float.intBitsToFloat((b & 0xFFFF) << 16);
    }

    /**
     * The value this matrix stands for at (i, j): what every product with it computes with.
     *
     * @param i row
     * @param j column
     * @return B[i][j] in fp32
     */
    public float get(int i, int j) {
        Objects.checkIndex(i, rows);
        Objects.checkIndex(j, cols);
        if (format == WeightFormat.INT8) {
            return int8[i * cols + j] * scales[j];
        }
        int tailStart = cols / PAIR_BLOCK * PAIR_BLOCK;
        if (j >= tailStart) {
            return fromBf16(tail[i * (cols - tailStart) + j - tailStart]);
        }
        int r = j % PAIR_BLOCK;
        int v = pairs[((j / PAIR_BLOCK) * rows + i) * 16 + (r & 15)];
        return Float.intBitsToFloat(r < 16 ? v & 0xFFFF0000 : v << 16);
    }

    /**
     * Writes the values this matrix stands for into {@code w}, in the layout {@link #pack} read them from: the
     * fp32 copy of a model whose products with many rows run on fp32 kernels then computes the same function.
     *
     * @param w   the fp32 matrix (overwritten)
     * @param off index of B[0][0]
     * @param ld  distance between rows of B (or of Bᵀ)
     * @param transposed w holds Bᵀ
     */
    public void unpackInto(float[] w, int off, int ld, boolean transposed) {
        int rs = transposed ? 1 : ld;
        int cs = transposed ? ld : 1;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                w[off + i * rs + j * cs] = get(i, j);
            }
        }
    }

    /** @return the format (INT8 or BF16) */
    public WeightFormat format() {
        return format;
    }

    /** @return rows of B */
    public int rows() {
        return rows;
    }

    /** @return columns of B */
    public int cols() {
        return cols;
    }

    /**
     * The int8 values, row-major (kernels only; not a copy — do not modify).
     *
     * @return q, or null for bf16
     */
    public byte[] int8() {
        return int8;
    }

    /**
     * The bfloat16 pairs of the full {@value #PAIR_BLOCK}-column blocks: int {@code (b·rows + i)·16 + l} holds
     * column {@code 32b + l} (upper half) and {@code 32b + 16 + l} (lower half) of row i (kernels only; not a
     * copy — do not modify).
     *
     * @return the pairs, or null for int8
     */
    public int[] bf16Pairs() {
        return pairs;
    }

    /**
     * The per-column scales of int8 (kernels only; not a copy — do not modify).
     *
     * @return the scales, or null for bf16
     */
    public float[] scales() {
        return scales;
    }

    /**
     * Bytes held (values and scales).
     *
     * @return the size in bytes
     */
    public long bytes() {
        long n = (long) rows * cols * format.bytesPerWeight();
        return n + (scales == null ? 0 : 4L * scales.length);
    }
}
