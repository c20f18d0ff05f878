package dev.recur.spi;

import java.util.List;

/**
 * A named, stateless factory of plugins, found through {@link java.util.ServiceLoader}.
 *
 * <p>Lifecycle: a provider is instantiated once per {@link ProviderRegistry} (with its public no-arg
 * constructor) and shared; it must be stateless and thread-safe. Its {@link #name()} is what model files,
 * checkpoints and the CLI store; it must never change once published. Every built plugin is a fresh object
 * owned by the caller.
 */
public interface Provider {

    /**
     * The stable lowercase-kebab name, for example {@code elman} or {@code global-norm}.
     *
     * @return the name
     */
    String name();

    /**
     * One line saying what the plugin does.
     *
     * @return the description
     */
    String description();

    /**
     * The options the plugin accepts, with their defaults. Unknown options are rejected.
     *
     * @return the declared options
     */
    List<OptionSpec> options();
}
