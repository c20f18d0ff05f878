package dev.recur.train;

/** Training stopped after too many consecutive non-finite steps. The message is one line with a remedy. */
public final class TrainingDivergedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Training stopped after too many non-finite steps in a row.
     *
     * @param message what happened and what to change
     */
    public TrainingDivergedException(String message) {
        super(message);
    }
}
