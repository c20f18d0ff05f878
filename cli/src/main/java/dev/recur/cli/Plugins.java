package dev.recur.cli;

import dev.recur.spi.CellProvider;
import dev.recur.spi.ClipperProvider;
import dev.recur.spi.OptimizerProvider;
import dev.recur.spi.Provider;
import dev.recur.spi.ProviderRegistry;
import dev.recur.spi.SamplerProvider;
import dev.recur.spi.ScheduleProvider;
import dev.recur.spi.UnknownProviderException;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The providers bound into Guice (one MapBinder per kind, keyed by name), looked up by name after the
 * command line is parsed; an unknown name lists the available ones.
 */
public final class Plugins {

    private final Map<String, CellProvider> cells;
    private final Map<String, OptimizerProvider> optimizers;
    private final Map<String, ClipperProvider> clippers;
    private final Map<String, SamplerProvider> samplers;
    private final Map<String, ScheduleProvider> schedules;

    @Inject
    public Plugins(Map<String, CellProvider> cells, Map<String, OptimizerProvider> optimizers,
                   Map<String, ClipperProvider> clippers, Map<String, SamplerProvider> samplers,
                   Map<String, ScheduleProvider> schedules) {
        this.cells = new TreeMap<>(cells);
        this.optimizers = new TreeMap<>(optimizers);
        this.clippers = new TreeMap<>(clippers);
        this.samplers = new TreeMap<>(samplers);
        this.schedules = new TreeMap<>(schedules);
    }

    private static <P extends Provider> P get(String kind, Map<String, P> map, String name) {
        P p = map.get(name);
        if (p == null) {
            throw new UnknownProviderException(kind, name, List.copyOf(map.keySet()));
        }
        return p;
    }

    public CellProvider cell(String name) {
        return get("cell", cells, name);
    }

    public OptimizerProvider optimizer(String name) {
        return get("optimizer", optimizers, name);
    }

    public ClipperProvider clipper(String name) {
        return get("clipper", clippers, name);
    }

    public SamplerProvider sampler(String name) {
        return get("sampler", samplers, name);
    }

    public ScheduleProvider schedule(String name) {
        return get("schedule", schedules, name);
    }

    /**
     * The class loader to discover providers with: {@code parent}, plus every jar in the directories given
     * with {@code --plugins DIR} (or {@code --plugins=DIR}) anywhere in {@code args}. Providers are discovered
     * before the command line is parsed, so this looks at the raw arguments.
     *
     * @throws UsageException when a plugin directory does not exist or holds no jar
     */
    public static ClassLoader loader(String[] args, ClassLoader parent) {
        java.util.List<java.net.URL> urls = new java.util.ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String dir = null;
            if (args[i].equals("--plugins") && i + 1 < args.length) {
                dir = args[++i];
            } else if (args[i].startsWith("--plugins=")) {
                dir = args[i].substring("--plugins=".length());
            }
            if (dir == null) {
                continue;
            }
            java.nio.file.Path d = java.nio.file.Path.of(dir);
            if (!java.nio.file.Files.isDirectory(d)) {
                throw new UsageException("--plugins " + dir + ": no such directory");
            }
            try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(d)) {
                for (java.nio.file.Path jar : files.filter(f -> f.toString().endsWith(".jar")).sorted().toList()) {
                    urls.add(jar.toUri().toURL());
                }
            } catch (java.io.IOException e) {
                throw new UsageException("--plugins " + dir + ": cannot list: " + e.getMessage());
            }
            if (urls.isEmpty()) {
                throw new UsageException("--plugins " + dir + ": holds no .jar file");
            }
        }
        return urls.isEmpty() ? parent : new java.net.URLClassLoader(urls.toArray(new java.net.URL[0]), parent);
    }

    /** The cells as a registry (for model-file loading). */
    public ProviderRegistry<CellProvider> cellRegistry() {
        return ProviderRegistry.of("cell", List.copyOf(cells.values()));
    }

    /** Every kind with its providers, sorted: cells, optimizers, clippers, schedules, samplers. */
    public Map<String, List<? extends Provider>> all() {
        Map<String, List<? extends Provider>> m = new java.util.LinkedHashMap<>();
        m.put("cells", List.copyOf(cells.values()));
        m.put("optimizers", List.copyOf(optimizers.values()));
        m.put("clippers", List.copyOf(clippers.values()));
        m.put("schedules", List.copyOf(schedules.values()));
        m.put("samplers", List.copyOf(samplers.values()));
        return m;
    }
}
