package dev.recur.spi;

import java.util.Map;
import java.util.TreeMap;

/**
 * The internal state of an {@link Optimizer}, for checkpoints: named buffers and named scalars.
 *
 * @param tensors buffers such as {@code m/W_h}; copied on construction
 * @param scalars counters and rates such as {@code step}
 */
public record OptimizerState(Map<String, float[]> tensors, Map<String, Double> scalars) {
    /**
     * Copies the buffers and scalars (sorted by name, unmodifiable).
     *
     * @param tensors buffers such as {@code m/W_h}; copied on construction
     * @param scalars counters and rates such as {@code step}
     */
    public OptimizerState {
        Map<String, float[]> copy = new TreeMap<>();
        tensors.forEach((k, v) -> copy.put(k, v.clone()));
        tensors = java.util.Collections.unmodifiableMap(copy);
        scalars = java.util.Collections.unmodifiableMap(new TreeMap<>(scalars));
    }
}
