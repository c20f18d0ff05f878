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
    Vocabulary buildVocabulary(String trainingText);

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
