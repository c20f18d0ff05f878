package dev.recur.spi;

import java.util.Map;

/** Builds {@link GradientClipper}s. Register in {@code META-INF/services/dev.recur.spi.ClipperProvider}. */
public interface ClipperProvider extends Provider {

    /**
     * A new clipper.
     *
     * @param options the provider's options as {@code key → value}
     * @return a new clipper
     * @throws IllegalArgumentException on unknown or invalid options
     */
    GradientClipper create(Map<String, String> options);
}
