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

    /** The longest message: a hostile file's names are echoed in messages, but not at any length. */
    static final int MAX_MESSAGE = 400;

    public ModelFileException(Kind kind, String message) {
        super(oneLine(message));
        this.kind = kind;
    }

    public ModelFileException(Kind kind, String message, Throwable cause) {
        super(oneLine(message), cause);
        this.kind = kind;
    }

    /**
     * The message as one printable line: control characters (line breaks included) escaped, at most
     * {@value #MAX_MESSAGE} characters — names read from a file may hold anything.
     */
    static String oneLine(String message) {
        if (message == null) {
            return null;
        }
        StringBuilder sb = new StringBuilder(Math.min(message.length(), MAX_MESSAGE) + 8);
        for (int i = 0; i < message.length() && sb.length() < MAX_MESSAGE; i++) {
            char c = message.charAt(i);
            if (c == '\n') {
                sb.append("\\n");
            } else if (c == '\r') {
                sb.append("\\r");
            } else if (c == '\t') {
                sb.append("\\t");
            } else if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || c == '\u0085') {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        if (sb.length() >= MAX_MESSAGE && message.length() > MAX_MESSAGE) {
            sb.append(" …");
        }
        return sb.toString();
    }

    public Kind kind() {
        return kind;
    }
}
