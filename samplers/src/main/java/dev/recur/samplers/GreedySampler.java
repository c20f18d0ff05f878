package dev.recur.samplers;

import dev.recur.spi.Sampler;
import java.util.random.RandomGenerator;

/** The most likely token (the lowest id on ties); ignores the random generator. */
public final class GreedySampler implements Sampler {

    @Override
    public int sample(float[] logits, int off, int vocab, RandomGenerator random) {
        Distributions.checkLogits(logits, off, vocab);
        int best = 0;
        float bestValue = logits[off];
        for (int i = 1; i < vocab; i++) {
            if (logits[off + i] > bestValue) {
                bestValue = logits[off + i];
                best = i;
            }
        }
        return best;
    }
}
