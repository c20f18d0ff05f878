package dev.recur.spi;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A plugin chosen by provider name, with its options ({@code key → value}): how run descriptions, model
 * files and checkpoints name a cell, an output layer, an optimizer, a schedule or a clipper.
 *
 * @param name    the provider's lowercase-kebab name
 * @param options the options as given (the provider validates them and fills in defaults)
 */
public record ProviderChoice(String name, Map<String, String> options) {
    /**
     * Validates the name (lowercase-kebab) and copies the options (sorted, unmodifiable).
     *
     * @param name the provider's lowercase-kebab name
     * @param options the options as given (the provider validates them and fills in defaults)
     */
    public ProviderChoice {
        Objects.requireNonNull(name, "name");
        if (!ProviderRegistry.VALID_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a provider name must be lowercase-kebab (like global-norm), got '"
                    + name + "'");
        }
        options = java.util.Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(options, "options")));
    }

    /**
     * The provider {@code name} with its default options.
     *
     * @param name the provider's name
     * @return the choice
     */
    public static ProviderChoice of(String name) {
        return new ProviderChoice(name, Map.of());
    }

    /**
     * The same choice with every option the provider declares, at its effective value (what files store, so
     * that a later change of a default does not change a saved run).
     *
     * @param provider the provider the choice names
     * @param kind the plugin kind in messages ("cell", "optimizer", …)
     * @return the resolved choice
     * @throws IllegalArgumentException on an unknown option, naming the known ones
     */
    public ProviderChoice resolved(Provider provider, String kind) {
        if (!provider.name().equals(name)) {
            throw new IllegalArgumentException("choice names " + kind + " '" + name + "', got provider '"
                    + provider.name() + "'");
        }
        return new ProviderChoice(name, Options.parse(kind, provider, options).asMap());
    }

    @Override
    public String toString() {
        return options.isEmpty() ? name : name + " " + options;
    }
}
