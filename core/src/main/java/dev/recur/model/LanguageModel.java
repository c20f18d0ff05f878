package dev.recur.model;

import dev.recur.text.Tokenizer;
import dev.recur.text.Vocabulary;
import java.util.Objects;

/**
 * A network together with the tokenizer and vocabulary it was trained with: what a model file holds and what
 * generation and evaluation of raw text need.
 *
 * @param network    the network (weights, cells, output layer)
 * @param tokenizer  how text becomes token ids
 * @param vocabulary the tokens, in id order
 */
public record LanguageModel(RnnLanguageModel network, Tokenizer tokenizer, Vocabulary vocabulary) {
    /**
     * Checks that the vocabulary has the network's size.
     *
     * @param network    the network (weights, cells, output layer)
     * @param tokenizer  how text becomes token ids
     * @param vocabulary the tokens, in id order
     */
    public LanguageModel {
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(tokenizer, "tokenizer");
        Objects.requireNonNull(vocabulary, "vocabulary");
        if (vocabulary.size() != network.vocabSize()) {
            throw new IllegalArgumentException("vocabulary has " + vocabulary.size() + " tokens, the network "
                    + network.vocabSize());
        }
    }
}
