package dev.recur.train;

/**
 * Callbacks from a {@link Trainer} or a {@link TrainingRun}, on the training thread. Implementations must be quick; they must not
 * modify the model.
 */
public interface TrainingListener {

    /** Training is about to start. */
    default void onStart(long totalSteps, long seed) {
    }

    /** Every {@code logEvery} steps. */
    default void onStep(StepReport report) {
    }

    /** After every validation. */
    default void onValidation(ValidationReport report) {
    }

    /** A step was skipped because its loss or gradient was not finite. */
    default void onSkippedStep(long step, int consecutive, String reason) {
    }

    /**
     * A checkpoint is due (every {@code checkpointEvery} steps of a {@link TrainingRun}): {@code checkpoint}
     * holds the run after {@code checkpoint.trainer().step()} steps. Save it here (for example with recur-io's
     * {@code Checkpoints.save}): training continues when this returns.
     */
    default void onCheckpoint(Checkpoint checkpoint) {
    }

    /** Training ended normally. */
    default void onEnd(TrainingResult result) {
    }
}
