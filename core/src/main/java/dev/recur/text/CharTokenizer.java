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
    public Vocabulary buildVocabulary(String text) {
        java.util.TreeMap<Integer, long[]> cps = new java.util.TreeMap<>();
        text.codePoints().forEach(cp -> cps.computeIfAbsent(cp, k -> new long[1])[0]++);
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
