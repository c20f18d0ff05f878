package dev.recur.serve;

import dev.recur.model.Generator;
import dev.recur.model.LanguageModel;
import dev.recur.model.ModelSpec;
import dev.recur.model.SentenceScorer;
import dev.recur.spi.Parameter;
import dev.recur.spi.Providers;
import dev.recur.spi.Sampler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * What the server does with its model, without HTTP: completions and scores. The weights are shared and only
 * read; every call makes its own buffers (a generator or a scorer), so calls may run on many threads at once.
 */
public final class ModelService {

    private final String name;
    private final LanguageModel model;
    private final Providers providers;
    private final Map<String, String> training;

    /**
     * A service over {@code model}.
     *
     * @param name the model's name in the API (e.g. its file name)
     * @param model the model (its kernels should be single-threaded: requests run side by side)
     * @param providers the samplers (and the rest) by name
     * @param training how the model was trained (shown by {@code GET /v1/models}); may be empty
     */
    public ModelService(String name, LanguageModel model, Providers providers, Map<String, String> training) {
        this.name = Objects.requireNonNull(name, "name");
        this.model = Objects.requireNonNull(model, "model");
        this.providers = Objects.requireNonNull(providers, "providers");
        this.training = Map.copyOf(training);
    }

    /**
     * The model's name in the API.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * The model.
     *
     * @return the model
     */
    public LanguageModel model() {
        return model;
    }

    /**
     * The sampler of a request.
     *
     * @param sampler a sampler name, or null for the one the other fields imply
     * @param temperature the temperature, or null
     * @param topK top-k's k, or null
     * @param topP top-p's p, or null
     * @return the sampler
     * @throws ApiException (400) for an unknown sampler or options it refuses
     */
    public Sampler sampler(String sampler, Double temperature, Integer topK, Double topP) {
        if (topK != null && topP != null) {
            throw new ApiException(400, "top_k", "top_k and top_p choose different samplers; give one of them");
        }
        String s = sampler != null ? sampler : topK != null ? "top-k" : topP != null ? "top-p" : "temperature";
        if (!providers.samplers().contains(s)) {
            throw new ApiException(400, "sampler", "unknown sampler '" + s + "' (known: "
                    + String.join(", ", providers.samplers().names()) + ")");
        }
        Map<String, String> opts = new LinkedHashMap<>();
        if (temperature != null && !s.equals("greedy")) {
            opts.put("temperature", String.valueOf(temperature));
        }
        if (topK != null) {
            opts.put("k", String.valueOf(topK));
        }
        if (topP != null) {
            opts.put("p", String.valueOf(topP));
        }
        try {
            return providers.samplers().get(s).create(opts);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "sampler", e.getMessage());
        }
    }

    /** One generated text. */
    public record Completion(String text, int tokens, String finishReason) {
    }

    /**
     * Generates {@code maxTokens} tokens (fewer when a stop sequence appears, the deadline passes or
     * {@code out} refuses more) after {@code prompt}.
     *
     * @param prompt the prompt
     * @param maxTokens the most tokens
     * @param sampler the sampler
     * @param random the randomness
     * @param stops stop sequences: the text ends before the first one that appears (it is not returned)
     * @param deadlineNanos {@link System#nanoTime()} after which generation stops with reason {@code timeout}
     * @param out each piece of text as it becomes final (stop sequences held back until they cannot start);
     *            false stops the generation with reason {@code cancelled}
     * @return the text, the tokens generated and why it stopped ({@code length}, {@code stop}, {@code timeout},
     *         {@code cancelled})
     */
    public Completion complete(String prompt, int maxTokens, Sampler sampler, SplittableRandom random,
                               List<String> stops, long deadlineNanos, Predicate<String> out) {
        StopFilter filter = new StopFilter(stops);
        String[] reason = {"length"};
        int[] ids = new Generator(model).generateWhile(prompt, maxTokens, sampler, random, false, piece -> {
            String ready = filter.accept(piece);
            if (!ready.isEmpty() && !out.test(ready)) {
                reason[0] = "cancelled";
                return false;
            }
            if (filter.stopped()) {
                reason[0] = "stop";
                return false;
            }
            if (System.nanoTime() - deadlineNanos > 0) {
                reason[0] = "timeout";
                return false;
            }
            return true;
        });
        if (!filter.stopped()) {
            String rest = filter.flush();
            if (!rest.isEmpty()) {
                out.test(rest);
            }
        }
        return new Completion(filter.text(), ids.length, reason[0]);
    }

    /**
     * The prompt's token count as generation feeds it.
     *
     * @param prompt the prompt
     * @return the tokens fed before the first generated one (at least 1: an empty prompt starts a line)
     */
    public int promptTokens(String prompt) {
        return Generator.primeIds(model, prompt).length;
    }

    /**
     * Scores texts, each on its own (see {@link SentenceScorer}).
     *
     * @param texts the texts
     * @return their scores, in order
     */
    public List<SentenceScorer.Score> score(List<String> texts) {
        return new SentenceScorer(model, Math.min(32, Math.max(1, texts.size()))).score(texts);
    }

    /**
     * The model's description for {@code GET /v1/models}.
     *
     * @return name, spec, vocabulary size, parameters, tokenizer level and how it was trained
     */
    public Map<String, Object> describe() {
        ModelSpec s = model.network().spec();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", name);
        m.put("object", "model");
        m.put("owned_by", "recur");
        long params = 0;
        for (Parameter p : model.network().parameters()) {
            params += p.size();
        }
        m.put("parameters", params);
        m.put("vocabulary_size", model.vocabulary().size());
        m.put("level", model.tokenizer().level());
        m.put("weights", model.network().weightFormat().id());
        if (s != null) {
            Map<String, Object> spec = new LinkedHashMap<>();
            spec.put("cell", s.cell());
            spec.put("cell_options", s.cellOptions());
            spec.put("embedding_size", s.embeddingSize());
            spec.put("hidden_size", s.hiddenSize());
            spec.put("layers", s.layers());
            spec.put("dropout", s.dropout());
            spec.put("regularization", s.regularization().describe());
            spec.put("tie_weights", s.tieWeights());
            spec.put("output", s.output());
            spec.put("output_options", s.outputOptions());
            m.put("spec", spec);
        }
        m.put("training", training);
        return m;
    }

    /**
     * Holds back text that may be the start of a stop sequence, so that a stop sequence is never sent even when
     * it arrives in several pieces.
     */
    static final class StopFilter {
        private final List<String> stops;
        private final StringBuilder text = new StringBuilder(); // everything accepted and final
        private final StringBuilder pending = new StringBuilder();
        private boolean stopped;

        StopFilter(List<String> stops) {
            this.stops = new ArrayList<>(stops);
        }

        /** Takes a piece; returns the text that became final (possibly empty). */
        String accept(String piece) {
            if (stopped) {
                return "";
            }
            pending.append(piece);
            int cut = -1;
            for (String s : stops) {
                int i = pending.indexOf(s);
                if (i >= 0 && (cut < 0 || i < cut)) {
                    cut = i;
                }
            }
            if (cut >= 0) {
                stopped = true;
                String ready = pending.substring(0, cut);
                text.append(ready);
                pending.setLength(0);
                return ready;
            }
            // keep the longest tail of pending that is a proper prefix of some stop sequence
            int keep = 0;
            for (String s : stops) {
                for (int len = Math.min(s.length() - 1, pending.length()); len > keep; len--) {
                    if (pending.toString().regionMatches(pending.length() - len, s, 0, len)) {
                        keep = len;
                        break;
                    }
                }
            }
            String ready = pending.substring(0, pending.length() - keep);
            pending.delete(0, pending.length() - keep);
            text.append(ready);
            return ready;
        }

        boolean stopped() {
            return stopped;
        }

        /** The held-back text at the end (no stop sequence came). */
        String flush() {
            String rest = pending.toString();
            text.append(rest);
            pending.setLength(0);
            return rest;
        }

        String text() {
            return text.toString();
        }
    }
}
