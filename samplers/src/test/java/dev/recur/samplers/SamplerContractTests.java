package dev.recur.samplers;

import dev.recur.spi.Sampler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.recur.spi.SamplerProvider;
import dev.recur.testkit.SamplerContractTest;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Every built-in sampler against the testkit contract, with independently computed distributions. */
class SamplerContractTests {

    /** Keeps only the given ids of p and renormalises. */
    static double[] restrict(double[] p, int[] keep) {
        double[] q = new double[p.length];
        double s = 0;
        for (int i : keep) {
            q[i] = p[i];
            s += p[i];
        }
        for (int i = 0; i < q.length; i++) {
            q[i] /= s;
        }
        return q;
    }

    static int[] byDescendingLogit(float[] logits) {
        return IntStream.range(0, logits.length).boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> -logits[i]).thenComparingInt(i -> i))
                .mapToInt(Integer::intValue).toArray();
    }

    @Nested
    class Greedy extends SamplerContractTest {
        protected SamplerProvider provider() {
            return new SamplerProviders.Greedy();
        }

        protected double[] expected(float[] logits) {
            double[] p = new double[logits.length];
            p[byDescendingLogit(logits)[0]] = 1; // ties: lowest id
            return p;
        }
    }

    @Nested
    class Temperature extends SamplerContractTest {
        protected SamplerProvider provider() {
            return new SamplerProviders.Temperature();
        }

        protected Map<String, String> options() {
            return Map.of("temperature", "0.7");
        }

        protected double[] expected(float[] logits) {
            return softmax(logits, 0.7);
        }
    }

    @Nested
    class TopK extends SamplerContractTest {
        protected SamplerProvider provider() {
            return new SamplerProviders.TopK();
        }

        protected Map<String, String> options() {
            return Map.of("k", "3", "temperature", "1.5");
        }

        protected double[] expected(float[] logits) {
            return restrict(softmax(logits, 1.5), Arrays.copyOf(byDescendingLogit(logits), 3));
        }
    }

    @Nested
    class TopP extends SamplerContractTest {
        protected SamplerProvider provider() {
            return new SamplerProviders.TopP();
        }

        protected Map<String, String> options() {
            return Map.of("p", "0.8", "temperature", "1.2");
        }

        protected double[] expected(float[] logits) {
            double[] p = softmax(logits, 1.2);
            int[] order = byDescendingLogit(logits);
            double cum = 0;
            int n = 0;
            while (cum < 0.8) {
                cum += p[order[n++]];
            }
            return restrict(p, Arrays.copyOf(order, n));
        }
    }

    @Test
    void topKWithKAboveTheVocabularyIsTemperatureSampling() {
        float[] logits = {0.1f, 0.2f};
        TopKSampler s = new TopKSampler(50, 1);
        int[] c = new int[2];
        var r = new java.util.SplittableRandom(3);
        for (int i = 0; i < 10000; i++) {
            c[s.sample(logits, 0, 2, r)]++;
        }
        assertEquals(Math.exp(0.1) / (Math.exp(0.1) + Math.exp(0.2)), c[0] / 10000.0, 0.03);
    }

    @Test
    void aHugeKIsCappedToTheVocabularyInsteadOfAllocated() {
        // 2e9 candidates would be 24 GB of buffers: k is capped to the vocabulary at the first draw
        Sampler s = new SamplerProviders.TopK().create(Map.of("k", "2000000000"));
        float[] logits = {0.5f, -1f, 2f, 0f};
        int[] c = new int[4];
        var r = new java.util.SplittableRandom(5);
        for (int i = 0; i < 20000; i++) {
            c[s.sample(logits, 0, 4, r)]++;
        }
        double z = Math.exp(0.5) + Math.exp(-1) + Math.exp(2) + 1;
        assertEquals(Math.exp(2) / z, c[2] / 20000.0, 0.02, "seed 5");
    }

    @Test
    void temperaturesTooSmallForAFloatAreTheGreedyLimit() {
        float[] logits = {0.5f, 3f, -2f, 2.999f, 1f};
        for (double t : new double[] {1e-39, 1e-45, Double.MIN_VALUE, 1e-300}) {
            Sampler s = new SamplerProviders.Temperature().create(Map.of("temperature", String.valueOf(t)));
            var r = new java.util.SplittableRandom(9);
            for (int i = 0; i < 200; i++) {
                assertEquals(1, s.sample(logits, 0, logits.length, r), "temperature " + t + " must pick the argmax");
            }
        }
        // tied maxima: the T -> 0 limit is uniform over them
        float[] tied = {1f, 4f, 4f, 0f};
        Sampler s = new SamplerProviders.Temperature().create(Map.of("temperature", "1e-40"));
        var r = new java.util.SplittableRandom(11);
        int[] c = new int[4];
        for (int i = 0; i < 4000; i++) {
            c[s.sample(tied, 0, 4, r)]++;
        }
        assertEquals(0, c[0] + c[3], "only the tied maxima");
        assertEquals(0.5, c[1] / 4000.0, 0.05, "uniform over the tied maxima (seed 11)");
        // huge logits with a small temperature: no NaN, still the argmax
        float[] huge = {3e37f, -3e37f, 2.9e37f};
        assertEquals(0, new TemperatureSampler(0.5).sample(huge, 0, 3, new java.util.SplittableRandom(1)));
    }

    private static int[] draws(Sampler s, float[] logits, int n, long seed) {
        int[] c = new int[logits.length];
        var r = new java.util.SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            c[s.sample(logits, 0, logits.length, r)]++;
        }
        return c;
    }

    @Test
    void kEqualToTheVocabularyAndPOfOneCutNothing() {
        float[] logits = {0.5f, -1f, 2f, 0f};
        double[] full = new double[logits.length];
        double z = 0;
        for (int i = 0; i < full.length; i++) {
            full[i] = Math.exp(logits[i] / 1.3);
            z += full[i];
        }
        for (int i = 0; i < full.length; i++) {
            full[i] /= z;
        }
        int[] k = draws(new TopKSampler(4, 1.3), logits, 40_000, 21);
        int[] p = draws(new TopPSampler(1.0, 1.3), logits, 40_000, 22);
        for (int i = 0; i < 4; i++) {
            assertEquals(full[i], k[i] / 40_000.0, 0.01, "top-k, k = |V|, id " + i + " (seed 21)");
            assertEquals(full[i], p[i] / 40_000.0, 0.01, "top-p, p = 1, id " + i + " (seed 22)");
        }
    }

    @Test
    void tiesAtTheCutOffKeepTheLowerIds() {
        // three tokens tie for the top; k = 2 keeps the two lowest ids of them, each with probability 1/2
        float[] tied = {1f, 3f, 3f, 3f, 0f};
        int[] k = draws(new TopKSampler(2, 1), tied, 8000, 31);
        assertEquals(0, k[0] + k[3] + k[4], "only ids 1 and 2 survive the cut");
        assertEquals(0.5, k[1] / 8000.0, 0.03, "seed 31");
        // top-p: three equal tokens of probability ≈ 0.31 each; p = 0.5 is reached after two of them (lower ids)
        float[] equal = {2f, 2f, 2f, 0f};
        int[] p = draws(new TopPSampler(0.5, 1), equal, 8000, 32);
        assertEquals(0, p[2] + p[3], "the third equal token lies past the cut");
        assertEquals(0.5, p[0] / 8000.0, 0.03, "seed 32");
    }

    @Test
    void temperatureToZeroIsGreedyForTheTruncatingSamplersToo() {
        float[] logits = {0.5f, 3f, -2f, 2.999f, 1f};
        for (double t : new double[] {1e-39, 1e-300}) {
            assertEquals(8000, draws(new TopKSampler(3, t), logits, 8000, 41)[1], "top-k, temperature " + t);
            assertEquals(8000, draws(new TopPSampler(0.9, t), logits, 8000, 42)[1], "top-p, temperature " + t);
        }
    }

    @Test
    void invalidOptionsAreClear() {
        assertEquals("option 'temperature' of sampler 'temperature' must be a number in (0, 1000000], got '0'",
                assertThrows(IllegalArgumentException.class,
                        () -> new SamplerProviders.Temperature().create(Map.of("temperature", "0"))).getMessage());
        assertEquals("option 'k' of sampler 'top-k' must be an integer in [1, 2147483647], got '0'",
                assertThrows(IllegalArgumentException.class,
                        () -> new SamplerProviders.TopK().create(Map.of("k", "0"))).getMessage());
        assertEquals("option 'p' of sampler 'top-p' must be a number in (0, 1], got '1.5'",
                assertThrows(IllegalArgumentException.class,
                        () -> new SamplerProviders.TopP().create(Map.of("p", "1.5"))).getMessage());
    }
}
