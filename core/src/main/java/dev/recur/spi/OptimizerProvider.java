package dev.recur.spi;

import java.util.Map;

/** Builds {@link Optimizer}s. Register in {@code META-INF/services/dev.recur.spi.OptimizerProvider}. */
public interface OptimizerProvider extends Provider {

    /**
     * A new optimizer.
     *
     * @throws IllegalArgumentException on unknown or invalid options
     */
    Optimizer create(Map<String, String> options);
}
