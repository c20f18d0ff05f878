package dev.recur.math.internal;

import dev.recur.math.Activation;
import dev.recur.math.MathKernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A dedicated pool of {@code threads − 1} daemon workers plus the calling thread, for splitting one kernel
 * call into parts. Idle workers PARK after a short, bounded spin ({@link #SPIN_NANOS}), so an idle pool
 * costs no CPU — on a 2-vCPU machine open-ended spin-waiting (OpenMP's default) was measured to slow PyTorch
 * down by 1.7× to 2.8×. The spin covers the gap between two kernel calls of one training step or between two
 * generated tokens (a few microseconds), where waking a parked thread would cost more than the work.
 *
 * <p>{@link #invoke} allocates nothing: the task is a caller-owned object. One invoke at a time (the pool
 * belongs to one training or generation thread); it is not reentrant.
 */
public final class ComputePool implements AutoCloseable {

    /** A unit of parallel work: {@code run(part, parts)} for every part in [0, parts). */
    public interface Task {
        /**
         * Runs part {@code part} of {@code parts} (0-based), on a pool thread or the caller.
         *
         * @param part this part's index
         * @param parts how many parts the work has
         */
        void run(int part, int parts);
    }

    /** How long an idle worker (or the waiting caller) spins before it parks. */
    static final long SPIN_NANOS = Long.getLong("recur.pool.spinMicros", 100L) * 1000L;

    /**
     * Spinning threads read the clock only every CLOCK_EVERY + 1 turns (a clock read in a VM costs tens of ns,
     * more than the pause between two turns, and delayed noticing new work).
     */
    private static final int CLOCK_EVERY = 63;

    private final int threads;
    private final Worker[] workers;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile int generation;
    private volatile boolean closed;
    private volatile Task task;
    private volatile Thread caller;
    private volatile Throwable failure;
    /** Set by the caller before it parks (rechecking afterwards), so workers unpark it only then. */
    private volatile boolean callerParked;

    /** A pool that runs work on {@code threads} threads in total (the caller included). */
    public ComputePool(int threads) {
        if (threads < 1 || threads > 1024) {
            throw new IllegalArgumentException("threads must be in [1, 1024], got " + threads);
        }
        this.threads = threads;
        this.workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(i + 1);
            workers[i].start();
        }
    }

    /** Threads that share the work (the caller included). */
    public int threads() {
        return threads;
    }

    /** Runs {@code t} split into {@link #threads()} parts and returns when every part is done. */
    public void invoke(Task t) {
        if (workers.length == 0) {
            t.run(0, 1);
            return;
        }
        if (closed) {
            throw new IllegalStateException("the compute pool is closed");
        }
        task = t;
        caller = Thread.currentThread();
        failure = null;
        pending.set(workers.length);
        generation++;
        for (Worker w : workers) {
            if (w.parked) { // a spinning worker sees the new generation by itself: no unpark (a futex call)
                LockSupport.unpark(w);
            }
        }
        Throwable own = null;
        try {
            t.run(0, threads);
        } catch (Throwable e) {
            own = e;
        }
        long start = 0;
        int spins = 0;
        while (pending.get() != 0) {
            if ((++spins & CLOCK_EVERY) != 0) {
                Thread.onSpinWait();
                continue;
            }
            long now = System.nanoTime();
            if (start == 0) {
                start = now;
            }
            if (now - start < SPIN_NANOS) {
                Thread.onSpinWait();
            } else {
                callerParked = true;
                if (pending.get() != 0) {
                    LockSupport.park(this);
                }
                callerParked = false;
            }
        }
        task = null;
        Throwable f = own != null ? own : failure;
        if (f instanceof RuntimeException r) {
            throw r;
        }
        if (f instanceof Error e) {
            throw e;
        }
        if (f != null) {
            throw new IllegalStateException(f);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Worker w : workers) {
            LockSupport.unpark(w);
        }
    }

    private final class Worker extends Thread {
        private final int index;
        private int seen;
        /**
         * Set before parking and followed by a re-check of the generation; the caller writes the generation
         * before it reads this flag, so one of the two always sees the other (no lost wake-up).
         */
        volatile boolean parked;

        Worker(int index) {
            super("recur-compute-" + index);
            this.index = index;
            setDaemon(true);
        }

        @Override
        public void run() {
            while (true) {
                long start = 0;
                int spins = 0;
                int g;
                while ((g = generation) == seen) {
                    if (closed) {
                        return;
                    }
                    if ((++spins & CLOCK_EVERY) != 0) {
                        Thread.onSpinWait();
                        continue;
                    }
                    long now = System.nanoTime();
                    if (start == 0) {
                        start = now;
                    }
                    if (now - start < SPIN_NANOS) {
                        Thread.onSpinWait();
                    } else {
                        parked = true;
                        if (generation == seen && !closed) {
                            LockSupport.park(this);
                        }
                        parked = false;
                    }
                }
                seen = g;
                try {
                    task.run(index, threads);
                } catch (Throwable e) {
                    failure = e;
                }
                if (pending.decrementAndGet() == 0 && callerParked) {
                    LockSupport.unpark(caller);
                }
            }
        }
    }
}
