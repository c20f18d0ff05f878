package dev.recur.samplers;

import dev.recur.spi.Sampler;
import java.util.random.RandomGenerator;

/**
 * A draw from softmax(logits / T) over the whole vocabulary without sorting: the probabilities come from the
 * vectorised softmax kernel into a reused buffer, then one inverse-CDF scan.
 */
public final class TemperatureSampler implements Sampler {

    private final double temperature;
    private final dev.recur.math.MathKernels k;
    private float[] p = new float[0];

    public TemperatureSampler(double temperature) {
        this(temperature, dev.recur.math.Kernels.get());
    }

    public TemperatureSampler(double temperature, dev.recur.math.MathKernels kernels) {
        Distributions.checkTemperature(temperature);
        this.temperature = temperature;
        this.k = kernels;
    }

    @Override
    public int sample(float[] logits, int off, int vocab, RandomGenerator random) {
        Distributions.checkLogits(logits, off, vocab);
        if (p.length < vocab) {
            p = new float[vocab];
        }
        k.softmax(vocab, logits, off, (float) temperature, p, 0);
        double u = random.nextDouble();
        double c = 0;
        for (int i = 0; i < vocab; i++) {
            c += p[i];
            if (u < c) {
                return i;
            }
        }
        // u fell into the rounding gap at the top of the CDF: the last token with any mass
        for (int i = vocab - 1; i >= 0; i--) {
            if (p[i] > 0) {
                return i;
            }
        }
        return vocab - 1;
    }
}
