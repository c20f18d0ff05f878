package dev.recur.samplers;

import dev.recur.spi.Sampler;
import java.util.random.RandomGenerator;

/**
 * A draw from softmax(logits / T) over the whole vocabulary without sorting: the probabilities come from the
 * vectorised softmax kernel into a reused buffer, then one inverse-CDF scan.
 *
 * <p>Very small temperatures are the greedy limit, not an overflow: when logits / T would not fit a float
 * (T below about 3e-39, or huge logits with T &lt; 1) the weights are computed in double as
 * exp((x − max) / T), which is 1 for the highest logits and 0 for the others — the most likely token, or one
 * of the tied most likely tokens drawn uniformly, as T → 0.
 */
public final class TemperatureSampler implements Sampler {

    private final double temperature;
    private final dev.recur.math.MathKernels k;
    private float[] p = new float[0];
    private double[] wide = new double[0];

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
        if (temperature < 1 && !floatSafe(logits, off, vocab)) {
            if (wide.length < vocab) {
                wide = new double[vocab];
            }
            double sum = Distributions.weightsAll(logits, off, vocab, temperature, wide);
            return Distributions.draw(wide, vocab, sum, random);
        }
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

    /** Whether every logit / T fits a float with room to spare (the float kernel's path). */
    private boolean floatSafe(float[] logits, int off, int vocab) {
        float inv = 1f / (float) temperature;
        if (!Float.isFinite(inv)) {
            return false;
        }
        float maxAbs = 0f;
        for (int i = 0; i < vocab; i++) {
            maxAbs = Math.max(maxAbs, Math.abs(logits[off + i]));
        }
        return (double) maxAbs * inv < 1e37;
    }
}
