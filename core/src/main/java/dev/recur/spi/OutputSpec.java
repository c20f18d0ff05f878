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
 * @param tokenCounts   each token's count in the training text by id (ids sorted most frequent first at word
 *                      level), for layers that group tokens by frequency; null when unknown
 */
public record OutputSpec(int inputSize, int vocabSize, Map<String, String> options, Parameter tiedEmbedding,
                         RandomGenerator random, MathKernels kernels, long[] tokenCounts) {
    /**
     * Validates the sizes and the tied embedding's shape; copies the options.
     *
     * @param inputSize width of an input row (the top layer's hidden size, > 0)
     * @param vocabSize tokens in the vocabulary (≥ 2)
     * @param options the provider's options as {@code key → value} (validated by the provider)
     * @param tiedEmbedding the model's embedding [vocabSize × inputSize] when weights are tied (the layer uses it, transposed, as its projection and accumulates into its gradient), else null
     * @param random the generator the initial weights are drawn from (part of the model's seeded initialisation stream; used only while the layer is built)
     * @param kernels the math implementation to run on
     * @param tokenCounts each token's training count by id, or null
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
        if (tokenCounts != null && tokenCounts.length != vocabSize) {
            throw new IllegalArgumentException("tokenCounts must have vocabSize = " + vocabSize + " entries, got "
                    + tokenCounts.length);
        }
        tokenCounts = tokenCounts == null ? null : tokenCounts.clone();
    }

    /**
     * A spec without token counts.
     *
     * @param inputSize     width of an input row
     * @param vocabSize     tokens in the vocabulary
     * @param options       the provider's options
     * @param tiedEmbedding the tied embedding, or null
     * @param random        the initialisation stream
     * @param kernels       the kernels to compute with
     */
    public OutputSpec(int inputSize, int vocabSize, Map<String, String> options, Parameter tiedEmbedding,
                      RandomGenerator random, MathKernels kernels) {
        this(inputSize, vocabSize, options, tiedEmbedding, random, kernels, null);
    }

    /**
     * The training counts (a copy).
     *
     * @return each token's count by id, or null when unknown
     */
    @Override
    public long[] tokenCounts() {
        return tokenCounts == null ? null : tokenCounts.clone();
    }
}
