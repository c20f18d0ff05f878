package dev.recur.cli;

import dev.recur.math.ComputePool;
import dev.recur.math.MathKernels;
import dev.recur.math.ParallelKernels;
import java.util.function.Function;

/** {@code --threads N} of the commands that compute: the injected kernels, split over a pool when N > 1. */
final class ComputeThreads {

    static final int MAX = 256;

    private ComputeThreads() {
    }

    /** Usage error unless {@code threads} is in [1, {@value #MAX}]. */
    static void check(int threads) {
        if (threads < 1 || threads > MAX) {
            throw new UsageException("--threads must be in [1, " + MAX + "], got " + threads);
        }
    }

    /**
     * Runs {@code body} on {@code base} (1 thread) or on {@code base} split over a dedicated pool of
     * {@code threads} threads, closed afterwards. Results are the same bits for any thread count.
     */
    static int with(MathKernels base, int threads, Function<MathKernels, Integer> body) {
        check(threads);
        if (threads == 1) {
            return body.apply(base);
        }
        try (ComputePool pool = new ComputePool(threads)) {
            return body.apply(new ParallelKernels(base, pool));
        }
    }
}
