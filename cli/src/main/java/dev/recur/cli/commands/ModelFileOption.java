package dev.recur.cli.commands;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --model FILE} (a picocli mixin) of the commands that use a trained model. */
public final class ModelFileOption {

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "A model file saved by recur train.")
    Path model;

    public Path path() {
        return model;
    }
}
