package dev.recur.train;

/**
 * Callbacks from a {@link Trainer} or a {@link TrainingRun}, on the training thread. Implementations must be quick; they must not
 * modify the model.
 */
public interface TrainingListener {

    /**
     * Training is about to start.
     *
     * @param totalSteps the steps the run will take at most
     * @param seed the run's seed
     */
    default void onStart(long totalSteps, long seed) {
    }

    /**
     * Training is about to start, possibly from a checkpoint: the steps reported from here on are counted from the
     * beginning of the first run, the elapsed time from now. By default {@link #onStart(long, long)}.
     *
     * @param firstStep  the step the run starts after: 0, or the checkpoint's step when resuming
     * @param totalSteps the steps the run will take at most (counted from the beginning of the first run)
     * @param seed       the run's seed
     */
    default void onStart(long firstStep, long totalSteps, long seed) {
        onStart(totalSteps, seed);
    }

    /**
     * Every {@code logEvery} steps.
     *
     * @param report the report
     */
    default void onStep(StepReport report) {
    }

    /**
     * After every validation.
     *
     * @param report the report
     */
    default void onValidation(ValidationReport report) {
    }

    /**
     * A step was skipped because its loss or gradient was not finite.
     *
     * @param step the step that was skipped
     * @param consecutive skipped steps in a row so far
     * @param reason what was not finite
     */
    default void onSkippedStep(long step, int consecutive, String reason) {
    }

    /**
     * A checkpoint is due (every {@code checkpointEvery} steps of a {@link TrainingRun}): {@code checkpoint}
     * holds the run after {@code checkpoint.trainer().step()} steps. Save it here (for example with recur-io's
     * {@code Checkpoints.save}): training continues when this returns.
     *
     * @param checkpoint the run after its latest step
     */
    default void onCheckpoint(Checkpoint checkpoint) {
    }

    /**
     * Training ended normally.
     *
     * @param result how the run ended
     */
    default void onEnd(TrainingResult result) {
    }
}
