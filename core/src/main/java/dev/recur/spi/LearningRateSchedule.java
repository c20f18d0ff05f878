package dev.recur.spi;

/**
 * Sets the learning rate over a training run and may stop it or roll it back after a validation.
 *
 * <p>Lifecycle: one instance per run, created with the base learning rate. The trainer asks
 * {@link #learningRate(long)} before every optimizer step and calls {@link #afterValidation(double)} after
 * every validation. Not thread-safe.
 */
public interface LearningRateSchedule {

    /**
     * The rate for optimizer step {@code step} (0-based).
     *
     * @param step the 0-based optimizer step
     * @return the learning rate
     */
    double learningRate(long step);

    /**
     * Reacts to a validation loss (mean cross-entropy, nats).
     *
     * @param validationLoss mean cross-entropy in nats
     * @return what the trainer should do
     */
    Decision afterValidation(double validationLoss);

    /**
     * The schedule's internal state, for checkpoints (empty for stateless schedules).
     *
     * @return the state (empty for stateless schedules)
     */
    default java.util.Map<String, Double> state() {
        return java.util.Map.of();
    }

    /**
     * Restores a state returned by {@link #state()}.
     *
     * @param state a state returned by {@link #state()}
     * @throws IllegalArgumentException when the state does not belong to this kind of schedule
     */
    default void restore(java.util.Map<String, Double> state) {
        if (!state.isEmpty()) {
            throw new IllegalArgumentException("this schedule keeps no state, got " + state.keySet());
        }
    }

    /**
     * What the trainer should do after a validation.
     *
     * @param rollback restore the weights of the best validation so far
     * @param stop     end training after this validation
     * @param reason   a short text for the log, or empty
     */
    record Decision(boolean rollback, boolean stop, String reason) {
        /** Carry on. */
        public static final Decision CONTINUE = new Decision(false, false, "");
    }

    /**
     * A schedule that keeps {@code rate} and never stops (the default).
     *
     * @param rate the rate (finite, > 0)
     * @return the schedule
     */
    static LearningRateSchedule constant(double rate) {
        if (!(rate > 0) || !Double.isFinite(rate)) {
            throw new IllegalArgumentException("learning rate must be a finite number > 0, got " + rate);
        }
        return new LearningRateSchedule() {
            @Override
            public double learningRate(long step) {
                return rate;
            }

            @Override
            public Decision afterValidation(double validationLoss) {
                return Decision.CONTINUE;
            }

            @Override
            public String toString() {
                return "constant(" + rate + ")";
            }
        };
    }
}
