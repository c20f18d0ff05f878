package dev.recur.model;

import dev.recur.spi.Sampler;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * Text generation with batch 1: the prime text is fed through the model first, then each sampled token is
 * fed back in as the next input. Output is streamed piece by piece to a consumer as it is produced; the same
 * sampler options and seed give the same text. Nothing is allocated per generated token.
 */
public final class Generator {

    private final LanguageModel model;
    private final RnnLanguageModel net;
    private final ModelWorkspace one;
    private final ModelWorkspace prime;
    private final float[] state;
    private final float[] logits;
    private final int[] token = new int[1];
    private static final int PRIME_WINDOW = 64;

    /**
     * A generator over {@code model} (batch 1; buffers are made here, none per token).
     *
     * @param model the model to generate with
     */
    public Generator(LanguageModel model) {
        this.model = Objects.requireNonNull(model, "model");
        this.net = model.network();
        this.one = net.newWorkspace(1, 1);
        this.prime = net.newWorkspace(1, PRIME_WINDOW);
        this.state = net.newState(1);
        this.logits = new float[net.vocabSize()];
    }

    /**
     * The prime's ids as generation feeds them: a word-level prime that does not end a line continues that
     * line (no {@code <eos>} after it); an empty prime is the line-start token.
     *
     * @param model the model (its tokenizer and vocabulary)
     * @param primeText the prime (may be empty)
     * @return the ids fed before the first generated token (at least one)
     */
    public static int[] primeIds(LanguageModel model, String primeText) {
        int[] ids = primeText == null || primeText.isEmpty() ? new int[0]
                : model.tokenizer().encode(primeText, model.vocabulary());
        if (ids.length > 0 && model.tokenizer().level().equals("word") && !primeText.endsWith("\n")) {
            ids = java.util.Arrays.copyOf(ids, ids.length - 1); // drop the <eos> the tokenizer put at the line end
        }
        if (ids.length == 0) {
            var v = model.vocabulary();
            ids = new int[] {v.eosId() >= 0 ? v.eosId() : v.contains("\n") ? v.id("\n") : v.unkId()};
        }
        return ids;
    }

    /**
     * The last token of the prime: the first input of generation.
     *
     * @param model the model (its tokenizer and vocabulary)
     * @param primeText the prime (may be empty)
     * @return the token id
     */
    public static int lastPrimeToken(LanguageModel model, String primeText) {
        int[] ids = primeIds(model, primeText);
        return ids[ids.length - 1];
    }

    /** The state after feeding every prime token but the last (batch 1). */
    float[] primeState(String primeText) {
        java.util.Arrays.fill(state, 0f);
        int[] ids = primeIds(model, primeText);
        int[] window = new int[PRIME_WINDOW];
        int fed = 0;
        while (ids.length - fed > 1) {
            int n = Math.min(PRIME_WINDOW, ids.length - 1 - fed);
            System.arraycopy(ids, fed, window, 0, n);
            net.advance(prime, n, window, state, state);
            fed += n;
        }
        return state.clone();
    }

    /**
     * Generates up to {@code length} tokens after {@code primeText}.
     *
     * @param stopAtEos stop after the first {@code <eos>} (word level)
     * @param out       receives each piece of text as soon as its token is sampled
     * @param primeText the prime (may be empty)
     * @param length the most tokens to generate
     * @param sampler picks each next token
     * @param random the sampler's randomness (a seeded generator gives the same text)
     * @return the ids generated
     */
    public int[] generate(String primeText, int length, Sampler sampler, RandomGenerator random, boolean stopAtEos,
                          Consumer<String> out) {
        return generateWhile(primeText, length, sampler, random, stopAtEos, piece -> {
            out.accept(piece);
            return true;
        });
    }

    /**
     * Generates up to {@code length} tokens after {@code primeText}, as long as {@code out} accepts them: it
     * sees each piece of text as soon as its token is sampled and returns false to stop there (a stop
     * sequence was produced, a deadline passed, the client went away).
     *
     * @param primeText the prime (may be empty)
     * @param length the most tokens to generate
     * @param sampler picks each next token
     * @param random the sampler's randomness (a seeded generator gives the same text)
     * @param stopAtEos stop after the first {@code <eos>} (word level)
     * @param out receives each piece; false stops the generation after this piece
     * @return the ids generated (the last one's piece included)
     */
    public int[] generateWhile(String primeText, int length, Sampler sampler, RandomGenerator random,
                               boolean stopAtEos, java.util.function.Predicate<String> out) {
        if (length < 0) {
            throw new IllegalArgumentException("length must be >= 0, got " + length);
        }
        float[] primed = primeState(primeText);
        System.arraycopy(primed, 0, state, 0, state.length);
        int[] ids = primeIds(model, primeText);
        int[] generated = new int[length];
        int previous = ids[ids.length - 1];
        token[0] = previous;
        int count = 0;
        for (; count < length; count++) {
            net.logitsAfter(one, 1, token, state, state, logits);
            int next = sampler.sample(logits, 0, logits.length, random);
            generated[count] = next;
            boolean more = out.test(model.tokenizer().piece(next, previous, model.vocabulary()));
            previous = next;
            token[0] = next;
            if (!more || (stopAtEos && next == model.vocabulary().eosId())) {
                count++;
                break;
            }
        }
        return java.util.Arrays.copyOf(generated, count);
    }

}
