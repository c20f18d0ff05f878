package dev.recur.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.spi.Sampler;
import dev.recur.spi.SamplerProvider;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link Sampler} must keep: ids in range, logits never mutated, the same seed gives the
 * same draws, and — under a fixed seed — the empirical distribution of many draws matches the distribution
 * the sampler claims ({@link #expected(float[])}) within 5 standard errors per token.
 */
public abstract class SamplerContractTest {

    protected static final long SEED = 2024L;
    /** Draws for the empirical check. */
    protected static final int DRAWS = 40_000;
    /** Logits used throughout: distinct values, one tie, a very unlikely token. */
    protected static final float[] LOGITS = {1.0f, 2.5f, -1.0f, 2.5f, 0.3f, -20f, 1.7f, 0.0f};

    /** The provider under test. */
    protected abstract SamplerProvider provider();

    /** Options for the sampler under test. */
    protected Map<String, String> options() {
        return Map.of();
    }

    /** The probability of each token that the sampler should realise for {@code logits}, computed independently. */
    protected abstract double[] expected(float[] logits);

    /** Softmax of logits / T in double precision (a helper for {@link #expected}). */
    protected static double[] softmax(float[] logits, double temperature) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double[] p = new double[logits.length];
        double s = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp((logits[i] - max) / temperature);
            s += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= s;
        }
        return p;
    }

    private int[] draws(Sampler s, long seed, int n, float[] logits, int off) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = s.sample(logits, off, LOGITS.length, r);
        }
        return out;
    }

    @Test
    void drawsMatchTheClaimedDistribution() {
        double[] p = expected(LOGITS);
        assertEquals(1.0, Arrays.stream(p).sum(), 1e-9, "expected() must be a distribution");
        int[] counts = new int[LOGITS.length];
        for (int id : draws(provider().create(options()), SEED, DRAWS, LOGITS, 0)) {
            counts[id]++;
        }
        for (int i = 0; i < p.length; i++) {
            double freq = counts[i] / (double) DRAWS;
            double se = Math.sqrt(p[i] * (1 - p[i]) / DRAWS);
            assertEquals(p[i], freq, 5 * se + 1e-9, "token " + i + ": frequency " + freq + " vs probability " + p[i]
                    + " over " + DRAWS + " draws, seed " + SEED + ", counts " + Arrays.toString(counts));
        }
    }

    @Test
    void sameSeedSameDrawsAndLogitsUntouched() {
        float[] padded = new float[LOGITS.length + 5];
        System.arraycopy(LOGITS, 0, padded, 3, LOGITS.length);
        float[] copy = padded.clone();
        Sampler s = provider().create(options());
        int[] a = draws(s, SEED, 500, padded, 3);
        int[] b = draws(provider().create(options()), SEED, 500, padded, 3);
        assertArrayEquals(a, b, "same seed, same draws");
        assertArrayEquals(copy, padded, "a sampler must not mutate the logits");
        for (int id : a) {
            assertTrue(id >= 0 && id < LOGITS.length, "id out of range: " + id);
        }
        boolean random = Arrays.stream(expected(LOGITS)).filter(x -> x > 0).count() > 1;
        if (random) {
            assertFalse(Arrays.equals(a, draws(s, SEED + 1, 500, padded, 3)), "another seed gives other draws");
        }
    }

    @Test
    void rejectsUnknownOptions() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> provider().create(Map.of("no-such-option", "1")));
        assertTrue(e.getMessage().contains("no-such-option"), e.getMessage());
    }
}
