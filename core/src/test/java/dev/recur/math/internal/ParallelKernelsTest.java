package dev.recur.math.internal;

import dev.recur.math.Activation;
import dev.recur.math.Kernels;
import dev.recur.math.MathKernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Split products are bit-identical to serial ones for any thread count; failures propagate. */
class ParallelKernelsTest {

    static final long SEED = 77L;
    static final ComputePool POOL2 = new ComputePool(2);
    static final ComputePool POOL3 = new ComputePool(3);

    @AfterAll
    static void close() {
        POOL2.close();
        POOL3.close();
    }

    static float[] rnd(int n, SplittableRandom r) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return a;
    }

    @Test
    void gemmsAreBitIdenticalToSerial() {
        MathKernels base = Kernels.get();
        SplittableRandom r = new SplittableRandom(SEED);
        int[][] shapes = {{130, 200, 64}, {7, 1000, 300}, {300, 7, 700}, {64, 97, 129}, {1, 5000, 256}, {9, 300, 70},
            {13, 100, 300}, {5, 500, 40}, {3, 200, 50}, {33, 47, 600}};
        for (ComputePool pool : new ComputePool[] {POOL2, POOL3}) {
            ParallelKernels par = new ParallelKernels(base, pool);
            for (int[] s : shapes) {
                int m = s[0], n = s[1], k = s[2];
                float[] a = rnd(m * k, r);
                float[] at = rnd(k * m, r);
                float[] b = rnd(k * n, r);
                float[] bt = rnd(n * k, r);
                for (boolean acc : new boolean[] {false, true}) {
                    float[] c0 = rnd(m * n, r);
                    float[] c1 = c0.clone();
                    base.gemmNN(m, n, k, a, 0, k, b, 0, n, c0, 0, n, acc);
                    par.gemmNN(m, n, k, a, 0, k, b, 0, n, c1, 0, n, acc);
                    assertArrayEquals(c0, c1, "NN " + m + "x" + n + "x" + k + " threads " + pool.threads());
                    base.gemmTN(m, n, k, at, 0, m, b, 0, n, c0, 0, n, acc);
                    par.gemmTN(m, n, k, at, 0, m, b, 0, n, c1, 0, n, acc);
                    assertArrayEquals(c0, c1, "TN " + m + "x" + n + "x" + k + " threads " + pool.threads());
                    base.gemmNT(m, n, k, a, 0, k, bt, 0, k, c0, 0, n, acc);
                    par.gemmNT(m, n, k, a, 0, k, bt, 0, k, c1, 0, n, acc);
                    assertArrayEquals(c0, c1, "NT " + m + "x" + n + "x" + k + " threads " + pool.threads());
                }
            }
        }
    }

    @Test
    void fusedRecurrenceStepsAreBitIdenticalToTheUnfusedSerialCalls() {
        // gemm + activation (forward step) and gemm + add + multiply (backward step): every part finishes its own
        // block, by columns (batch-1 generation, C training) or by rows; all activations, leading dimension > n
        MathKernels base = Kernels.get();
        SplittableRandom r = new SplittableRandom(SEED);
        int[][] shapes = {{1, 512, 512}, {32, 512, 512}, {32, 100, 100}, {3, 256, 300}, {300, 40, 70}, {2, 65, 512},
            {8, 97, 129}};
        for (ComputePool pool : new ComputePool[] {POOL2, POOL3}) {
            ParallelKernels par = new ParallelKernels(base, pool);
            for (int[] s : shapes) {
                int m = s[0], n = s[1], k = s[2], ld = n + 3;
                float[] a = rnd(m * k, r);
                float[] b = rnd(k * n, r);
                for (Activation act : Activation.values()) {
                    String what = act + " " + m + "x" + n + "x" + k + " threads " + pool.threads() + " (seed " + SEED + ")";
                    float[] c0 = rnd(m * ld, r);
                    float[] c1 = c0.clone();
                    float[] c2 = c0.clone();
                    float[] y0 = new float[m * ld];
                    float[] y1 = new float[m * ld];
                    float[] y2 = new float[m * ld];
                    float[] d0 = new float[m * ld];
                    float[] d1 = new float[m * ld];
                    float[] d2 = new float[m * ld];
                    base.gemmNN(m, n, k, a, 0, k, b, 0, n, c0, 0, ld, true);
                    for (int i = 0; i < m; i++) {
                        base.activate(act, n, c0, i * ld, y0, i * ld, d0, i * ld);
                    }
                    base.gemmNNActivate(m, n, k, a, 0, k, b, 0, n, c1, 0, ld, true, act, y1, 0, d1, 0);
                    par.gemmNNActivate(m, n, k, a, 0, k, b, 0, n, c2, 0, ld, true, act, y2, 0, d2, 0);
                    assertArrayEquals(c0, c1, "pre, serial fused, " + what);
                    assertArrayEquals(y0, y1, "y, serial fused, " + what);
                    assertArrayEquals(d0, d1, "d, serial fused, " + what);
                    assertArrayEquals(c0, c2, "pre, parallel, " + what);
                    assertArrayEquals(y0, y2, "y, parallel, " + what);
                    assertArrayEquals(d0, d2, "d, parallel, " + what);
                }
                float[] g = rnd(m * ld, r);
                float[] sc = rnd(m * ld, r);
                float[] c0 = rnd(m * ld, r);
                float[] c1 = c0.clone();
                float[] c2 = c0.clone();
                float[] e0 = rnd(m * ld, r);
                float[] e1 = e0.clone();
                float[] e2 = e0.clone();
                base.gemmNN(m, n, k, a, 0, k, b, 0, n, c0, 0, ld, false);
                for (int i = 0; i < m; i++) {
                    base.axpy(n, 1f, g, i * ld, c0, i * ld);
                    base.multiply(n, c0, i * ld, sc, i * ld, e0, i * ld);
                }
                base.gemmNNAddMultiply(m, n, k, a, 0, k, b, 0, n, c1, 0, ld, g, 0, sc, 0, e1, 0);
                par.gemmNNAddMultiply(m, n, k, a, 0, k, b, 0, n, c2, 0, ld, g, 0, sc, 0, e2, 0);
                String what = m + "x" + n + "x" + k + " threads " + pool.threads() + " (seed " + SEED + ")";
                assertArrayEquals(c0, c1, "add-multiply c, serial fused, " + what);
                assertArrayEquals(e0, e1, "add-multiply e, serial fused, " + what);
                assertArrayEquals(c0, c2, "add-multiply c, parallel, " + what);
                assertArrayEquals(e0, e2, "add-multiply e, parallel, " + what);
            }
        }
    }

    @Test
    void forColumnsCoversEveryColumnOnceWithSerialKernels() {
        MathKernels base = Kernels.get();
        for (ComputePool pool : new ComputePool[] {POOL2, POOL3}) {
            ParallelKernels par = new ParallelKernels(base, pool);
            for (int[] s : new int[][] {{1, 512}, {1, 130}, {32, 512}, {32, 40}, {2, 100}}) {
                int rows = s[0], n = s[1];
                for (long flops : new long[] {10, 1L << 24}) {
                    java.util.concurrent.atomic.AtomicIntegerArray hits = new java.util.concurrent.atomic.AtomicIntegerArray(n);
                    java.util.concurrent.atomic.AtomicInteger parts = new java.util.concurrent.atomic.AtomicInteger();
                    par.forColumns(rows, n, flops, (j0, j1, kk) -> {
                        assertEquals(base, kk, "a part gets the serial kernels");
                        parts.incrementAndGet();
                        for (int j = j0; j < j1; j++) {
                            hits.incrementAndGet(j);
                        }
                    });
                    for (int j = 0; j < n; j++) {
                        assertEquals(1, hits.get(j), "column " + j + " of " + rows + "x" + n + ", flops " + flops);
                    }
                    if (flops < ParallelKernels.THRESHOLD_FLOPS) {
                        assertEquals(1, parts.get(), rows + "x" + n + ": small work stays in one part");
                    } else if (n == 512) {
                        assertTrue(parts.get() > 1, rows + "x" + n + ", flops " + flops + ": " + parts.get() + " parts");
                    }
                }
            }
        }
        int[] once = new int[1];
        base.forColumns(1, 512, 1L << 30, (j0, j1, kk) -> {
            assertEquals(0, j0);
            assertEquals(512, j1);
            once[0]++;
        });
        assertEquals(1, once[0], "serial kernels run the task once over all columns");
    }

    /** Generation keeps each core's columns of the weights in its own cache: a thread gets the same range every call. */
    @Test
    void forColumnsGivesEachThreadTheSameColumnsAtEveryCall() {
        for (ComputePool pool : new ComputePool[] {POOL2, POOL3}) {
            ParallelKernels par = new ParallelKernels(Kernels.get(), pool);
            for (int n : new int[] {512, 384, 1000}) {
                java.util.Map<Thread, String> owned = new java.util.concurrent.ConcurrentHashMap<>();
                java.util.Set<String> ranges = java.util.concurrent.ConcurrentHashMap.newKeySet();
                for (int call = 0; call < 50; call++) {
                    int c = call;
                    par.forColumns(1, n, 1L << 24, (j0, j1, kk) -> {
                        String range = j0 + ".." + j1;
                        ranges.add(range);
                        String before = owned.putIfAbsent(Thread.currentThread(), range);
                        assertEquals(before == null ? range : before, range,
                                Thread.currentThread().getName() + ", n = " + n + ", call " + c);
                    });
                }
                assertTrue(ranges.size() > 1, "n = " + n + " is split: " + ranges);
                assertEquals(ranges.size(), owned.size(), "one range per thread, n = " + n + ": " + owned);
            }
        }
    }

    @Test
    void splitPassesAreBitIdenticalToSerial() {
        // bias add, column sums and transpose above the element threshold, with offsets and leading dimensions
        MathKernels base = Kernels.get();
        SplittableRandom r = new SplittableRandom(SEED);
        for (ComputePool pool : new ComputePool[] {POOL2, POOL3}) {
            ParallelKernels par = new ParallelKernels(base, pool);
            for (int[] s : new int[][] {{700, 1001}, {2048, 130}, {130, 2049}, {512, 512}}) {
                int rows = s[0], cols = s[1], ld = cols + 5;
                float[] a = rnd(rows * ld + 3, r);
                float[] v = rnd(cols + 2, r);
                float[] c0 = rnd(rows * ld + 3, r);
                float[] c1 = c0.clone();
                base.addRowVector(rows, cols, v, 2, c0, 3, ld);
                par.addRowVector(rows, cols, v, 2, c1, 3, ld);
                assertArrayEquals(c0, c1, "addRowVector " + rows + "x" + cols + " threads " + pool.threads());
                float[] o0 = rnd(cols + 4, r);
                float[] o1 = o0.clone();
                base.sumRows(rows, cols, a, 3, ld, o0, 4);
                par.sumRows(rows, cols, a, 3, ld, o1, 4);
                assertArrayEquals(o0, o1, "sumRows " + rows + "x" + cols + " threads " + pool.threads());
                float[] t0 = rnd(cols * (rows + 2) + 1, r);
                float[] t1 = t0.clone();
                base.transpose(rows, cols, a, 3, ld, t0, 1, rows + 2);
                par.transpose(rows, cols, a, 3, ld, t1, 1, rows + 2);
                assertArrayEquals(t0, t1, "transpose " + rows + "x" + cols + " threads " + pool.threads());
            }
        }
    }

    @Test
    void softmaxGradientsAreIdenticalAndLossClose() {
        MathKernels base = Kernels.get();
        ParallelKernels par = new ParallelKernels(base, POOL2);
        SplittableRandom r = new SplittableRandom(SEED);
        int rows = 301, cols = 2000;
        float[] logits = rnd(rows * cols, r);
        int[] t = new int[rows];
        for (int i = 0; i < rows; i++) {
            t[i] = r.nextInt(cols);
        }
        float[] l1 = logits.clone();
        float[] l2 = logits.clone();
        double a = base.softmaxCrossEntropy(rows, cols, l1, 0, cols, t, 0, 0.01f);
        double b = par.softmaxCrossEntropy(rows, cols, l2, 0, cols, t, 0, 0.01f);
        // Same arithmetic per row (exp and horizontal sums are deterministic), so the gradients are the same bits;
        // the loss is summed over parts in another order, so only close.
        assertArrayEquals(l1, l2, "softmax gradients with 2 threads (seed " + SEED + ")");
        assertEquals(a, b, 1e-9 * Math.abs(a));
    }

    @Test
    void aFailingPartIsRethrownAndThePoolStaysUsable() {
        ComputePool pool = new ComputePool(2);
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.invoke((part, parts) -> {
                if (part == 1) {
                    throw new IllegalStateException("boom in part " + part);
                }
            }));
            assertEquals("boom in part 1", e.getMessage());
            int[] hits = new int[2];
            pool.invoke((part, parts) -> hits[part]++);
            assertArrayEquals(new int[] {1, 1}, hits);
        } finally {
            pool.close();
        }
    }

    @Test
    void workersThatParkedAreWokenAndNoInvokeIsLost() throws Exception {
        // alternates back-to-back invokes (workers still spinning) with pauses far beyond the spin (workers
        // and, for slow parts, the caller parked): every part must run exactly once per invoke, none may hang
        ComputePool pool = new ComputePool(3);
        try {
            java.util.concurrent.atomic.AtomicIntegerArray hits = new java.util.concurrent.atomic.AtomicIntegerArray(3);
            java.util.SplittableRandom r = new java.util.SplittableRandom(SEED);
            org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60), () -> {
                for (int i = 0; i < 300; i++) {
                    int pause = r.nextInt(4); // 0: none, 1: 50 µs, 2: 2 ms, 3: a slow worker part (2 ms)
                    if (pause == 1) {
                        java.util.concurrent.locks.LockSupport.parkNanos(50_000);
                    } else if (pause == 2) {
                        Thread.sleep(2);
                    }
                    pool.invoke((part, parts) -> {
                        if (pause == 3 && part == 2) {
                            java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
                        }
                        hits.incrementAndGet(part);
                    });
                }
            }, "seed " + SEED);
            for (int p = 0; p < 3; p++) {
                assertEquals(300, hits.get(p), "part " + p + " (seed " + SEED + ")");
            }
        } finally {
            pool.close();
        }
    }
}
