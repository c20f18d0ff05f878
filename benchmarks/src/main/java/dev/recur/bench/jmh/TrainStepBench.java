package dev.recur.bench.jmh;

import dev.recur.model.ModelWorkspace;

import dev.recur.cells.ElmanCell;
import dev.recur.math.Activation;
import dev.recur.math.ComputeContext;
import dev.recur.math.Kernels;
import dev.recur.math.MathKernels;
import dev.recur.model.RnnLanguageModel;
import dev.recur.optim.GlobalNormClipper;
import dev.recur.optim.Sgd;
import dev.recur.cli.bench.Workload;
import dev.recur.spi.Parameter;
import java.util.List;
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

/** One full training step of workload W or C (zero, forward, backward, clip, SGD). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class TrainStepBench {

    @Param({"W", "C"})
    public String workload;

    @Param({"1", "2"})
    public int threads;

    RnnLanguageModel model;
    ModelWorkspace ws;
    List<Parameter> params;
    Sgd sgd;
    GlobalNormClipper clip;
    ComputeContext pool;
    int[] in;
    int[] tgt;
    float[] state;
    Workload w;

    @Setup(Level.Trial)
    public void setup() {
        w = Workload.parse(workload);
        MathKernels k = Kernels.vector();
        if (threads > 1) {
            pool = ComputeContext.open(k, threads);
            k = pool.kernels();
        }
        model = new RnnLanguageModel(w.vocab(), w.embedding(), new ElmanCell(w.embedding(), w.hidden(), Activation.TANH,
                dev.recur.cells.Initialization.UNIFORM, 1.0, 1, k), 1, k);
        ws = model.newWorkspace(w.batch(), w.bptt());
        params = model.parameters();
        sgd = new Sgd();
        clip = new GlobalNormClipper(0.25, k);
        SplittableRandom r = new SplittableRandom(1);
        in = new int[w.batch() * w.bptt()];
        tgt = new int[in.length];
        for (int i = 0; i < in.length; i++) {
            in[i] = r.nextInt(w.vocab());
            tgt[i] = r.nextInt(w.vocab());
        }
        state = model.newState(w.batch());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (pool != null) {
            pool.close();
        }
    }

    @Benchmark
    public double step() {
        for (Parameter p : params) {
            p.zeroGrad();
        }
        double loss = model.trainWindow(ws, w.bptt(), 0, in, tgt, state, state);
        clip.clip(params);
        sgd.step(params, 1.0);
        return loss;
    }
}
