package dev.recur.cells;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.recur.math.Activation;
import dev.recur.math.Kernels;
import dev.recur.math.MathKernels;
import dev.recur.model.LanguageModel;
import dev.recur.model.ModelWorkspace;
import dev.recur.model.RnnLanguageModel;
import dev.recur.model.SentenceScorer;
import dev.recur.spi.Cell;
import dev.recur.text.CharTokenizer;
import dev.recur.text.Tokenizer;
import dev.recur.text.Vocabulary;
import dev.recur.text.WordTokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Sentence scoring: batched equals one at a time (bit for bit), and both equal a token-by-token reference. */
class SentenceScorerTest {

    static final long SEED = 21L;
    static final String TRAIN = "the cat sat on the mat\nthe dog sat on the log\na cat and a dog\n";

    static LanguageModel model(Tokenizer tok, String text, String cell, long seed) {
        MathKernels k = Kernels.get();
        Vocabulary v = tok.buildVocabulary(text);
        Cell c = switch (cell) {
            case "lstm" -> new LstmCell(6, 10, 1.0, seed, k);
            case "gru" -> new GruCell(6, 10, 1.0, seed, k);
            default -> new ElmanCell(6, 10, Activation.TANH, Initialization.UNIFORM, 1.5, seed, k);
        };
        RnnLanguageModel net = new RnnLanguageModel(v.size(), 6, c, seed, k);
        SplittableRandom r = new SplittableRandom(seed);
        float[] u = net.parameter("U").value();
        for (int i = 0; i < u.length; i++) {
            u[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return new LanguageModel(net, tok, v);
    }

    /** Random sentences over the vocabulary's words plus an unknown one, lengths 0 to 150 (several windows). */
    static List<String> sentences(LanguageModel lm, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<String> words = new ArrayList<>(List.of("the", "cat", "sat", "on", "mat", "dog", "log", "a", "and",
                "zebra"));
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int len = i == 3 ? 0 : i == 5 ? 150 : r.nextInt(1, 30);
            StringBuilder sb = new StringBuilder();
            for (int w = 0; w < len; w++) {
                sb.append(w == 0 ? "" : " ").append(words.get(r.nextInt(words.size())));
            }
            out.add(sb.toString());
        }
        return out;
    }

    /** log p of each token of {@code ids} after the start token, fed one token at a time, softmax in doubles. */
    static double[] reference(LanguageModel lm, int start, int[] ids) {
        RnnLanguageModel net = lm.network();
        ModelWorkspace ws = net.newWorkspace(1, 1);
        float[] state = net.newState(1);
        float[] logits = new float[net.vocabSize()];
        double[] out = new double[ids.length];
        int prev = start;
        for (int t = 0; t < ids.length; t++) {
            net.logitsAfter(ws, 1, new int[] {prev}, state, state, logits);
            double max = Double.NEGATIVE_INFINITY;
            for (float l : logits) {
                max = Math.max(max, l);
            }
            double z = 0;
            for (float l : logits) {
                z += Math.exp(l - max);
            }
            out[t] = logits[ids[t]] - max - Math.log(z);
            prev = ids[t];
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"elman", "lstm", "gru"})
    void batchedScoresEqualOneAtATimeBitForBit(String cell) {
        LanguageModel lm = model(new WordTokenizer(), TRAIN, cell, SEED);
        List<String> ss = sentences(lm, 23, SEED);
        List<SentenceScorer.Score> batched = new SentenceScorer(lm, 8).score(ss);
        SentenceScorer one = new SentenceScorer(lm, 1);
        for (int i = 0; i < ss.size(); i++) {
            SentenceScorer.Score single = one.score(List.of(ss.get(i))).get(0);
            assertArrayEquals(single.ids(), batched.get(i).ids(), "sentence " + i + ", seed " + SEED);
            assertArrayEquals(single.logProbs(), batched.get(i).logProbs(), 0.0,
                    cell + " sentence " + i + " (" + single.tokens() + " tokens), seed " + SEED);
        }
    }

    @Test
    void scoresAreTheChainRuleOfTheNextTokenDistribution() {
        LanguageModel lm = model(new WordTokenizer(), TRAIN, "elman", SEED);
        List<String> ss = sentences(lm, 9, SEED + 1);
        SentenceScorer scorer = new SentenceScorer(lm, 4);
        List<SentenceScorer.Score> scores = scorer.score(ss);
        int eos = lm.vocabulary().eosId();
        for (int i = 0; i < ss.size(); i++) {
            SentenceScorer.Score s = scores.get(i);
            int words = ss.get(i).isBlank() ? 0 : ss.get(i).split(" ").length;
            assertEquals(words + 1, s.tokens(), "the line end is scored too");
            assertEquals(eos, s.ids()[s.tokens() - 1]);
            assertArrayEquals(reference(lm, eos, s.ids()), s.logProbs(), 1e-4, "sentence " + i + ", seed " + SEED);
            long zebras = java.util.Arrays.stream(ss.get(i).split(" ")).filter("zebra"::equals).count();
            assertEquals(zebras, s.oov(), "zebra is the only unknown word");
            assertEquals(Math.exp(-s.logProb() / s.tokens()), s.perplexity(), 1e-9);
            assertEquals(s.logProb() / Math.log(10), s.log10Prob(), 1e-9);
        }
    }

    @Test
    void characterModelsScoreTheNewlineAndCountUnknownCharacters() {
        LanguageModel lm = model(new CharTokenizer(), TRAIN, "elman", SEED);
        SentenceScorer scorer = new SentenceScorer(lm, 3);
        List<String> ss = List.of("the cat", "", "a dog and a zebra", "xyz");
        List<SentenceScorer.Score> scores = scorer.score(ss);
        int nl = lm.vocabulary().id("\n");
        for (int i = 0; i < ss.size(); i++) {
            SentenceScorer.Score s = scores.get(i);
            assertEquals(ss.get(i).length() + 1, s.tokens());
            assertEquals(nl, s.ids()[s.tokens() - 1]);
            assertArrayEquals(reference(lm, nl, s.ids()), s.logProbs(), 1e-4, "sentence " + i + ", seed " + SEED);
        }
        assertEquals(List.of(0, 0, 3, 3), scores.stream().map(SentenceScorer.Score::oov).toList()); // z, b, r; x, y, z
    }
}
