package dev.recur.text;

/**
 * Turns text into token ids and back. Implementations are immutable and thread-safe.
 *
 * <p>The vocabulary is built from training text only; text encoded later maps tokens that are not in the
 * vocabulary to {@code <unk>}.
 */
public interface Tokenizer {

    /**
     * {@code word} or {@code char}.
     *
     * @return {@code word} or {@code char}
     */
    String level();

    /**
     * The vocabulary of a training text.
     *
     * @param trainingText the training text
     * @return the vocabulary
     */
    default Vocabulary buildVocabulary(String trainingText) {
        java.util.Map<String, long[]> counts = new java.util.LinkedHashMap<>(); // first-appearance order
        tokens(trainingText, t -> counts.computeIfAbsent(t, k -> new long[1])[0]++);
        java.util.List<String> order = new java.util.ArrayList<>(counts.keySet());
        long[] c = new long[order.size()];
        for (int i = 0; i < c.length; i++) {
            c[i] = counts.get(order.get(i))[0];
        }
        return vocabularyFromCounts(order, c);
    }

    /**
     * Calls {@code sink} with each token of {@code text}, in order: what {@link #buildVocabulary} counts and
     * {@link #encode} maps to ids (word level: the words of each line, then {@code <eos>}; char level: each code
     * point).
     *
     * @param text the text to split
     * @param sink receives each token
     */
    void tokens(String text, java.util.function.Consumer<String> sink);

    /**
     * The vocabulary {@link #buildVocabulary} builds from a text whose distinct tokens, in order of first
     * appearance, are {@code tokens}, with {@code counts}: the one place the rules live (cut-offs, order, ties),
     * so that counts made elsewhere (a Spark job, say) give the same vocabulary.
     *
     * @param tokens the distinct tokens in order of first appearance
     * @param counts how often each occurs
     * @return the vocabulary
     */
    Vocabulary vocabularyFromCounts(java.util.List<String> tokens, long[] counts);

    /**
     * The ids of {@code text}; unknown tokens become {@code <unk>}.
     *
     * @param text the text to encode
     * @param vocabulary the vocabulary
     * @return the ids
     */
    int[] encode(String text, Vocabulary vocabulary);

    /**
     * Text for a sequence of ids (word level: words joined by spaces, {@code <eos>} as a line end).
     *
     * @param ids the ids to decode
     * @param vocabulary the vocabulary
     * @return the text
     */
    String decode(int[] ids, Vocabulary vocabulary);

    /**
     * The text of one generated token, as it should be appended to output already produced.
     *
     * @param id the token to print
     * @param previousId the token printed before it (word level: decides the space), or -1
     * @param vocabulary the vocabulary
     * @return the text of the token as it continues the output
     */
    String piece(int id, int previousId, Vocabulary vocabulary);
}
