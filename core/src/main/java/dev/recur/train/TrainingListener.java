package dev.recur.train;

/**
 * Callbacks from a {@link Trainer}, on the training thread. Implementations must be quick; they must not
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
     * A checkpoint is due (every {@code checkpointEvery} steps). The model's weights and the optimizer's
     * state are those after {@code state.step()} steps; {@code state} says where the data stands.
     */
    default void onCheckpoint(TrainerState state) {
    }

    /** Training ended normally. */
    default void onEnd(TrainingResult result) {
    }
}
