package dev.recur.samplers;

import dev.recur.spi.Sampler;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Nucleus sampling (Holtzman et al. 2020): the smallest set of most likely tokens whose tempered probability
 * reaches p, renormalised. Candidates are ordered by a primitive sort of (probability, id) keys in a reused
 * scratch buffer; ties prefer lower ids.
 */
public final class TopPSampler implements Sampler {

    private final double p;
    private final double temperature;
    private long[] keys = new long[0];
    private double[] w = new double[0];
    private int[] idx = new int[0];

    public TopPSampler(double p, double temperature) {
        if (!(p > 0 && p <= 1)) {
            throw new IllegalArgumentException("p must be in (0, 1], got " + p);
        }
        Distributions.checkTemperature(temperature);
        this.p = p;
        this.temperature = temperature;
    }

    @Override
    public int sample(float[] logits, int off, int vocab, RandomGenerator random) {
        Distributions.checkLogits(logits, off, vocab);
        if (keys.length < vocab) {
            keys = new long[vocab];
            w = new double[vocab];
            idx = new int[vocab];
        }
        double sum = Distributions.weightsAll(logits, off, vocab, temperature, w);
        for (int i = 0; i < vocab; i++) {
            // non-negative float bits sort like the floats; the low half orders ties by descending id
            keys[i] = ((long) Float.floatToIntBits((float) w[i]) << 32) | (0xFFFFFFFFL & ~i);
        }
        Arrays.sort(keys, 0, vocab);
        double target = p * sum;
        double cum = 0;
        int n = 0;
        for (int j = vocab - 1; j >= 0; j--) {
            int id = ~((int) keys[j]);
            idx[n++] = id;
            cum += w[id];
            if (cum >= target) {
                break;
            }
        }
        double kept = 0;
        for (int i = 0; i < n; i++) {
            kept += w[idx[i]];
        }
        double u = random.nextDouble() * kept;
        double c = 0;
        for (int i = 0; i < n; i++) {
            c += w[idx[i]];
            if (u < c) {
                return idx[i];
            }
        }
        return idx[n - 1];
    }
}
