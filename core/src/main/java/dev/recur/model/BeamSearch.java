package dev.recur.model;

import dev.recur.math.MathKernels;
import java.util.Arrays;

/**
 * Beam search for the most likely continuation of a prime text: the {@code width} best partial sequences are
 * kept, each a batch row of one model workspace, so every step is one batched forward. Scores are summed
 * log-probabilities; the final choice divides them by the GNMT length penalty ((5 + len)/6)^α (α = 0: none).
 * With {@code stopAtEos}, a beam that produced {@code <eos>} is finished and kept as it is. Deterministic.
 */
public final class BeamSearch {

    /**
     * The best hypothesis a search found.
     *
     * @param tokens  the continuation (ids, prime excluded)
     * @param logProb its total log-probability under the model
     * @param score   logProb / lengthPenalty
     */
    public record Result(int[] tokens, double logProb, double score) {
    }

    private BeamSearch() {
    }

    /**
     * GNMT length penalty ((5 + len) / 6)^α.
     *
     * @param length the hypothesis length in tokens
     * @param alpha the exponent α (0: no penalty)
     * @return length^α
     */
    public static double lengthPenalty(int length, double alpha) {
        return Math.pow((5.0 + length) / 6.0, alpha);
    }

    /**
     * Beam search for the most likely continuation of {@code prime}.
     *
     * @param lm the model
     * @param prime the text to continue (may be empty)
     * @param length the most tokens to generate (≥ 1)
     * @param width the beam width (≥ 1)
     * @param alpha the length penalty α: hypotheses are ranked by their log-probability divided by length^α
     * @param stopAtEos whether a hypothesis ends at {@code <eos>}
     * @return the best hypothesis
     */
    public static Result search(LanguageModel lm, String prime, int length, int width, double alpha, boolean stopAtEos) {
        if (length < 1) {
            throw new IllegalArgumentException("length must be >= 1, got " + length);
        }
        if (width < 1 || width > 4096) {
            throw new IllegalArgumentException("width must be in [1, 4096], got " + width);
        }
        if (!(alpha >= 0) || !Double.isFinite(alpha)) {
            throw new IllegalArgumentException("length penalty must be a finite number >= 0, got " + alpha);
        }
        RnnLanguageModel net = lm.network();
        MathKernels k = net.kernels();
        int v = net.vocabSize();
        int s = net.stateSize();
        int eos = lm.vocabulary().eosId();
        // feed the prime into one row, then copy its state to every beam
        float[] one = new Generator(lm).primeState(prime);
        int last = Generator.lastPrimeToken(lm, prime);
        float[] state = new float[width * s];
        for (int b = 0; b < width; b++) {
            System.arraycopy(one, 0, state, b * s, s);
        }
        ModelWorkspace ws = net.newWorkspace(width, 1);
        float[] logits = new float[width * v];
        int[] input = new int[width];
        Arrays.fill(input, last);
        int[][] seq = new int[width][length];
        int[][] nextSeq = new int[width][length];
        int[] len = new int[width];
        int[] nextLen = new int[width];
        double[] score = new double[width];
        double[] nextScore = new double[width];
        boolean[] done = new boolean[width];
        boolean[] nextDone = new boolean[width];
        Arrays.fill(score, Double.NEGATIVE_INFINITY);
        score[0] = 0; // one live beam at the start: no duplicates
        float[] nextState = new float[width * s];
        double[] logZ = new double[width];
        // candidates: (score, parent, token); token = -1 keeps a finished beam as it is
        double[] cScore = new double[width];
        int[] cParent = new int[width];
        int[] cToken = new int[width];
        for (int step = 0; step < length; step++) {
            net.logitsAfter(ws, 1, input, state, state, logits);
            for (int b = 0; b < width; b++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < v; j++) {
                    max = Math.max(max, logits[b * v + j]);
                }
                double sum = 0;
                for (int j = 0; j < v; j++) {
                    sum += Math.exp(logits[b * v + j] - max);
                }
                logZ[b] = max + Math.log(sum);
            }
            int n = 0;
            for (int b = 0; b < width; b++) {
                if (score[b] == Double.NEGATIVE_INFINITY) {
                    continue;
                }
                if (done[b]) {
                    n = offer(cScore, cParent, cToken, n, width, score[b], b, -1);
                    continue;
                }
                for (int j = 0; j < v; j++) {
                    double sc = score[b] + logits[b * v + j] - logZ[b];
                    n = offer(cScore, cParent, cToken, n, width, sc, b, j);
                }
            }
            Arrays.fill(nextScore, Double.NEGATIVE_INFINITY);
            for (int c = 0; c < n; c++) {
                int p = cParent[c];
                System.arraycopy(seq[p], 0, nextSeq[c], 0, len[p]);
                nextLen[c] = len[p];
                nextDone[c] = done[p];
                if (cToken[c] >= 0) {
                    nextSeq[c][nextLen[c]++] = cToken[c];
                    nextDone[c] = stopAtEos && cToken[c] == eos;
                }
                nextScore[c] = cScore[c];
                System.arraycopy(state, p * s, nextState, c * s, s);
                input[c] = cToken[c] >= 0 ? cToken[c] : input[p];
            }
            int[][] ts = seq;
            seq = nextSeq;
            nextSeq = ts;
            int[] tl = len;
            len = nextLen;
            nextLen = tl;
            double[] tsc = score;
            score = nextScore;
            nextScore = tsc;
            boolean[] td = done;
            done = nextDone;
            nextDone = td;
            float[] tst = state;
            state = nextState;
            nextState = tst;
            boolean allDone = true;
            for (int b = 0; b < n; b++) {
                allDone &= done[b];
            }
            if (allDone) {
                break;
            }
        }
        int best = -1;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int b = 0; b < width; b++) {
            if (score[b] == Double.NEGATIVE_INFINITY) {
                continue;
            }
            double normalized = score[b] / lengthPenalty(len[b], alpha);
            if (normalized > bestScore) {
                bestScore = normalized;
                best = b;
            }
        }
        return new Result(Arrays.copyOf(seq[best], len[best]), score[best], bestScore);
    }

    /** Keeps the {@code width} best candidates (ties: the earlier one), sorted by descending score. */
    private static int offer(double[] sc, int[] parent, int[] token, int n, int width, double score, int p, int t) {
        if (n == width && !(score > sc[n - 1])) {
            return n;
        }
        int i = n == width ? n - 1 : n;
        while (i > 0 && score > sc[i - 1]) {
            sc[i] = sc[i - 1];
            parent[i] = parent[i - 1];
            token[i] = token[i - 1];
            i--;
        }
        sc[i] = score;
        parent[i] = p;
        token[i] = t;
        return n == width ? n : n + 1;
    }
}
