package dev.recur.model;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a model is, independent of its weights: what model files store and what is needed to rebuild it.
 *
 * @param cell          the cell provider's name ({@code elman})
 * @param cellOptions   the cell's options as given (validated by the provider)
 * @param vocabSize     V
 * @param embeddingSize E
 * @param hiddenSize    H
 * @param layers        stacked cells (≥ 1)
 * @param regularization the training-time regularisers (dropout and the others; {@link Regularization})
 * @param tieWeights    whether the output projection is the transposed embedding (needs E = H)
 * @param output        the output layer provider's name ({@code softmax})
 * @param outputOptions the output layer's options (validated by the provider)
 */
public record ModelSpec(String cell, Map<String, String> cellOptions, int vocabSize, int embeddingSize, int hiddenSize,
                        int layers, Regularization regularization, boolean tieWeights, String output,
                        Map<String, String> outputOptions) {

    /** The default output layer: the full softmax. */
    public static final String OUTPUT_SOFTMAX = "softmax";

    /**
     * Validates the sizes, layers and tying; copies the option maps (sorted, unmodifiable).
     *
     * @param cell the cell provider's name ({@code elman})
     * @param cellOptions the cell's options as given (validated by the provider)
     * @param vocabSize V
     * @param embeddingSize E
     * @param hiddenSize H
     * @param layers stacked cells (≥ 1)
     * @param regularization the training-time regularisers
     * @param tieWeights whether the output projection is the transposed embedding (needs E = H)
     * @param output the output layer provider's name ({@code softmax})
     * @param outputOptions the output layer's options (validated by the provider)
     */
    public ModelSpec {
        Objects.requireNonNull(cell, "cell");
        cellOptions = java.util.Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(cellOptions, "cellOptions")));
        Objects.requireNonNull(output, "output");
        outputOptions = java.util.Collections.unmodifiableMap(
                new TreeMap<>(Objects.requireNonNull(outputOptions, "outputOptions")));
        if (vocabSize < 2) {
            throw new IllegalArgumentException("vocabSize must be >= 2, got " + vocabSize);
        }
        if (embeddingSize <= 0) {
            throw new IllegalArgumentException("embeddingSize must be > 0, got " + embeddingSize);
        }
        if (hiddenSize <= 0) {
            throw new IllegalArgumentException("hiddenSize must be > 0, got " + hiddenSize);
        }
        if (layers < 1 || layers > 64) {
            throw new IllegalArgumentException("layers must be in [1, 64], got " + layers);
        }
        Objects.requireNonNull(regularization, "regularization");
        if (tieWeights && embeddingSize != hiddenSize) {
            throw new IllegalArgumentException("tied weights need embedding size = hidden size, got " + embeddingSize
                    + " and " + hiddenSize);
        }
    }

    /**
     * A model with plain dropout p on the embeddings, between layers and on the outputs and no other regulariser.
     *
     * @param cell the cell provider's name ({@code elman})
     * @param cellOptions the cell's options as given (validated by the provider)
     * @param vocabSize V
     * @param embeddingSize E
     * @param hiddenSize H
     * @param layers stacked cells (≥ 1)
     * @param dropout dropout probability on embeddings, between layers and on outputs, in [0, 1)
     * @param tieWeights whether the output projection is the transposed embedding (needs E = H)
     * @param output the output layer provider's name ({@code softmax})
     * @param outputOptions the output layer's options (validated by the provider)
     */
    public ModelSpec(String cell, Map<String, String> cellOptions, int vocabSize, int embeddingSize, int hiddenSize,
                     int layers, double dropout, boolean tieWeights, String output, Map<String, String> outputOptions) {
        this(cell, cellOptions, vocabSize, embeddingSize, hiddenSize, layers, Regularization.dropout(dropout),
                tieWeights, output, outputOptions);
    }

    /**
     * The largest plain dropout probability (input, between layers, output): a one-number summary of
     * {@link #regularization()}.
     *
     * @return the largest of the three dropout probabilities
     */
    public double dropout() {
        return regularization.maxDropout();
    }

    /**
     * The same model with other regularisers.
     *
     * @param r the regularisers
     * @return a new spec
     */
    public ModelSpec withRegularization(Regularization r) {
        return new ModelSpec(cell, cellOptions, vocabSize, embeddingSize, hiddenSize, layers, r, tieWeights, output,
                outputOptions);
    }

    /**
     * A model with the full softmax output layer.
     *
     * @param cell the cell provider's name ({@code elman})
     * @param cellOptions the cell's options as given (validated by the provider)
     * @param vocabSize V
     * @param embeddingSize E
     * @param hiddenSize H
     * @param layers stacked cells (≥ 1)
     * @param dropout dropout probability on embeddings, between layers and on outputs, in [0, 1)
     * @param tieWeights whether the output projection is the transposed embedding (needs E = H)
     */
    public ModelSpec(String cell, Map<String, String> cellOptions, int vocabSize, int embeddingSize, int hiddenSize,
                     int layers, double dropout, boolean tieWeights) {
        this(cell, cellOptions, vocabSize, embeddingSize, hiddenSize, layers, dropout, tieWeights, OUTPUT_SOFTMAX,
                Map.of());
    }

    /**
     * The same model with another output layer.
     *
     * @param name the output layer provider's name
     * @param options its options
     * @return a new spec
     */
    public ModelSpec withOutput(String name, Map<String, String> options) {
        return new ModelSpec(cell, cellOptions, vocabSize, embeddingSize, hiddenSize, layers, regularization, tieWeights,
                name, options);
    }

    /**
     * One layer, no dropout, untied, full softmax.
     *
     * @param cell the cell provider's name ({@code elman})
     * @param cellOptions the cell's options as given (validated by the provider)
     * @param vocabSize V
     * @param embeddingSize E
     * @param hiddenSize H
     */
    public ModelSpec(String cell, Map<String, String> cellOptions, int vocabSize, int embeddingSize, int hiddenSize) {
        this(cell, cellOptions, vocabSize, embeddingSize, hiddenSize, 1, 0, false);
    }
}
