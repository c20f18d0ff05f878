package dev.recur.cells;

import dev.recur.model.ModelWorkspace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.math.Activation;
import dev.recur.math.Kernels;
import dev.recur.model.BeamSearch;
import dev.recur.model.Generator;
import dev.recur.model.LanguageModel;
import dev.recur.model.RnnLanguageModel;
import dev.recur.text.CharTokenizer;
import dev.recur.text.Vocabulary;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Beam search against greedy decoding and against exhaustive search. */
class BeamSearchTest {

    static final long SEED = 8L;

    static LanguageModel model(String alphabet, long seed) {
        CharTokenizer tok = new CharTokenizer();
        Vocabulary v = tok.buildVocabulary(alphabet);
        RnnLanguageModel net = new RnnLanguageModel(v.size(), 4,
                new ElmanCell(4, 8, Activation.TANH, Initialization.UNIFORM, 3.0, seed, Kernels.get()), seed, Kernels.get());
        SplittableRandom r = new SplittableRandom(seed);
        float[] u = net.parameter("U").value();
        for (int i = 0; i < u.length; i++) {
            u[i] = (float) (r.nextDouble() * 4 - 2); // peaky, input-dependent distributions
        }
        return new LanguageModel(net, tok, v);
    }

    /** log P(tokens | prime) by feeding one token at a time. */
    static double logProb(LanguageModel lm, String prime, int[] tokens) {
        RnnLanguageModel net = lm.network();
        ModelWorkspace ws = net.newWorkspace(1, 64);
        int[] ids = lm.tokenizer().encode(prime, lm.vocabulary());
        float[] state = net.newState(1);
        float[] logits = new float[net.vocabSize()];
        net.logitsAfter(ws, ids.length, ids, state, state, logits);
        double lp = 0;
        for (int t : tokens) {
            double max = Double.NEGATIVE_INFINITY;
            for (float l : logits) {
                max = Math.max(max, l);
            }
            double z = 0;
            for (float l : logits) {
                z += Math.exp(l - max);
            }
            lp += logits[t] - max - Math.log(z);
            net.logitsAfter(ws, 1, new int[] {t}, state, state, logits);
        }
        return lp;
    }

    @Test
    void widthOneIsGreedyDecoding() {
        LanguageModel lm = model("abcde\n", SEED);
        BeamSearch.Result beam = BeamSearch.search(lm, "ab", 12, 1, 0, false);
        int[] greedy = new Generator(lm).generate("ab", 12, (logits, off, vocab, random) -> {
            int best = 0;
            for (int i = 1; i < vocab; i++) {
                if (logits[off + i] > logits[off + best]) {
                    best = i;
                }
            }
            return best;
        }, new SplittableRandom(1), false, piece -> { });
        assertArrayEquals(greedy, beam.tokens(), "seed " + SEED);
        assertEquals(logProb(lm, "ab", greedy), beam.logProb(), 1e-4);
    }

    @Test
    void wideEnoughBeamFindsTheExhaustiveOptimum() {
        LanguageModel lm = model("ab\n", SEED); // V = 4 (<unk>, \n, a, b)
        int v = lm.vocabulary().size();
        int length = 3;
        double best = Double.NEGATIVE_INFINITY;
        int[] arg = null;
        for (int code = 0; code < v * v * v; code++) {
            int[] t = {code / (v * v), (code / v) % v, code % v};
            double lp = logProb(lm, "ab", t);
            if (lp > best) {
                best = lp;
                arg = t;
            }
        }
        BeamSearch.Result r = BeamSearch.search(lm, "ab", length, v * v, 0, false);
        assertEquals(best, r.logProb(), 1e-4, "seed " + SEED);
        assertArrayEquals(arg, r.tokens());
        BeamSearch.Result narrow = BeamSearch.search(lm, "ab", length, 1, 0, false);
        // batch 1 and batch v² run the same sequence through different kernel paths (scalar vs vector tanh
        // tails), so "never worse" holds up to float rounding of the evaluation
        assertTrue(r.logProb() >= narrow.logProb() - 1e-5, "a wider beam is never worse: " + r.logProb() + " "
                + java.util.Arrays.toString(r.tokens()) + " vs " + narrow.logProb() + " "
                + java.util.Arrays.toString(narrow.tokens()) + " (seed " + SEED + ")");
    }
}
