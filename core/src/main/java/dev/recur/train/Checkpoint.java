package dev.recur.train;

import dev.recur.model.LanguageModel;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Everything needed to continue a training run exactly: the model (weights, tokenizer, vocabulary), the run's
 * description with every option resolved and the base learning rate fixed, the optimizer's and the schedule's
 * state, the dropout generator's state and where the trainer stands (data position, carried hidden state,
 * counters, best weights). recur-io maps it to and from files; {@link TrainingRun#resume} continues it.
 *
 * <p>The model is the live model of the run that offered the checkpoint: save a checkpoint before training
 * continues (listeners run on the training thread, so saving inside
 * {@link TrainingListener#onCheckpoint} is exact). Everything else is a snapshot.
 *
 * @param model          the model, with the weights after {@code trainer.step()} steps
 * @param spec           the run, its options resolved and its learning rate present
 * @param optimizerState the optimizer's state
 * @param scheduleState  the schedule's state ({@link dev.recur.spi.LearningRateSchedule#state()})
 * @param dropoutState   the state of the model's dropout generator
 * @param trainer        where the trainer stands (in a data-parallel run: the first replica's, with the best
 *                       weights)
 * @param replicas       the replicas of a data-parallel run, every one's position and dropout generator (empty for
 *                       a run in one process)
 */
public record Checkpoint(LanguageModel model, RunSpec spec, dev.recur.spi.OptimizerState optimizerState,
                         Map<String, Double> scheduleState, long dropoutState, TrainerState trainer,
                         java.util.List<ReplicaState> replicas) {

    /**
     * A checkpoint of a run in one process (no replicas).
     *
     * @param model the model, with the weights after {@code trainer.step()} steps
     * @param spec the run, its options resolved and its learning rate present
     * @param optimizerState the optimizer's state
     * @param scheduleState the schedule's state
     * @param dropoutState the state of the model's dropout generator
     * @param trainer where the trainer stands
     */
    public Checkpoint(LanguageModel model, RunSpec spec, dev.recur.spi.OptimizerState optimizerState,
                      Map<String, Double> scheduleState, long dropoutState, TrainerState trainer) {
        this(model, spec, optimizerState, scheduleState, dropoutState, trainer, java.util.List.of());
    }

    /**
     * Validates the components: the run must have its base rate and describe the model.
     *
     * @param model the model, with the weights after {@code trainer.step()} steps
     * @param spec the run, its options resolved and its learning rate present
     * @param optimizerState the optimizer's state
     * @param scheduleState the schedule's state ({@link dev.recur.spi.LearningRateSchedule#state()})
     * @param dropoutState the state of the model's dropout generator
     * @param trainer where the trainer stands
     * @param replicas the replicas of a data-parallel run (empty for a run in one process)
     */
    public Checkpoint {
        replicas = java.util.List.copyOf(Objects.requireNonNull(replicas, "replicas"));
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(optimizerState, "optimizerState");
        Objects.requireNonNull(trainer, "trainer");
        scheduleState = java.util.Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(scheduleState,
                "scheduleState")));
        if (spec.learningRate().isEmpty()) {
            throw new IllegalArgumentException("a checkpoint's run must have its base learning rate");
        }
        if (model.network().spec() != null && !model.network().spec().equals(spec.model())) {
            throw new IllegalArgumentException("the checkpoint's model " + model.network().spec()
                    + " is not the one its run describes: " + spec.model());
        }
    }

    /**
     * The base learning rate of the run.
     *
     * @return the base rate
     */
    public double learningRate() {
        return spec.learningRate().getAsDouble();
    }

    /**
     * The same checkpoint with other limits for the continued run: epochs, time budget, maximum steps, log and
     * checkpoint cadence. Everything else that shapes the run (batch, window, validation, seed) must stay
     * as it was, or the continuation would not be exact.
     *
     * @param limits the continued run's settings: only epochs, time, steps and log/checkpoint cadence may differ
     * @return a checkpoint whose continued run has those limits
     * @throws IllegalArgumentException naming the first setting that differs
     */
    public Checkpoint withLimits(TrainerConfig limits) {
        TrainerConfig c = spec.trainer();
        same("batch size", c.batchSize(), limits.batchSize());
        same("bptt", c.bptt(), limits.bptt());
        same("bptt history", c.history(), limits.history());
        same("eval-every", c.evalEvery(), limits.evalEvery());
        same("eval batch", c.evalBatch(), limits.evalBatch());
        same("max bad steps", c.maxBadSteps(), limits.maxBadSteps());
        same("seed", c.seed(), limits.seed());
        return new Checkpoint(model, spec.withTrainer(limits), optimizerState, scheduleState, dropoutState, trainer,
                replicas);
    }

    private static void same(String what, long checkpoint, long given) {
        if (checkpoint != given) {
            throw new IllegalArgumentException("a resumed run keeps the checkpoint's " + what + " (" + checkpoint
                    + "), got " + given);
        }
    }
}
