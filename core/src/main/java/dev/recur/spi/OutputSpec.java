package dev.recur.spi;

import dev.recur.math.MathKernels;
import java.util.Map;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * What an {@link OutputLayerProvider} needs to build an output layer.
 *
 * @param inputSize     width of an input row (the top layer's hidden size, > 0)
 * @param vocabSize     tokens in the vocabulary (≥ 2)
 * @param options       the provider's options as {@code key → value} (validated by the provider)
 * @param tiedEmbedding the model's embedding [vocabSize × inputSize] when weights are tied (the layer uses it,
 *                      transposed, as its projection and accumulates into its gradient), else null
 * @param random        the generator the initial weights are drawn from (part of the model's seeded
 *                      initialisation stream; used only while the layer is built)
 * @param kernels       the math implementation to run on
 */
public record OutputSpec(int inputSize, int vocabSize, Map<String, String> options, Parameter tiedEmbedding,
                         RandomGenerator random, MathKernels kernels) {
    /**
     * Validates the sizes and the tied embedding's shape; copies the options.
     *
     * @param inputSize width of an input row (the top layer's hidden size, > 0)
     * @param vocabSize tokens in the vocabulary (≥ 2)
     * @param options the provider's options as {@code key → value} (validated by the provider)
     * @param tiedEmbedding the model's embedding [vocabSize × inputSize] when weights are tied (the layer uses it, transposed, as its projection and accumulates into its gradient), else null
     * @param random the generator the initial weights are drawn from (part of the model's seeded initialisation stream; used only while the layer is built)
     * @param kernels the math implementation to run on
     */
    public OutputSpec {
        if (inputSize <= 0) {
            throw new IllegalArgumentException("inputSize must be > 0, got " + inputSize);
        }
        if (vocabSize < 2) {
            throw new IllegalArgumentException("vocabSize must be >= 2, got " + vocabSize);
        }
        options = Map.copyOf(Objects.requireNonNull(options, "options"));
        Objects.requireNonNull(random, "random");
        Objects.requireNonNull(kernels, "kernels");
        if (tiedEmbedding != null && (tiedEmbedding.rows() != vocabSize || tiedEmbedding.cols() != inputSize)) {
            throw new IllegalArgumentException("a tied embedding must be [" + vocabSize + " x " + inputSize + "], got "
                    + tiedEmbedding);
        }
    }
}
