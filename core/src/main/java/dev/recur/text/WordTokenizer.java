package dev.recur.text;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Word-level tokens: whitespace-separated words, {@code <eos>} at the end of every line (as in the usual
 * PTB/WikiText preparation), {@code <unk>} for words seen fewer than {@code minCount} times in the training
 * text or beyond the {@code maxVocabulary} most frequent ones.
 *
 * <p>Vocabulary order: {@code <unk>}, {@code <eos>}, then by descending count, ties by first occurrence —
 * deterministic for a given text.
 */
public final class WordTokenizer implements Tokenizer {

    private final int minCount;
    private final int maxVocabulary;

    /**
     * A word tokenizer with a minimum count and a vocabulary cap.
     *
     * @param minCount      words seen fewer times become {@code <unk>} (≥ 1)
     * @param maxVocabulary at most this many tokens including the two specials (0 = no limit, else ≥ 2)
     */
    public WordTokenizer(int minCount, int maxVocabulary) {
        if (minCount < 1) {
            throw new IllegalArgumentException("minCount must be >= 1, got " + minCount);
        }
        if (maxVocabulary != 0 && maxVocabulary < 2) {
            throw new IllegalArgumentException("maxVocabulary must be 0 (no limit) or >= 2, got " + maxVocabulary);
        }
        this.minCount = minCount;
        this.maxVocabulary = maxVocabulary;
    }

    /** All words, no limit. */
    public WordTokenizer() {
        this(1, 0);
    }

    /**
     * Words seen fewer times become {@code <unk>}.
     *
     * @return the minimum count
     */
    public int minCount() {
        return minCount;
    }

    /**
     * The most tokens the vocabulary keeps.
     *
     * @return the cap, or 0 for none
     */
    public int maxVocabulary() {
        return maxVocabulary;
    }

    @Override
    public String level() {
        return "word";
    }

    /**
     * The vocabulary of a training text, PTB-style: {@code <eos>} ends every line; the words seen at least
     * {@code minCount} times are kept, the most frequent first, up to {@code maxVocabulary} tokens including
     * {@code <unk>} and {@code <eos>}; every other word counts as {@code <unk>} (so does a literal
     * {@code <unk>} in the text, as in PTB). Tokens are sorted by that count in the encoded training text, most
     * frequent first; ties keep the order of first appearance in the encoded text ({@code <unk>} appears where
     * its first literal or first replaced word does; when it never appears it comes last), so the same text
     * always gives the same ids. Each token's count is kept in the vocabulary.
     */
    @Override
    public void tokens(String text, java.util.function.Consumer<String> sink) {
        forEachToken(text, sink);
    }

    @Override
    public Vocabulary vocabularyFromCounts(List<String> tokens, long[] tokenCounts) {
        if (tokens.size() != tokenCounts.length) {
            throw new IllegalArgumentException(tokens.size() + " tokens, " + tokenCounts.length + " counts");
        }
        Map<String, long[]> counts = new LinkedHashMap<>();
        for (int i = 0; i < tokenCounts.length; i++) {
            if (counts.put(tokens.get(i), new long[] {tokenCounts[i]}) != null) {
                throw new IllegalArgumentException("token '" + tokens.get(i) + "' is listed twice");
            }
        }
        List<String> order = new ArrayList<>(counts.keySet());
        Map<String, Integer> first = new java.util.HashMap<>();
        for (int i = 0; i < order.size(); i++) {
            first.put(order.get(i), i);
        }
        List<String> words = new ArrayList<>();
        for (String w : order) {
            if (!w.equals(Vocabulary.UNK) && !w.equals(Vocabulary.EOS)) {
                words.add(w);
            }
        }
        words.sort((a, b) -> Long.compare(counts.get(b)[0], counts.get(a)[0])); // stable: first appearance
        long unk = counts.containsKey(Vocabulary.UNK) ? counts.get(Vocabulary.UNK)[0] : 0;
        int unkFirst = counts.containsKey(Vocabulary.UNK) ? first.get(Vocabulary.UNK) : Integer.MAX_VALUE;
        List<String> kept = new ArrayList<>();
        for (String w : words) {
            long c = counts.get(w)[0];
            if (c >= minCount && (maxVocabulary == 0 || kept.size() + 2 < maxVocabulary)) {
                kept.add(w);
            } else {
                unk += c;
                unkFirst = Math.min(unkFirst, first.get(w));
            }
        }
        Map<String, Long> count = new java.util.HashMap<>();
        Map<String, Integer> at = new java.util.HashMap<>();
        for (String w : kept) {
            count.put(w, counts.get(w)[0]);
            at.put(w, first.get(w));
        }
        count.put(Vocabulary.UNK, unk);
        at.put(Vocabulary.UNK, unkFirst);
        count.put(Vocabulary.EOS, counts.containsKey(Vocabulary.EOS) ? counts.get(Vocabulary.EOS)[0] : 0);
        at.put(Vocabulary.EOS, first.getOrDefault(Vocabulary.EOS, Integer.MAX_VALUE));
        List<String> all = new ArrayList<>(count.keySet());
        all.sort(java.util.Comparator.<String>comparingLong(count::get).reversed()
                .thenComparing(java.util.Comparator.comparingInt(at::get))
                .thenComparing(w -> w.equals(Vocabulary.UNK) ? 0 : 1)); // both specials absent: <unk> first
        long[] c = new long[all.size()];
        for (int i = 0; i < c.length; i++) {
            c[i] = count.get(all.get(i));
        }
        return new Vocabulary(all, c);
    }

    @Override
    public int[] encode(String text, Vocabulary vocabulary) {
        IntList out = new IntList(Math.max(16, text.length() / 5));
        forEachToken(text, w -> out.add(vocabulary.id(w)));
        return out.toArray();
    }

    @Override
    public String decode(int[] ids, Vocabulary vocabulary) {
        StringBuilder sb = new StringBuilder();
        int prev = -1;
        for (int id : ids) {
            sb.append(piece(id, prev, vocabulary));
            prev = id;
        }
        return sb.toString();
    }

    @Override
    public String piece(int id, int previousId, Vocabulary vocabulary) {
        if (id == vocabulary.eosId()) {
            return "\n";
        }
        boolean lineStart = previousId < 0 || previousId == vocabulary.eosId();
        return lineStart ? vocabulary.token(id) : " " + vocabulary.token(id);
    }

    /** Calls {@code sink} for every word and an {@code <eos>} at the end of every line. */
    private static void forEachToken(String text, java.util.function.Consumer<String> sink) {
        int n = text.length();
        int lineStart = 0;
        while (lineStart < n) {
            int nl = text.indexOf('\n', lineStart);
            int lineEnd = nl < 0 ? n : nl;
            int i = lineStart;
            while (i < lineEnd) {
                while (i < lineEnd && Character.isWhitespace(text.charAt(i))) {
                    i++;
                }
                int s = i;
                while (i < lineEnd && !Character.isWhitespace(text.charAt(i))) {
                    i++;
                }
                if (i > s) {
                    sink.accept(text.substring(s, i));
                }
            }
            sink.accept(Vocabulary.EOS);
            lineStart = lineEnd + 1;
        }
    }
}
