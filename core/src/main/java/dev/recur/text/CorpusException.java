package dev.recur.text;

/** A corpus cannot be used: missing, unreadable, not UTF-8, empty or too short. The message is one line. */
public final class CorpusException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * A corpus error with a one-line message.
     *
     * @param message what is wrong, naming the corpus
     */
    public CorpusException(String message) {
        super(message);
    }

    /**
     * A corpus error with a one-line message and its cause.
     *
     * @param message what is wrong, naming the corpus
     * @param cause the underlying error
     */
    public CorpusException(String message, Throwable cause) {
        super(message, cause);
    }
}
