package dev.recur.io;

/**
 * A model or checkpoint file cannot be read or written. The message is one line naming the file and what
 * is wrong; {@link #kind()} lets a command choose its exit code.
 */
public final class ModelFileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Kind {
        /** Missing, unreadable, truncated, corrupt, hostile or inconsistent. */
        BAD_FILE,
        /** The file names a plugin that is not on the classpath. */
        MISSING_PLUGIN,
        /** Writing failed (the previous file, if any, is intact). */
        WRITE_FAILED
    }

    private final Kind kind;

    public ModelFileException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public ModelFileException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
