package dev.recur.cli;

/** A combination of options that cannot work; exit code {@link ExitCode#USAGE}. */
final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
