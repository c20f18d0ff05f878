package dev.recur.cli.commands;

import picocli.CommandLine.Option;

/** {@code --seed S} (a picocli mixin): the same seed gives the same result. */
public final class SeedOption {

    @Option(names = "--seed", defaultValue = "1", description = "Seed: the same seed gives the same result.")
    long seed;

    public long seed() {
        return seed;
    }
}
