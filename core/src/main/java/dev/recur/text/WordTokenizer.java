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

    @Override
    public Vocabulary buildVocabulary(String text) {
        Map<String, int[]> counts = new LinkedHashMap<>();
        forEachToken(text, w -> counts.computeIfAbsent(w, k -> new int[1])[0]++);
        List<Map.Entry<String, int[]>> entries = new ArrayList<>(counts.entrySet());
        entries.sort((a, b) -> Integer.compare(b.getValue()[0], a.getValue()[0])); // stable: first occurrence
        List<String> tokens = new ArrayList<>();
        tokens.add(Vocabulary.UNK);
        tokens.add(Vocabulary.EOS);
        for (Map.Entry<String, int[]> e : entries) {
            if (maxVocabulary > 0 && tokens.size() >= maxVocabulary) {
                break;
            }
            String w = e.getKey();
            if (w.equals(Vocabulary.UNK) || w.equals(Vocabulary.EOS) || e.getValue()[0] < minCount) {
                continue;
            }
            tokens.add(w);
        }
        return new Vocabulary(tokens);
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
