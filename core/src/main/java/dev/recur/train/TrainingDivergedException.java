package dev.recur.train;

/** Training stopped after too many consecutive non-finite steps. The message is one line with a remedy. */
public final class TrainingDivergedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TrainingDivergedException(String message) {
        super(message);
    }
}
