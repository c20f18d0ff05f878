package dev.recur.spi;

import java.util.List;

/**
 * Updates parameters from their gradients.
 *
 * <p>The learning rate is not the optimizer's: the run's {@link LearningRateSchedule} owns it and passes the
 * rate of each step to {@link #step}. An optimizer keeps only what its update rule needs (moments,
 * velocities, a step counter).
 *
 * <h2>Contract (checked by {@code OptimizerContractTest} in recur-testkit)</h2>
 * <ul>
 *   <li>Lifecycle: built by an {@link OptimizerProvider}, then bound to one fixed list of parameters on the
 *       first {@link #step}; its per-parameter state is keyed by parameter position and name, and a later
 *       step with another list is an {@link IllegalArgumentException}. It allocates only on the first step.
 *   <li>{@link #step} reads {@link Parameter#grad()} and never writes it (the trainer owns gradients and
 *       zeroes them); it changes {@link Parameter#value()} in place.
 *   <li>A step with learning rate 0 leaves every value unchanged (state such as moments may still advance);
 *       a NaN, infinite or negative learning rate is an {@link IllegalArgumentException}, before anything
 *       changes.
 *   <li>Descent: on a smooth convex loss with a small enough rate, repeated steps lower the loss.
 *   <li>{@link #state()} is a deep copy; {@link #restore} of it into a fresh optimizer of the same provider and
 *       options continues bit-for-bit (same values after the same further steps).
 *   <li>Not thread-safe.
 * </ul>
 */
public interface Optimizer {

    /**
     * Applies one update to every parameter's value from its gradient, in place.
     *
     * @param learningRate this step's rate, from the schedule (finite, ≥ 0)
     * @param parameters the parameters to update (the same list at every step)
     * @throws IllegalArgumentException on an invalid rate or another parameter list than the bound one
     */
    void step(List<Parameter> parameters, double learningRate);

    /**
     * A deep copy of the internal state (step counter, moment buffers).
     *
     * @return a copy of the state
     */
    OptimizerState state();

    /**
     * Replaces the internal state by a copy of {@code state}.
     *
     * @param state a state of the same kind of optimizer
     * @throws IllegalArgumentException when the state was not made by this kind of optimizer
     */
    void restore(OptimizerState state);

    /**
     * Told the mean loss of every validation (after the step that preceded it), for optimizers that change what
     * they do when validation stalls (NT-ASGD starts averaging). The default ignores it.
     *
     * @param validationLoss the mean validation loss in nats (the loss of the weights that were evaluated: the
     *                       averaged ones while {@link #hasAverage()})
     */
    default void afterValidation(double validationLoss) {
    }

    /**
     * Whether this optimizer keeps an average of the iterates that evaluation and the saved model should use
     * instead of the current weights (averaged SGD once it has started averaging). The default: false.
     *
     * @return true when {@link #swapAverage} has an average to swap in
     */
    default boolean hasAverage() {
        return false;
    }

    /**
     * Exchanges each parameter's values with their average (so calling it twice restores the parameters): the
     * trainer swaps the average in to validate and to finish a run, and back to go on training. Only called
     * while {@link #hasAverage()}; the default refuses.
     *
     * @param parameters the parameters this optimizer is bound to
     * @throws IllegalStateException when there is no average
     */
    default void swapAverage(List<Parameter> parameters) {
        throw new IllegalStateException(getClass().getSimpleName() + " keeps no average of the weights");
    }

    /**
     * Checks a learning rate as {@link #step} must.
     *
     * @param learningRate the rate to check
     * @throws IllegalArgumentException unless {@code learningRate} is finite and ≥ 0
     */
    static void checkLearningRate(double learningRate) {
        if (!(learningRate >= 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be a finite number >= 0, got " + learningRate);
        }
    }
}
