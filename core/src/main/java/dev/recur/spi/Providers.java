package dev.recur.spi;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Every kind of plugin recur knows, each as an immutable {@link ProviderRegistry}: cells, output layers,
 * optimizers, gradient clippers, learning-rate schedules and samplers. What a training run, a model-file
 * reader or a front end looks plugins up in. Immutable and thread-safe.
 *
 * @param cells      {@link CellProvider}s
 * @param outputs    {@link OutputLayerProvider}s
 * @param optimizers {@link OptimizerProvider}s
 * @param clippers   {@link ClipperProvider}s
 * @param schedules  {@link ScheduleProvider}s
 * @param samplers   {@link SamplerProvider}s
 */
public record Providers(ProviderRegistry<CellProvider> cells, ProviderRegistry<OutputLayerProvider> outputs,
                        ProviderRegistry<OptimizerProvider> optimizers, ProviderRegistry<ClipperProvider> clippers,
                        ProviderRegistry<ScheduleProvider> schedules, ProviderRegistry<SamplerProvider> samplers) {

    /**
     * Requires every registry.
     *
     * @param cells {@link CellProvider}s
     * @param outputs {@link OutputLayerProvider}s
     * @param optimizers {@link OptimizerProvider}s
     * @param clippers {@link ClipperProvider}s
     * @param schedules {@link ScheduleProvider}s
     * @param samplers {@link SamplerProvider}s
     */
    public Providers {
        Objects.requireNonNull(cells, "cells");
        Objects.requireNonNull(outputs, "outputs");
        Objects.requireNonNull(optimizers, "optimizers");
        Objects.requireNonNull(clippers, "clippers");
        Objects.requireNonNull(schedules, "schedules");
        Objects.requireNonNull(samplers, "samplers");
    }

    /**
     * Every provider visible to {@code loader}, found with {@link java.util.ServiceLoader} (the one discovery).
     *
     * @param loader the class loader that sees the provider jars
     * @return the providers found
     */
    public static Providers load(ClassLoader loader) {
        return new Providers(ProviderRegistry.load("cell", CellProvider.class, loader),
                ProviderRegistry.load("output", OutputLayerProvider.class, loader),
                ProviderRegistry.load("optimizer", OptimizerProvider.class, loader),
                ProviderRegistry.load("clipper", ClipperProvider.class, loader),
                ProviderRegistry.load("schedule", ScheduleProvider.class, loader),
                ProviderRegistry.load("sampler", SamplerProvider.class, loader));
    }

    /**
     * Every provider visible to the class loader that loaded recur-core.
     *
     * @return the providers found
     */
    public static Providers load() {
        return load(Providers.class.getClassLoader());
    }

    /**
     * Every kind with its providers, sorted by name: cells, outputs, optimizers, clippers, schedules, samplers.
     *
     * @return kind → providers
     */
    public Map<String, List<? extends Provider>> byKind() {
        Map<String, List<? extends Provider>> m = new LinkedHashMap<>();
        m.put("cells", cells.providers());
        m.put("outputs", outputs.providers());
        m.put("optimizers", optimizers.providers());
        m.put("clippers", clippers.providers());
        m.put("schedules", schedules.providers());
        m.put("samplers", samplers.providers());
        return m;
    }
}
