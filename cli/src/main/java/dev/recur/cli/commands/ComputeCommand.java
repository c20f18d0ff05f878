package dev.recur.cli.commands;

import dev.recur.math.MathKernels;
import dev.recur.spi.Providers;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/**
 * A command that computes with the model kernels: it gets the providers and the default kernels injected,
 * takes {@code --threads}, checks its options, and runs on the kernels split over a context that is closed
 * afterwards.
 */
abstract class ComputeCommand implements Callable<Integer> {

    @Mixin
    ThreadsOption threads;

    /** Every plugin, by kind and name (the one snapshot the injector holds). */
    protected final Providers providers;
    private final MathKernels defaultKernels;

    ComputeCommand(Providers providers, MathKernels kernels) {
        this.providers = providers;
        this.defaultKernels = kernels;
    }

    @Override
    public final Integer call() {
        validate();
        threads.check();
        return threads.run(defaultKernels, this::run);
    }

    /** Usage errors found in the options alone, before anything is read or built. */
    void validate() {
    }

    /** The command's work on {@code kernels} (valid until it returns); returns the exit code. */
    abstract int run(MathKernels kernels);
}
