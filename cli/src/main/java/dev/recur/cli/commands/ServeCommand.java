package dev.recur.cli.commands;

import dev.recur.cli.ExitCode;
import dev.recur.cli.UsageException;
import dev.recur.io.ModelFiles;
import dev.recur.io.proto.ModelFile;
import dev.recur.math.MathKernels;
import dev.recur.model.LanguageModel;
import dev.recur.serve.ModelService;
import dev.recur.serve.RecurServer;
import dev.recur.serve.ServeOptions;
import dev.recur.spi.Providers;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code recur serve}. */
@Command(name = "serve", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = {"Serve a model over HTTP until stopped (Ctrl-C or SIGTERM let the requests in flight finish):",
                "POST /v1/completions (stream: Server-Sent Events), POST /v1/score, GET /v1/models, GET /health,",
                "GET /metrics (Prometheus), and a playground page at /."})
public final class ServeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;
    @Mixin
    ModelFileOption model;

    @Mixin
    WeightsOption weightsOption;
    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (0.0.0.0: every interface).")
    String host;
    @Option(names = "--port", defaultValue = "8080", description = "Port (0 picks a free one).")
    int port;
    @Option(names = "--max-concurrent", description = "Requests computed at once (default: the available processors).")
    Integer maxConcurrent;
    @Option(names = "--max-queue", defaultValue = "32", description = "Requests waiting for a slot; one more gets 429.")
    int maxQueue;
    @Option(names = "--max-tokens", defaultValue = "2048", description = "The largest max_tokens a request may ask for.")
    int maxTokens;
    @Option(names = "--max-prompt", defaultValue = "20000", description = "The longest prompt or scored text, in characters.")
    int maxPrompt;
    @Option(names = "--max-body", defaultValue = "1048576", description = "The largest request body, in bytes.")
    long maxBody;
    @Option(names = "--timeout", defaultValue = "60s", converter = Durations.class,
            description = "A request's time limit, waiting included (90s, 2m...).")
    Duration timeout;
    @Option(names = "--drain", defaultValue = "30s", converter = Durations.class,
            description = "On stop, how long the requests in flight may take to finish.")
    Duration drain;

    private final Providers providers;
    private final MathKernels kernels;

    @Inject
    ServeCommand(Providers providers, MathKernels kernels) {
        this.providers = providers;
        this.kernels = kernels;
    }

    @Override
    public Integer call() throws InterruptedException {
        int concurrent = maxConcurrent != null ? maxConcurrent : Runtime.getRuntime().availableProcessors();
        ServeOptions opts;
        try {
            opts = new ServeOptions(host, port, concurrent, maxQueue, maxBody, maxPrompt, maxTokens, 8, 256, timeout);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        ModelFile file = ModelFiles.read(model.path());
        // each request computes on one core with the plain kernels; requests run side by side
        LanguageModel lm = weightsOption.apply(ModelFiles.toModel(model.path().toString(), file, providers, kernels),
                spec.commandLine().getErr());
        String name = model.path().getFileName().toString();
        RecurServer server = new RecurServer(new ModelService(name, lm, providers, file.getTrainingMap()), opts);
        int bound;
        try {
            bound = server.start();
        } catch (RuntimeException e) {
            throw new UsageException("cannot listen on " + host + ":" + port + ": " + rootMessage(e));
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf("recur serve: %s on http://%s:%d/ (%d at once, queue %d, timeout %ds)%n", name, host, bound,
                concurrent, maxQueue, timeout.toSeconds());
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            server.stop(drain);
            stopped.countDown();
        }, "recur-serve-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        stopped.await();
        return ExitCode.OK.code();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
