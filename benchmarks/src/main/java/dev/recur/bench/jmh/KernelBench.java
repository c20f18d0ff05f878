package dev.recur.bench.jmh;

import dev.recur.math.ComputeContext;
import dev.recur.math.Kernels;
import dev.recur.math.MathKernels;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The kernels on the shapes that matter: the GEMM workload's three products (in all three orientations) and
 * the fused softmax + cross-entropy of W's output layer, for the scalar reference, the Vector API kernels,
 * and the Vector API kernels on 2 threads. Run with {@code benchmarks/jmh.sh KernelBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class KernelBench {

    @Param({"1120x256x10000", "32x256x256", "1024x1024x1024"})
    public String shape;

    @Param({"vector", "vector-2t"})
    public String kernels;

    MathKernels k;
    ComputeContext pool;
    int m;
    int n;
    int kk;
    float[] a;
    float[] b;
    float[] c;
    int[] targets;

    @Setup(Level.Trial)
    public void setup() {
        String[] s = shape.split("x");
        m = Integer.parseInt(s[0]);
        kk = Integer.parseInt(s[1]);
        n = Integer.parseInt(s[2]);
        switch (kernels) {
            case "scalar" -> k = Kernels.scalar();
            case "vector" -> k = Kernels.vector();
            default -> {
                pool = ComputeContext.open(Kernels.vector(), 2);
                k = pool.kernels();
            }
        }
        SplittableRandom r = new SplittableRandom(1);
        a = new float[Math.max(m * kk, kk * m)];
        b = new float[Math.max(kk * n, n * kk)];
        c = new float[Math.max(m * n, m * kk)];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) r.nextDouble();
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) r.nextDouble();
        }
        targets = new int[m];
        for (int i = 0; i < m; i++) {
            targets[i] = r.nextInt(n);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (pool != null) {
            pool.close();
        }
    }

    /** C[m×n] = A[m×k]·B[k×n] (forward products). */
    @Benchmark
    public float[] gemmNN() {
        k.gemmNN(m, n, kk, a, 0, kk, b, 0, n, c, 0, n, false);
        return c;
    }

    /** C[k×n] += Aᵀ·B with A [m×k] (weight gradients: Hᵀ·dLogits). */
    @Benchmark
    public float[] gemmTN() {
        k.gemmTN(kk, n, m, a, 0, kk, b, 0, n, c, 0, n, true);
        return c;
    }

    /** C[m×k] = A[m×n]·Bᵀ with B [k×n] (input gradients: dLogits·Uᵀ). */
    @Benchmark
    public float[] gemmNT() {
        k.gemmNT(m, kk, n, c, 0, n, b, 0, n, a, 0, kk, false);
        return a;
    }
}
