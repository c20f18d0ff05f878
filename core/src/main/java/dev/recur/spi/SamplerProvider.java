package dev.recur.spi;

import java.util.Map;

/** Builds {@link Sampler}s. Register in {@code META-INF/services/dev.recur.spi.SamplerProvider}. */
public interface SamplerProvider extends Provider {

    /**
     * A new sampler.
     *
     * @param options the provider's options as {@code key → value}
     * @return a new sampler
     * @throws IllegalArgumentException on unknown or invalid options
     */
    Sampler create(Map<String, String> options);
}
