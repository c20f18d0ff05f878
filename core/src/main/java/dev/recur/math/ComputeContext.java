package dev.recur.math;

import dev.recur.math.internal.ComputePool;
import dev.recur.math.internal.ParallelKernels;
import java.util.Objects;

/**
 * Kernels split over a dedicated, sized thread pool (not the common pool), and that pool's lifetime: close
 * the context when the work is done. With one thread there is no pool and {@link #kernels()} is the base
 * kernels. Results are the same bits for every thread count: a split never cuts a summation.
 *
 * <pre>{@code
 * try (ComputeContext ctx = ComputeContext.open(Kernels.get(), 2)) {
 *     RnnLanguageModel model = RnnLanguageModel.create(spec, cells, outputs, seed, ctx.kernels());
 *     ...
 * }
 * }</pre>
 */
public final class ComputeContext implements AutoCloseable {

    /** The most threads a context may have. */
    public static final int MAX_THREADS = 256;

    private final MathKernels kernels;
    private final ComputePool pool;
    private final int threads;

    private ComputeContext(MathKernels kernels, ComputePool pool, int threads) {
        this.kernels = kernels;
        this.pool = pool;
        this.threads = threads;
    }

    /**
     * {@code base} split over {@code threads} threads (a new pool of daemon workers that park when idle).
     *
     * @param base the serial kernels to split
     * @param threads the number of threads (1: no pool)
     * @return a new context (close it)
     * @throws IllegalArgumentException unless 1 ≤ threads ≤ {@value #MAX_THREADS}
     */
    public static ComputeContext open(MathKernels base, int threads) {
        Objects.requireNonNull(base, "base");
        if (threads < 1 || threads > MAX_THREADS) {
            throw new IllegalArgumentException("threads must be in [1, " + MAX_THREADS + "], got " + threads);
        }
        if (threads == 1) {
            return new ComputeContext(base, null, 1);
        }
        ComputePool pool = new ComputePool(threads);
        return new ComputeContext(new ParallelKernels(base, pool), pool, threads);
    }

    /**
     * The number of processors the JVM may use: the default thread count of the commands that compute.
     *
     * @return the processors available, at least 1
     */
    public static int availableProcessors() {
        return Math.max(1, Math.min(MAX_THREADS, Runtime.getRuntime().availableProcessors()));
    }

    /**
     * The kernels to run on (valid until {@link #close()}).
     *
     * @return the kernels
     */
    public MathKernels kernels() {
        return kernels;
    }

    /**
     * The number of threads the kernels split over (1: no pool).
     *
     * @return the thread count
     */
    public int threads() {
        return threads;
    }

    /** Stops the pool's threads (idempotent). */
    @Override
    public void close() {
        if (pool != null) {
            pool.close();
        }
    }
}
