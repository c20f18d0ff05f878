package dev.recur.text;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable bijection between tokens and ids 0..size−1, with the id of {@code <unk>} and, at word
 * level, of {@code <eos>}, and — when it was built from a training text — each token's count in that text
 * (what frequency-based output layers and {@code recur inspect} read). A word-level vocabulary is sorted by
 * that count, most frequent first.
 */
public final class Vocabulary {

    /** The unknown-token symbol. */
    public static final String UNK = "<unk>";
    /** The end-of-sentence symbol (one per line at word level). */
    public static final String EOS = "<eos>";

    private final List<String> tokens;
    private final Map<String, Integer> ids;
    private final int unkId;
    private final int eosId;
    private final long[] counts;

    /**
     * A vocabulary over the given tokens.
     *
     * @param tokens distinct tokens in id order; must contain {@link #UNK}
     */
    public Vocabulary(List<String> tokens) {
        this(tokens, null);
    }

    /**
     * A vocabulary over the given tokens with their training counts.
     *
     * @param tokens distinct tokens in id order; must contain {@link #UNK}
     * @param counts each token's count in the training text (≥ 0), or null when unknown
     */
    public Vocabulary(List<String> tokens, long[] counts) {
        this.tokens = List.copyOf(tokens);
        if (counts != null) {
            if (counts.length != this.tokens.size()) {
                throw new IllegalArgumentException("vocabulary has " + this.tokens.size() + " tokens but " + counts.length
                        + " counts");
            }
            for (long c : counts) {
                if (c < 0) {
                    throw new IllegalArgumentException("token counts must be >= 0, got " + c);
                }
            }
        }
        this.counts = counts == null ? null : counts.clone();
        Map<String, Integer> m = new HashMap<>(tokens.size() * 2);
        for (int i = 0; i < this.tokens.size(); i++) {
            String t = Objects.requireNonNull(this.tokens.get(i), "token");
            if (m.put(t, i) != null) {
                throw new IllegalArgumentException("vocabulary has a duplicate token '" + t + "'");
            }
        }
        this.ids = m;
        Integer unk = m.get(UNK);
        if (unk == null) {
            throw new IllegalArgumentException("vocabulary must contain " + UNK);
        }
        this.unkId = unk;
        this.eosId = m.getOrDefault(EOS, -1);
    }

    /**
     * Number of tokens.
     *
     * @return V
     */
    public int size() {
        return tokens.size();
    }

    /**
     * The token with id {@code id}.
     *
     * @param id a token id
     * @return the token
     */
    public String token(int id) {
        return tokens.get(id);
    }

    /**
     * The id of {@code token}, or the id of {@code <unk>}.
     *
     * @param token a token of the vocabulary
     * @return its id
     */
    public int id(String token) {
        Integer i = ids.get(token);
        return i == null ? unkId : i;
    }

    /**
     * Whether {@code token} is in the vocabulary.
     *
     * @param token a token
     * @return whether it is in the vocabulary
     */
    public boolean contains(String token) {
        return ids.containsKey(token);
    }

    /**
     * The id of {@code <unk>}.
     *
     * @return the id of {@code <unk>}, or -1
     */
    public int unkId() {
        return unkId;
    }

    /**
     * The id of {@code <eos>}, or −1 (character level).
     *
     * @return the id of {@code <eos>}, or -1
     */
    public int eosId() {
        return eosId;
    }

    /**
     * The tokens in id order.
     *
     * @return the tokens in id order
     */
    public List<String> tokens() {
        return tokens;
    }

    /**
     * Each token's count in the training text, by id.
     *
     * @return a copy of the counts, or null when the vocabulary was not built from a text (or was read from a
     *         file written before counts were stored)
     */
    public long[] counts() {
        return counts == null ? null : counts.clone();
    }
}
