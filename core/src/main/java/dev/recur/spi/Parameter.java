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

    private Parameter(String name, int[] shape, float[] value, float[] grad) {
        this.name = name;
        this.shape = shape;
        this.value = value;
        this.grad = grad;
    }

    /**
     * A view of this parameter under another name, sharing its value and gradient arrays (how a model
     * prefixes the parameters of its upper layers, e.g. {@code l1.W_h}).
     *
     * @param newName the view's name
     * @return the view
     */
    public Parameter withName(String newName) {
        return new Parameter(Objects.requireNonNull(newName, "name"), shape, value, grad);
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

    /** Sets the gradient to zero. */
    public void zeroGrad() {
        Arrays.fill(grad, 0f);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
