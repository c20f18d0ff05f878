package dev.recur.spi;

import java.util.random.RandomGenerator;

/**
 * Picks the next token id from a row of next-token scores (logits, or any scores whose softmax is the
 * model's distribution: see {@link OutputLayer#nextTokenScores}).
 *
 * <h2>Contract (checked by {@code SamplerContractTest} in recur-testkit)</h2>
 * <ul>
 *   <li>The draws follow the distribution the sampler claims (for {@code temperature} softmax(scores/T),
 *       for {@code top-k} that renormalised over the k best, …): checked empirically under a fixed seed.
 *   <li>The scores are read only (never mutated); the result is an id in [0, vocab).
 *   <li>All randomness comes from the explicitly passed generator: the same seed gives the same draws (and so
 *       the same text); another seed gives other draws when the distribution is not a single token.
 *   <li>A sampler may keep scratch buffers between calls (so it is not thread-safe) but no other state.
 *   <li>Its provider rejects unknown options with a message naming them.
 * </ul>
 */
public interface Sampler {

    /**
     * Draws the next token.
     *
     * @param logits unnormalised scores, {@code logits[off .. off+vocab)}
     * @param off index of the first score
     * @param vocab the number of scores (the vocabulary size)
     * @param random the only source of randomness
     * @return a token id in [0, vocab)
     */
    int sample(float[] logits, int off, int vocab, RandomGenerator random);
}
