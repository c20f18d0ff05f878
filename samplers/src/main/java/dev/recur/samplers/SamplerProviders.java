package dev.recur.samplers;

import dev.recur.spi.OptionSpec;
import dev.recur.spi.Options;
import dev.recur.spi.Sampler;
import dev.recur.spi.SamplerProvider;
import java.util.List;
import java.util.Map;

/** The built-in sampler providers. */
public final class SamplerProviders {

    private SamplerProviders() {
    }

    private static final OptionSpec TEMPERATURE = new OptionSpec("temperature", "1.0", "divide the logits by T (> 0)");

    /** {@code greedy}. */
    public static final class Greedy implements SamplerProvider {
        public String name() {
            return "greedy";
        }

        public String description() {
            return "always the most likely token";
        }

        public List<OptionSpec> options() {
            return List.of();
        }

        public Sampler create(Map<String, String> options) {
            Options.parse("sampler", this, options);
            return new GreedySampler();
        }
    }

    /** {@code temperature}. */
    public static final class Temperature implements SamplerProvider {
        public String name() {
            return "temperature";
        }

        public String description() {
            return "sample from softmax(logits / T) over the whole vocabulary";
        }

        public List<OptionSpec> options() {
            return List.of(TEMPERATURE);
        }

        public Sampler create(Map<String, String> options) {
            Options o = Options.parse("sampler", this, options);
            return new TemperatureSampler(o.number("temperature", 0, false, 1e6));
        }
    }

    /** {@code top-k}. */
    public static final class TopK implements SamplerProvider {
        public String name() {
            return "top-k";
        }

        public String description() {
            return "sample among the k most likely tokens (with temperature)";
        }

        public List<OptionSpec> options() {
            return List.of(new OptionSpec("k", "40", "number of candidates (>= 1)"), TEMPERATURE);
        }

        public Sampler create(Map<String, String> options) {
            Options o = Options.parse("sampler", this, options);
            return new TopKSampler(o.integer("k", 1, Integer.MAX_VALUE), o.number("temperature", 0, false, 1e6));
        }
    }

    /** {@code top-p}. */
    public static final class TopP implements SamplerProvider {
        public String name() {
            return "top-p";
        }

        public String description() {
            return "nucleus sampling: the smallest set of likely tokens with probability >= p (with temperature)";
        }

        public List<OptionSpec> options() {
            return List.of(new OptionSpec("p", "0.9", "probability mass kept, in (0, 1]"), TEMPERATURE);
        }

        public Sampler create(Map<String, String> options) {
            Options o = Options.parse("sampler", this, options);
            return new TopPSampler(o.number("p", 0, false, 1), o.number("temperature", 0, false, 1e6));
        }
    }
}
