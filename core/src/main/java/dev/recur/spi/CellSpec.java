package dev.recur.spi;

import dev.recur.math.Kernels;
import dev.recur.math.MathKernels;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link CellProvider} needs to build a cell.
 *
 * @param inputSize  width of an input row (> 0)
 * @param hiddenSize width of the hidden state (> 0)
 * @param options    the provider's options as {@code key → value} (validated by the provider)
 * @param seed       seed of the parameter initialisation
 * @param kernels    the math implementation to run on
 */
public record CellSpec(int inputSize, int hiddenSize, Map<String, String> options, long seed, MathKernels kernels) {
    /**
     * Validates the sizes and copies the options.
     *
     * @param inputSize width of an input row (> 0)
     * @param hiddenSize width of the hidden state (> 0)
     * @param options the provider's options as {@code key → value} (validated by the provider)
     * @param seed seed of the parameter initialisation
     * @param kernels the math implementation to run on
     */
    public CellSpec {
        if (inputSize <= 0) {
            throw new IllegalArgumentException("inputSize must be > 0, got " + inputSize);
        }
        if (hiddenSize <= 0) {
            throw new IllegalArgumentException("hiddenSize must be > 0, got " + hiddenSize);
        }
        options = Map.copyOf(Objects.requireNonNull(options, "options"));
        Objects.requireNonNull(kernels, "kernels");
    }

    /**
     * A spec on the default kernels.
     *
     * @param inputSize width of an input row (> 0)
     * @param hiddenSize width of the hidden state (> 0)
     * @param options the provider's options as {@code key → value} (validated by the provider)
     * @param seed seed of the parameter initialisation
     */
    public CellSpec(int inputSize, int hiddenSize, Map<String, String> options, long seed) {
        this(inputSize, hiddenSize, options, seed, Kernels.get());
    }
}
