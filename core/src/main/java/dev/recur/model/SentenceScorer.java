package dev.recur.model;

import dev.recur.text.Vocabulary;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Scores sentences independently of each other: each starts from the zero state with the line-start token
 * ({@code <eos>} at word level, a newline at character level) as its context, and its score is the log
 * probability of its tokens followed by the end of the line ({@code <eos>}, or a newline when the character
 * vocabulary has one). Unknown words are scored as {@code <unk>}, as {@code recur eval} and Mikolov's rnnlm
 * do, and counted as OOV.
 *
 * <p>Many sentences are scored at once as the rows of a batch: sorted by length so that little is padded,
 * cut into windows with the state carried, padding rows fed a fixed token whose predictions are ignored. A
 * row's arithmetic does not depend on the other rows, so the results equal scoring one sentence at a time.
 * An instance owns buffers: use one per thread.
 */
public final class SentenceScorer {

    /** Steps per window of the batched forward pass (longer sentences carry their state across windows). */
    public static final int WINDOW = 64;

    private final LanguageModel model;
    private final RnnLanguageModel net;
    private final int batch;
    private final int start;
    private final boolean charLevel;
    private final int newline;
    private final ModelWorkspace ws;
    private final float[] state;
    private final int[] in;
    private final int[] tgt;
    private final double[] logProbs;

    /**
     * The score of one sentence.
     *
     * @param ids the scored token ids, the line end included
     * @param logProbs the natural-log probability of each of {@code ids} given the tokens before it
     * @param oov how many of the sentence's words (characters at character level) are not in the vocabulary
     */
    public record Score(int[] ids, double[] logProbs, int oov) {

        /**
         * Checks the lengths.
         *
         * @param ids the scored token ids, the line end included
         * @param logProbs the natural-log probability of each token
         * @param oov the number of out-of-vocabulary words
         */
        public Score {
            Objects.requireNonNull(ids, "ids");
            Objects.requireNonNull(logProbs, "logProbs");
            if (ids.length != logProbs.length) {
                throw new IllegalArgumentException(ids.length + " ids but " + logProbs.length + " log-probabilities");
            }
        }

        /**
         * The number of scored tokens (the line end included).
         *
         * @return the token count
         */
        public int tokens() {
            return ids.length;
        }

        /**
         * The sentence's log probability, natural log.
         *
         * @return the sum of the tokens' log probabilities
         */
        public double logProb() {
            double s = 0;
            for (double lp : logProbs) {
                s += lp;
            }
            return s;
        }

        /**
         * The sentence's log probability in base 10.
         *
         * @return {@link #logProb()} / ln 10
         */
        public double log10Prob() {
            return logProb() / Math.log(10);
        }

        /**
         * The per-token perplexity of the sentence.
         *
         * @return exp(−logProb / tokens)
         */
        public double perplexity() {
            return Math.exp(-logProb() / tokens());
        }
    }

    /**
     * A scorer over {@code model} that scores up to {@code batch} sentences side by side.
     *
     * @param model the model
     * @param batch the batch rows (1 scores one sentence at a time)
     */
    public SentenceScorer(LanguageModel model, int batch) {
        this.model = Objects.requireNonNull(model, "model");
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        }
        this.net = model.network();
        this.batch = batch;
        this.start = Generator.lastPrimeToken(model, "");
        this.charLevel = model.tokenizer().level().equals("char");
        Vocabulary v = model.vocabulary();
        this.newline = charLevel && v.contains("\n") ? v.id("\n") : -1;
        this.ws = net.newWorkspace(batch, WINDOW);
        this.state = net.newState(batch);
        this.in = new int[batch * WINDOW];
        this.tgt = new int[batch * WINDOW];
        this.logProbs = new double[batch * WINDOW];
    }

    /**
     * The token ids a sentence is scored on: its tokens and the line end.
     *
     * @param sentence one line of text (a line break inside it is scored as one)
     * @return the ids
     */
    public int[] ids(String sentence) {
        int[] ids = model.tokenizer().encode(sentence, model.vocabulary());
        int end = charLevel ? newline : model.vocabulary().eosId();
        if (end >= 0 && (charLevel || ids.length == 0 || ids[ids.length - 1] != end)) {
            ids = Arrays.copyOf(ids, ids.length + 1); // the line end (an empty text encodes to nothing)
            ids[ids.length - 1] = end;
        }
        return ids;
    }

    /**
     * How many of a sentence's words (characters at character level) the vocabulary does not have.
     *
     * @param sentence one line of text
     * @return the OOV count
     */
    public int oov(String sentence) {
        Vocabulary v = model.vocabulary();
        int n = 0;
        if (charLevel) {
            for (int cp : sentence.codePoints().toArray()) {
                if (!v.contains(Character.toString(cp))) {
                    n++;
                }
            }
        } else {
            for (String w : sentence.trim().split("\\s+")) {
                if (!w.isEmpty() && !v.contains(w)) {
                    n++;
                }
            }
        }
        return n;
    }

    /**
     * Scores sentences.
     *
     * @param sentences the sentences, one line each
     * @return their scores, in the same order
     */
    public List<Score> score(List<String> sentences) {
        int n = sentences.size();
        int[][] ids = new int[n][];
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            ids[i] = ids(sentences.get(i));
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(ids[b].length, ids[a].length));
        double[][] lps = new double[n][];
        int[] rows = new int[batch];
        for (int g = 0; g < n; g += batch) {
            int count = Math.min(batch, n - g);
            for (int r = 0; r < count; r++) {
                rows[r] = order[g + r];
                lps[rows[r]] = new double[ids[rows[r]].length];
            }
            scoreGroup(ids, rows, count, lps);
        }
        List<Score> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new Score(ids[i], lps[i], oov(sentences.get(i))));
        }
        return Collections.unmodifiableList(out);
    }

    /** One batch: rows[0..count) are sentence indices, longest first; the other batch rows are padding. */
    private void scoreGroup(int[][] ids, int[] rows, int count, double[][] out) {
        int b = batch;
        int longest = ids[rows[0]].length;
        Arrays.fill(state, 0f);
        for (int pos = 0; pos < longest; pos += WINDOW) {
            int steps = Math.min(WINDOW, longest - pos);
            for (int t = 0; t < steps; t++) {
                int p = pos + t;
                for (int r = 0; r < b; r++) {
                    int[] s = r < count ? ids[rows[r]] : null;
                    boolean real = s != null && p < s.length;
                    in[t * b + r] = real && p > 0 ? s[p - 1] : start;
                    tgt[t * b + r] = real ? s[p] : start;
                }
            }
            net.targetLogProbabilities(ws, steps, in, tgt, state, state, logProbs);
            for (int r = 0; r < count; r++) {
                double[] o = out[rows[r]];
                int end = Math.min(steps, o.length - pos);
                for (int t = 0; t < end; t++) {
                    o[pos + t] = logProbs[t * b + r];
                }
            }
        }
    }
}
