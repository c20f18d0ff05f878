package dev.recur.spi;

import java.util.Arrays;
import java.util.Objects;

/**
 * A named trainable tensor with its gradient buffer, stored row-major in a {@code float[]}.
 *
 * <p>Ownership: the object that created the parameter (a cell, a model) owns both arrays and never
 * replaces them; optimizers update {@link #value()} in place from {@link #grad()}; backward passes
 * ACCUMULATE into {@link #grad()}; the trainer zeroes gradients before each step. The name is persisted in
 * model files and must be stable.
 */
public final class Parameter {

    private final String name;
    private final int[] shape;
    private final float[] value;
    private final float[] grad;
    /** The rows whose gradient may be non-zero, when the gradient is row-sparse (shared with views); else null. */
    private RowSet rowSet;

    /** Touched rows in the order they were first touched since the last {@link #zeroGrad()}. */
    private static final class RowSet {
        final boolean[] marked;
        final int[] rows;
        int count;

        RowSet(int n) {
            this.marked = new boolean[n];
            this.rows = new int[n];
        }
    }

    /**
     * A zero-initialised parameter of the given shape.
     *
     * @param name the stable name
     * @param shape every dimension, each > 0
     */
    public Parameter(String name, int... shape) {
        this.name = Objects.requireNonNull(name, "name");
        this.shape = shape.clone();
        long size = 1;
        for (int d : shape) {
            if (d <= 0) {
                throw new IllegalArgumentException("parameter '" + name + "': every dimension must be > 0, got "
                        + Arrays.toString(shape));
            }
            size *= d;
        }
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("parameter '" + name + "' is too large: " + Arrays.toString(shape));
        }
        this.value = new float[(int) size];
        this.grad = new float[(int) size];
    }

    private Parameter(String name, int[] shape, float[] value, float[] grad, RowSet rowSet) {
        this.name = name;
        this.shape = shape;
        this.value = value;
        this.grad = grad;
        this.rowSet = rowSet;
    }

    /**
     * A view of this parameter under another name, sharing its value and gradient arrays (how a model
     * prefixes the parameters of its upper layers, e.g. {@code l1.W_h}).
     *
     * @param newName the view's name
     * @return the view
     */
    public Parameter withName(String newName) {
        return new Parameter(Objects.requireNonNull(newName, "name"), shape, value, grad, rowSet);
    }

    /**
     * The stable name, persisted in model files.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * A copy of the shape.
     *
     * @return the shape
     */
    public int[] shape() {
        return shape.clone();
    }

    /**
     * Number of rows (first dimension).
     *
     * @return the first dimension
     */
    public int rows() {
        return shape[0];
    }

    /**
     * Number of columns (product of the remaining dimensions; 1 for a vector).
     *
     * @return the product of the other dimensions
     */
    public int cols() {
        return value.length / shape[0];
    }

    /**
     * Number of elements.
     *
     * @return the element count
     */
    public int size() {
        return value.length;
    }

    /**
     * The values, owned by the parameter and updated in place.
     *
     * @return the values
     */
    public float[] value() {
        return value;
    }

    /**
     * The gradient accumulator.
     *
     * @return the gradient
     */
    public float[] grad() {
        return grad;
    }

    /** Sets the gradient to zero (a row-sparse one: only its touched rows, which were the only non-zero ones). */
    public void zeroGrad() {
        if (rowSet == null) {
            Arrays.fill(grad, 0f);
            return;
        }
        int cols = cols();
        for (int i = 0; i < rowSet.count; i++) {
            int r = rowSet.rows[i];
            Arrays.fill(grad, r * cols, (r + 1) * cols, 0f);
            rowSet.marked[r] = false;
        }
        rowSet.count = 0;
    }

    /**
     * Makes the gradient row-sparse: from now on whoever accumulates into a row of {@link #grad()} must
     * {@link #markGradientRow mark} it, and the gradient is zero outside the marked rows. The embedding of a
     * language model is one: a window touches only the rows of its input tokens, so zeroing, clipping and (for
     * the optimizers where that is exact) updating visit those rows instead of all |V| of them. Call before any
     * gradient is accumulated; views made afterwards share the row set.
     */
    public void trackGradientRows() {
        if (rowSet == null) {
            rowSet = new RowSet(rows());
        }
    }

    /**
     * Whether the gradient is row-sparse ({@link #trackGradientRows}).
     *
     * @return true when only the marked rows may be non-zero
     */
    public boolean rowSparseGradient() {
        return rowSet != null;
    }

    /**
     * Records that row {@code row} of the gradient may now be non-zero (no effect on a dense gradient).
     *
     * @param row the row accumulated into
     */
    public void markGradientRow(int row) {
        if (rowSet != null && !rowSet.marked[row]) {
            rowSet.marked[row] = true;
            rowSet.rows[rowSet.count++] = row;
        }
    }

    /**
     * The stretches of {@link #grad()} that may be non-zero: one covering everything for a dense gradient, one
     * row each for a row-sparse one. Iterate {@code i < gradientRanges()} over
     * [{@link #gradientRangeStart}(i), + {@link #gradientRangeLength()}).
     *
     * @return the number of stretches
     */
    public int gradientRanges() {
        return rowSet == null ? 1 : rowSet.count;
    }

    /**
     * Where stretch {@code i} starts in {@link #grad()} (and {@link #value()}).
     *
     * @param i the stretch, in [0, {@link #gradientRanges()})
     * @return the index of its first element
     */
    public int gradientRangeStart(int i) {
        return rowSet == null ? 0 : rowSet.rows[i] * cols();
    }

    /**
     * The length of every stretch.
     *
     * @return {@link #size()} for a dense gradient, {@link #cols()} for a row-sparse one
     */
    public int gradientRangeLength() {
        return rowSet == null ? value.length : cols();
    }

    /**
     * Σ g² over the gradient (its non-zero stretches), in double.
     *
     * @param k the kernels to sum with
     * @return the squared L2 norm of the gradient
     */
    public double gradientSumOfSquares(dev.recur.math.MathKernels k) {
        double s = 0;
        int len = gradientRangeLength();
        for (int i = 0, n = gradientRanges(); i < n; i++) {
            s += k.sumOfSquares(len, grad, gradientRangeStart(i));
        }
        return s;
    }

    /**
     * g ← factor·g over the gradient (its non-zero stretches).
     *
     * @param k      the kernels to scale with
     * @param factor the factor
     */
    public void scaleGradient(dev.recur.math.MathKernels k, float factor) {
        int len = gradientRangeLength();
        for (int i = 0, n = gradientRanges(); i < n; i++) {
            k.scale(len, factor, grad, gradientRangeStart(i));
        }
    }

    /**
     * Rounds this matrix (two dimensions, [in × out]: one column per output unit) to {@code format} in place and
     * returns the packed copy that {@link dev.recur.math.MathKernels#gemmPacked} reads: afterwards the fp32
     * values are exactly the values the packed copy stands for, so products on either agree. For models loaded
     * for inference with reduced-precision weights; the parameter should not be trained afterwards.
     *
     * @param format {@link dev.recur.math.WeightFormat#INT8} (one scale per column) or
     *               {@link dev.recur.math.WeightFormat#BF16}
     * @param transposed the parameter holds Bᵀ: its rows are the output units (a tied embedding read as Eᵀ)
     * @return the packed matrix B [in × out]
     * @throws IllegalArgumentException if the parameter is not a matrix or the format is fp32
     */
    public dev.recur.math.PackedWeights reducePrecision(dev.recur.math.WeightFormat format, boolean transposed) {
        if (shape.length != 2) {
            throw new IllegalArgumentException("only matrices are packed, " + this + " is not one");
        }
        int r = transposed ? shape[1] : shape[0];
        int c = transposed ? shape[0] : shape[1];
        var packed = dev.recur.math.PackedWeights.pack(format, r, c, value, 0, shape[1], transposed);
        packed.unpackInto(value, 0, shape[1], transposed);
        return packed;
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
