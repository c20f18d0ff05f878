package dev.recur.text;

/**
 * Turns text into token ids and back. Implementations are immutable and thread-safe.
 *
 * <p>The vocabulary is built from training text only; text encoded later maps tokens that are not in the
 * vocabulary to {@code <unk>}.
 */
public interface Tokenizer {

    /** {@code word} or {@code char}. */
    String level();

    /** The vocabulary of a training text. */
    Vocabulary buildVocabulary(String trainingText);

    /** The ids of {@code text}; unknown tokens become {@code <unk>}. */
    int[] encode(String text, Vocabulary vocabulary);

    /** Text for a sequence of ids (word level: words joined by spaces, {@code <eos>} as a line end). */
    String decode(int[] ids, Vocabulary vocabulary);

    /** The text of one generated token, as it should be appended to output already produced. */
    String piece(int id, int previousId, Vocabulary vocabulary);
}
