package dev.recur.text;

/** A corpus cannot be used: missing, unreadable, not UTF-8, empty or too short. The message is one line. */
public final class CorpusException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CorpusException(String message) {
        super(message);
    }

    public CorpusException(String message, Throwable cause) {
        super(message, cause);
    }
}
