package dev.recur.samplers;

import dev.recur.spi.Sampler;
import java.util.random.RandomGenerator;

/** A draw from softmax(logits / T) over the whole vocabulary, in one pass without sorting. */
public final class TemperatureSampler implements Sampler {

    private final double temperature;
    private double[] w = new double[0];

    public TemperatureSampler(double temperature) {
        Distributions.checkTemperature(temperature);
        this.temperature = temperature;
    }

    @Override
    public int sample(float[] logits, int off, int vocab, RandomGenerator random) {
        Distributions.checkLogits(logits, off, vocab);
        if (w.length < vocab) {
            w = new double[vocab];
        }
        double sum = Distributions.weightsAll(logits, off, vocab, temperature, w);
        return Distributions.draw(w, vocab, sum, random);
    }
}
