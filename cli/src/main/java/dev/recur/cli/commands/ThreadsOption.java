package dev.recur.cli.commands;

import dev.recur.cli.UsageException;
import dev.recur.math.ComputeContext;
import dev.recur.math.MathKernels;
import java.util.function.Function;
import picocli.CommandLine.Option;

/** {@code --threads N} of every command that computes (a picocli mixin). */
public final class ThreadsOption {

    @Option(names = "--threads", paramLabel = "N",
            description = "Compute threads (default: the available processors; results are the same bits for any N).")
    int threads = ComputeContext.availableProcessors();

    /** The thread count given (or the default). */
    public int threads() {
        return threads;
    }

    /** Usage error unless the count is in [1, {@value ComputeContext#MAX_THREADS}]. */
    public void check() {
        if (threads < 1 || threads > ComputeContext.MAX_THREADS) {
            throw new UsageException("--threads must be in [1, " + ComputeContext.MAX_THREADS + "], got " + threads);
        }
    }

    /** Runs {@code body} on {@code base} split over the threads, in a context closed afterwards. */
    public <T> T run(MathKernels base, Function<MathKernels, T> body) {
        check();
        try (ComputeContext ctx = ComputeContext.open(base, threads)) {
            return body.apply(ctx.kernels());
        }
    }
}
