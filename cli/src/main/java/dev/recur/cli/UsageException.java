package dev.recur.cli;

/** A combination of options that cannot work; exit code {@link ExitCode#USAGE}. */
public final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
