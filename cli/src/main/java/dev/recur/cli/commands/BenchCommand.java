package dev.recur.cli.commands;

import dev.recur.cli.ExitCode;
import dev.recur.cli.UsageException;
import dev.recur.cli.render.Json;
import dev.recur.cli.bench.Throughput;
import dev.recur.cli.bench.Workload;
import picocli.CommandLine.Mixin;

import dev.recur.cells.ElmanCell;
import dev.recur.cells.ElmanCellProvider;
import dev.recur.model.ModelSpec;
import dev.recur.spi.Providers;
import dev.recur.math.Activation;
import dev.recur.math.MathKernels;
import dev.recur.model.RnnLanguageModel;
import dev.recur.optim.GlobalNormClipper;
import dev.recur.optim.Sgd;
import dev.recur.samplers.TemperatureSampler;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code recur bench}: the standard workloads on random tokens, one JSON line each. */
@Command(name = "bench", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = {"Throughput of the standard workloads on random tokens, printed as JSON lines:",
                "W, C: training tokens/s (median over --steps full steps after a warm-up of",
                "  at least 10 steps and --warmup-seconds, for the JIT to settle);",
                "G-W, G-C: batch-1 generation tokens/s (median over chunks of 100 tokens, --steps x 50 tokens,",
                "  after at least 5,000 tokens and --warmup-seconds of warm-up);",
                "GEMM: GFLOP/s of the three reference products (median over >= 1 s and >= 10 products",
                "  each, after --warmup-seconds of products of that shape)."})
public final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;
    @Option(names = "--workload", defaultValue = "W", description = "W, C, G-W, G-C, W33, W-A, W-A-267k or GEMM.")
    String workload;
    @Option(names = "--steps", defaultValue = "100", description = "Timed steps (generation: x 50 tokens).")
    int steps;
    @Mixin
    ThreadsOption threads;
    @Mixin
    SeedOption seedOption;
    @Mixin
    WeightsOption weightsOption;
    @Option(names = "--warmup-seconds", defaultValue = "5",
            description = "Minimum warm-up time before timing (besides 10 steps / 5,000 tokens), so the JIT settles.")
    double warmupSeconds;

    private final MathKernels defaultKernels;
    private final Providers providers;

    @Inject
    BenchCommand(Providers providers, MathKernels kernels) {
        this.providers = providers;
        this.defaultKernels = kernels;
    }

    @Override
    public Integer call() {
        threads.check();
        if (steps < 1) {
            throw new UsageException("--steps must be >= 1, got " + steps);
        }
        if (!(warmupSeconds >= 0 && warmupSeconds <= 3600)) {
            throw new UsageException("--warmup-seconds must be in [0, 3600], got " + warmupSeconds);
        }
        if (weightsOption.format() != dev.recur.math.WeightFormat.FP32
                && (workload.equalsIgnoreCase("GEMM") || !Workload.parse(workload).generation())) {
            throw new UsageException("--weights " + weightsOption.format().id()
                    + " applies to the generation workloads (G-W, G-C), not to " + workload);
        }
        return threads.run(defaultKernels, this::run);
    }

    private int run(MathKernels k) {
        PrintWriter out = spec.commandLine().getOut();
        if (workload.equalsIgnoreCase("GEMM")) {
            int[][] shapes = {{1024, 1024, 1024}, {1120, 10000, 256}, {32, 256, 256}};
            for (int[] s : shapes) {
                // the warm-up applies to each shape (the kernels they use differ); timed: ≥ 1 s and ≥ 10 products
                double g = Throughput.gemmGflops(k, s[0], s[1], s[2], warmupNanos(), 1_000_000_000L, 10, seedOption.seed());
                Map<String, Object> m = header("GEMM", k);
                m.put("shape", s[0] + "x" + s[1] + "x" + s[2]); // MxNxK, as the numpy peer prints it
                m.put("gflops", g);
                out.println(Json.object(m));
                out.flush();
            }
            return ExitCode.OK.code();
        }
        Workload w = Workload.parse(workload);
        RnnLanguageModel model = w.output().equals("softmax")
                ? new RnnLanguageModel(w.vocab(), w.embedding(), new ElmanCell(w.embedding(), w.hidden(), Activation.TANH,
                        dev.recur.cells.Initialization.UNIFORM, 1.0, seedOption.seed(), k), seedOption.seed(), k)
                : RnnLanguageModel.create(new ModelSpec("elman", Map.of("activation", "tanh"), w.vocab(), w.embedding(),
                        w.hidden(), 1, 0, false, w.output(), w.outputOptions()), new ElmanCellProvider(),
                        providers.outputs().get(w.output()), seedOption.seed(), k);
        model.reduceWeights(weightsOption.format());
        Throughput.Result r = w.generation()
                ? Throughput.generation(model, new TemperatureSampler(1.0, k), 5000, warmupNanos(), steps * 50, seedOption.seed())
                : Throughput.training(model, new Sgd(), 1.0, new GlobalNormClipper(0.25, k), w, 10, warmupNanos(), steps,
                        seedOption.seed());
        Map<String, Object> m = header(w.name(), k);
        m.put("vocab", w.vocab());
        m.put("embedding", w.embedding());
        m.put("hidden", w.hidden());
        m.put("output", w.output());
        m.put("batch", w.batch());
        m.put("bptt", w.bptt());
        m.put("timed", r.timed());
        m.put("median_tokens_per_s", r.medianTokensPerSecond());
        m.put("min_tokens_per_s", r.min());
        m.put("max_tokens_per_s", r.max());
        out.println(Json.object(m));
        out.flush();
        return ExitCode.OK.code();
    }

    private long warmupNanos() {
        return (long) (warmupSeconds * 1e9);
    }

    private Map<String, Object> header(String name, MathKernels k) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("framework", "recur");
        m.put("workload", name);
        m.put("threads", threads.threads());
        m.put("kernels", k.name());
        m.put("jdk", Runtime.version().toString());
        m.put("seed", seedOption.seed());
        m.put("weights", weightsOption.format().id());
        return m;
    }
}
