package dev.recur.spi;

import java.util.Map;

/** Builds {@link Optimizer}s. Register in {@code META-INF/services/dev.recur.spi.OptimizerProvider}. */
public interface OptimizerProvider extends Provider {

    /**
     * A new optimizer. The options are the update rule's (momentum, β, ε …); the learning rate is not one of
     * them (see {@link Optimizer}).
     *
     * @param options the provider's options as {@code key → value}
     * @return a new optimizer
     * @throws IllegalArgumentException on unknown or invalid options
     */
    Optimizer create(Map<String, String> options);

    /**
     * The base learning rate a run uses with this optimizer when none is given (finite, > 0).
     *
     * @return the default base rate
     */
    double defaultLearningRate();
}
