package dev.recur.train;

import dev.recur.model.ModelSpec;
import dev.recur.spi.ProviderChoice;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * A typed description of a training run: what model to build, which optimizer, learning-rate schedule and
 * gradient clipper (by provider name, with options), the base learning rate, how the trainer runs (batch,
 * window, limits, seed: {@link TrainerConfig}) and where the training text comes from. A
 * {@link TrainingRun} is started from it; a {@link Checkpoint} carries it, with every option resolved.
 *
 * @param model        the model (sizes, cell and output layer by name with options)
 * @param optimizer    the optimizer (its options are the update rule's: the learning rate is not one of them)
 * @param learningRate the base learning rate handed to the schedule — the schedule is the only owner of the
 *                     rate during the run; empty means the optimizer provider's default
 * @param schedule     the learning-rate schedule
 * @param clipper      the gradient clipper
 * @param trainer      batch, window, epochs, limits, validation and checkpoint cadence, seed
 * @param data         the training data's files or URIs as the front end named them (recorded in checkpoints,
 *                     informational)
 */
public record RunSpec(ModelSpec model, ProviderChoice optimizer, OptionalDouble learningRate, ProviderChoice schedule,
                      ProviderChoice clipper, TrainerConfig trainer, List<String> data) {

    /** The optimizer a run uses unless told otherwise. */
    public static final String DEFAULT_OPTIMIZER = "adam";
    /** The schedule a run uses unless told otherwise. */
    public static final String DEFAULT_SCHEDULE = "constant";
    /** The clipper a run uses unless told otherwise. */
    public static final String DEFAULT_CLIPPER = "global-norm";

    /**
     * Requires every component, copies the data list and checks the learning rate.
     *
     * @param model the model (sizes, cell and output layer by name with options)
     * @param optimizer the optimizer (its options are the update rule's: the learning rate is not one of them)
     * @param learningRate the base learning rate handed to the schedule — the schedule is the only owner of the rate during the run; empty means the optimizer provider's default
     * @param schedule the learning-rate schedule
     * @param clipper the gradient clipper
     * @param trainer batch, window, epochs, limits, validation and checkpoint cadence, seed
     * @param data the training data's files or URIs as the front end named them (recorded in checkpoints, informational)
     */
    public RunSpec {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(learningRate, "learningRate");
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(clipper, "clipper");
        Objects.requireNonNull(trainer, "trainer");
        data = List.copyOf(Objects.requireNonNull(data, "data"));
        if (learningRate.isPresent() && !(learningRate.getAsDouble() > 0 && Double.isFinite(learningRate.getAsDouble()))) {
            throw new IllegalArgumentException("learning rate must be a finite number > 0, got "
                    + learningRate.getAsDouble());
        }
    }

    /**
     * A run of {@code model} with the defaults: adam at its default rate, constant schedule, global-norm clipping.
     *
     * @param model the model to train
     * @return the run
     */
    public static RunSpec of(ModelSpec model) {
        return new RunSpec(model, ProviderChoice.of(DEFAULT_OPTIMIZER), OptionalDouble.empty(),
                ProviderChoice.of(DEFAULT_SCHEDULE), ProviderChoice.of(DEFAULT_CLIPPER), TrainerConfig.defaults(),
                List.of());
    }

    /**
     * The run's seed (model initialisation, dropout; printed in logs).
     *
     * @return the seed
     */
    public long seed() {
        return trainer.seed();
    }

    /**
     * The same run of another model.
     *
     * @param v the model
     * @return a new spec
     */
    public RunSpec withModel(ModelSpec v) {
        return new RunSpec(v, optimizer, learningRate, schedule, clipper, trainer, data);
    }

    /**
     * The same run with another optimizer.
     *
     * @param v the optimizer by provider name, with its options
     * @return a new spec
     */
    public RunSpec withOptimizer(ProviderChoice v) {
        return new RunSpec(model, v, learningRate, schedule, clipper, trainer, data);
    }

    /**
     * Sets the base learning rate (finite, > 0).
     *
     * @param v the base rate (finite, > 0)
     * @return a new spec
     */
    public RunSpec withLearningRate(double v) {
        return new RunSpec(model, optimizer, OptionalDouble.of(v), schedule, clipper, trainer, data);
    }

    /**
     * The same run with another learning-rate schedule.
     *
     * @param v the schedule by provider name, with its options
     * @return a new spec
     */
    public RunSpec withSchedule(ProviderChoice v) {
        return new RunSpec(model, optimizer, learningRate, v, clipper, trainer, data);
    }

    /**
     * The same run with another gradient clipper.
     *
     * @param v the clipper by provider name, with its options
     * @return a new spec
     */
    public RunSpec withClipper(ProviderChoice v) {
        return new RunSpec(model, optimizer, learningRate, schedule, v, trainer, data);
    }

    /**
     * The same run with other trainer settings.
     *
     * @param v batch, window, limits, cadence and seed
     * @return a new spec
     */
    public RunSpec withTrainer(TrainerConfig v) {
        return new RunSpec(model, optimizer, learningRate, schedule, clipper, v, data);
    }

    /**
     * The same run with another record of where its data comes from.
     *
     * @param v the data files or URIs
     * @return a new spec
     */
    public RunSpec withData(List<String> v) {
        return new RunSpec(model, optimizer, learningRate, schedule, clipper, trainer, v);
    }
}
