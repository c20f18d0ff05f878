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
 */
public record ModelSpec(String cell, Map<String, String> cellOptions, int vocabSize, int embeddingSize, int hiddenSize) {

    /** Output layer kind stored in model files. */
    public static final String OUTPUT_SOFTMAX = "softmax";

    public ModelSpec {
        Objects.requireNonNull(cell, "cell");
        cellOptions = java.util.Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(cellOptions, "cellOptions")));
        if (vocabSize < 2) {
            throw new IllegalArgumentException("vocabSize must be >= 2, got " + vocabSize);
        }
        if (embeddingSize <= 0) {
            throw new IllegalArgumentException("embeddingSize must be > 0, got " + embeddingSize);
        }
        if (hiddenSize <= 0) {
            throw new IllegalArgumentException("hiddenSize must be > 0, got " + hiddenSize);
        }
    }
}
