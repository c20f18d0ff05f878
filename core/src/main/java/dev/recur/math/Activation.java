package dev.recur.math;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The element-wise non-linearity σ of a recurrent cell, with its derivative.
 *
 * <p>The derivative is expressed through the pre-activation {@code x} and the output {@code y = σ(x)},
 * whichever is cheaper: tanh' = 1 − y², sigmoid' = y(1 − y), relu' = [x &gt; 0], identity' = 1.
 */
public enum Activation {
    /** Hyperbolic tangent. */
    TANH("tanh"),
    /** Logistic sigmoid 1/(1+e^−x). */
    SIGMOID("sigmoid"),
    /** Rectified linear unit max(0, x); its derivative at 0 is taken as 0. */
    RELU("relu"),
    /** σ(x) = x: the linear RNN whose Jacobian ∂h(t)/∂h(t−1) is exactly W_h. */
    IDENTITY("identity");

    private final String id;

    Activation(String id) {
        this.id = id;
    }

    /**
     * The lowercase name used in options, model files and the CLI.
     *
     * @return the id used in options and files
     */
    public String id() {
        return id;
    }

    /**
     * σ(x) in double precision (the scalar reference).
     *
     * @param x the pre-activation
     * @return σ(x)
     */
    public double apply(double x) {
        return switch (this) {
            case TANH -> Math.tanh(x);
            case SIGMOID -> 1.0 / (1.0 + Math.exp(-x));
            case RELU -> x > 0 ? x : 0.0;
            case IDENTITY -> x;
        };
    }

    /**
     * σ'(x), given x and y = σ(x).
     *
     * @param x the pre-activation
     * @param y σ(x), already computed
     * @return σ'(x)
     */
    public double derivative(double x, double y) {
        return switch (this) {
            case TANH -> 1.0 - y * y;
            case SIGMOID -> y * (1.0 - y);
            case RELU -> x > 0 ? 1.0 : 0.0;
            case IDENTITY -> 1.0;
        };
    }

    /**
     * Looks an activation up by its name.
     *
     * @param name an activation id ({@code tanh}, {@code sigmoid}, {@code relu}, {@code identity})
     * @return the activation
     * @throws IllegalArgumentException naming the known activations
     */
    public static Activation parse(String name) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (Activation a : values()) {
            if (a.id.equals(key)) {
                return a;
            }
        }
        throw new IllegalArgumentException("activation must be one of " + names() + ", got '" + name + "'");
    }

    /**
     * The known names, comma-separated.
     *
     * @return the ids, comma-separated
     */
    public static String names() {
        return Arrays.stream(values()).map(Activation::id).collect(Collectors.joining(", "));
    }
}
