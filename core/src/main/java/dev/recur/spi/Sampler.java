package dev.recur.spi;

import java.util.random.RandomGenerator;

/**
 * Picks the next token id from a row of logits.
 *
 * <p>Rules: the logits are read only (never mutated); all randomness comes from the explicitly passed
 * generator, so the same seed gives the same text; a sampler may keep scratch buffers between calls (so it
 * is not thread-safe) but no other state.
 */
public interface Sampler {

    /**
     * @param logits unnormalised scores, {@code logits[off .. off+vocab)}
     * @return a token id in [0, vocab)
     */
    int sample(float[] logits, int off, int vocab, RandomGenerator random);
}
