package dev.recur.spi;

import java.util.List;

/**
 * Updates parameters from their gradients.
 *
 * <p>Lifecycle: built by an {@link OptimizerProvider}, then bound to one fixed list of parameters on the
 * first {@link #step}; its per-parameter state (moments, velocities) is keyed by parameter name. It never
 * zeroes or keeps gradients (the trainer owns them) and allocates only on the first step. Not thread-safe.
 * {@link #state()} and {@link #restore} make training resume exactly from a checkpoint.
 */
public interface Optimizer {

    /** Applies one update to every parameter's value from its gradient, in place. */
    void step(List<Parameter> parameters);

    /** The learning rate the next step uses. */
    double learningRate();

    /** Changes the learning rate (schedules call this before each step). */
    void setLearningRate(double learningRate);

    /** A deep copy of the internal state (step counter, moment buffers). */
    OptimizerState state();

    /** Replaces the internal state by a copy of {@code state}. */
    void restore(OptimizerState state);
}
