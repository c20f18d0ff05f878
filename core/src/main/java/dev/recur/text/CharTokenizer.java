package dev.recur.text;

import java.util.ArrayList;
import java.util.List;

/**
 * Character-level tokens over Unicode code points (not UTF-16 units, so a character outside the Basic
 * Multilingual Plane is one token). Line ends are ordinary {@code '\n'} tokens. The vocabulary is
 * {@code <unk>} followed by the distinct code points of the training text in code-point order (with each
 * one's count in that text; {@code <unk>}'s is 0).
 */
public final class CharTokenizer implements Tokenizer {

    /** A character tokenizer (no settings). */
    public CharTokenizer() {
        // stateless
    }

    @Override
    public String level() {
        return "char";
    }

    @Override
    public void tokens(String text, java.util.function.Consumer<String> sink) {
        text.codePoints().forEach(cp -> sink.accept(new String(Character.toChars(cp))));
    }

    @Override
    public Vocabulary vocabularyFromCounts(List<String> distinct, long[] tokenCounts) {
        if (distinct.size() != tokenCounts.length) {
            throw new IllegalArgumentException(distinct.size() + " tokens, " + tokenCounts.length + " counts");
        }
        java.util.TreeMap<Integer, long[]> cps = new java.util.TreeMap<>(); // code point order
        for (int i = 0; i < tokenCounts.length; i++) {
            String t = distinct.get(i);
            if (t.isEmpty() || t.codePointCount(0, t.length()) != 1) {
                throw new IllegalArgumentException("a character token is one code point, got '" + t + "'");
            }
            if (cps.put(t.codePointAt(0), new long[] {tokenCounts[i]}) != null) {
                throw new IllegalArgumentException("token '" + t + "' is listed twice");
            }
        }
        List<String> tokens = new ArrayList<>(cps.size() + 1);
        long[] counts = new long[cps.size() + 1];
        tokens.add(Vocabulary.UNK);
        for (var e : cps.entrySet()) {
            counts[tokens.size()] = e.getValue()[0];
            tokens.add(new String(Character.toChars(e.getKey())));
        }
        return new Vocabulary(tokens, counts);
    }

    @Override
    public int[] encode(String text, Vocabulary vocabulary) {
        return text.codePoints().map(cp -> vocabulary.id(new String(Character.toChars(cp)))).toArray();
    }

    @Override
    public String decode(int[] ids, Vocabulary vocabulary) {
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            sb.append(piece(id, -1, vocabulary));
        }
        return sb.toString();
    }

    @Override
    public String piece(int id, int previousId, Vocabulary vocabulary) {
        return id == vocabulary.unkId() ? "\uFFFD" : vocabulary.token(id);
    }
}
