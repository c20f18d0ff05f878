package dev.recur.spi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * An immutable name → provider snapshot of one SPI, loaded once with {@link ServiceLoader}.
 *
 * <p>Loading validates every name (lowercase-kebab) and fails on a duplicate name, naming both classes.
 * {@link #get(String)} on an unknown name throws {@link UnknownProviderException} listing the available
 * names. Thread-safe.
 *
 * @param <P> the provider interface
 */
public final class ProviderRegistry<P extends Provider> {

    /** Lowercase-kebab: {@code elman}, {@code global-norm}, {@code top-p}. */
    public static final Pattern VALID_NAME = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");

    private final String kind;
    private final Map<String, P> byName;

    private ProviderRegistry(String kind, Map<String, P> byName) {
        this.kind = kind;
        this.byName = Collections.unmodifiableMap(byName);
    }

    /**
     * Loads every provider of {@code type} visible to {@code loader}.
     *
     * @param <P> the provider interface
     * @param kind the plugin kind in messages ("cell", "optimizer", …)
     * @param type the provider interface
     * @param loader the class loader that sees the provider jars
     * @return the registry
     */
    public static <P extends Provider> ProviderRegistry<P> load(String kind, Class<P> type, ClassLoader loader) {
        List<P> found = new ArrayList<>();
        try {
            for (P p : ServiceLoader.load(type, loader)) {
                found.add(p);
            }
        } catch (ServiceConfigurationError e) {
            throw new IllegalStateException("cannot load " + kind + " providers: " + e.getMessage(), e);
        }
        return of(kind, found);
    }

    /**
     * Loads every provider of {@code type} visible to the thread context class loader.
     *
     * @param <P> the provider interface
     * @param kind the plugin kind in messages ("cell", "optimizer", …)
     * @param type the provider interface
     * @return the registry
     */
    public static <P extends Provider> ProviderRegistry<P> load(String kind, Class<P> type) {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        return load(kind, type, cl != null ? cl : type.getClassLoader());
    }

    /**
     * A registry over explicit providers (tests, embedding), with the same validation as {@link #load}.
     *
     * @param <P> the provider interface
     * @param kind the plugin kind in messages ("cell", "optimizer", …)
     * @param providers the providers
     * @return the registry
     */
    public static <P extends Provider> ProviderRegistry<P> of(String kind, List<? extends P> providers) {
        Map<String, P> map = new TreeMap<>();
        for (P p : providers) {
            String name = Objects.requireNonNull(p.name(), () -> p.getClass().getName() + ".name() returned null");
            if (!VALID_NAME.matcher(name).matches()) {
                throw new IllegalStateException(kind + " provider " + p.getClass().getName()
                        + " has an invalid name '" + name + "': names must be lowercase-kebab (like global-norm)");
            }
            P previous = map.putIfAbsent(name, p);
            if (previous != null) {
                throw new IllegalStateException("duplicate " + kind + " name '" + name + "': provided by both "
                        + previous.getClass().getName() + " and " + p.getClass().getName());
            }
        }
        return new ProviderRegistry<>(kind, map);
    }

    /**
     * "cell", "optimizer", ...
     *
     * @return the kind
     */
    public String kind() {
        return kind;
    }

    /**
     * The provider called {@code name}.
     *
     * @param name the provider's name
     * @return the provider
     * @throws UnknownProviderException listing the available names
     */
    public P get(String name) {
        P p = byName.get(name);
        if (p == null) {
            throw new UnknownProviderException(kind, name, names());
        }
        return p;
    }

    /**
     * Whether a provider is called {@code name}.
     *
     * @param name the provider's name
     * @return whether it is registered
     */
    public boolean contains(String name) {
        return byName.containsKey(name);
    }

    /**
     * The names, sorted.
     *
     * @return the names
     */
    public List<String> names() {
        return List.copyOf(byName.keySet());
    }

    /**
     * The providers, sorted by name.
     *
     * @return the providers
     */
    public List<P> providers() {
        return List.copyOf(byName.values());
    }
}
