package dev.recur.spi;

import java.util.Objects;

/**
 * One documented option of a provider.
 *
 * @param name         the key, lowercase-kebab ({@code lr}, {@code max-norm})
 * @param defaultValue the value used when the option is not given (declared once, here)
 * @param description  one line for {@code recur list --verbose}
 */
public record OptionSpec(String name, String defaultValue, String description) {
    /**
     * Validates the name and requires a default and a description.
     *
     * @param name the key, lowercase-kebab ({@code lr}, {@code max-norm})
     * @param defaultValue the value used when the option is not given (declared once, here)
     * @param description one line for {@code recur list --verbose}
     */
    public OptionSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(defaultValue, "defaultValue");
        Objects.requireNonNull(description, "description");
        if (!ProviderRegistry.VALID_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("option name must be lowercase-kebab, got '" + name + "'");
        }
    }
}
