package dev.recur.spark;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import dev.recur.io.Checkpoints;
import dev.recur.io.ModelFileException;
import dev.recur.io.ModelFiles;
import dev.recur.math.ComputeContext;
import dev.recur.math.Kernels;
import dev.recur.math.MathKernels;
import dev.recur.model.Evaluation;
import dev.recur.model.Evaluator;
import dev.recur.model.Generator;
import dev.recur.model.LanguageModel;
import dev.recur.model.ModelSpec;
import dev.recur.model.Regularization;
import dev.recur.spi.ProviderChoice;
import dev.recur.spi.Providers;
import dev.recur.spi.UnknownProviderException;
import dev.recur.text.CorpusException;
import dev.recur.text.Tokenizer;
import dev.recur.text.Tokenizers;
import dev.recur.train.Checkpoint;
import dev.recur.train.RunSpec;
import dev.recur.train.TrainerConfig;
import dev.recur.train.TrainingDivergedException;
import dev.recur.train.TrainingRun;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code recur spark-train}: the options of {@code recur train}, plus {@code --workers} and {@code --sync-every},
 * run as data-parallel training on a Spark cluster (the main class of the shaded jar for {@code spark-submit}).
 */
@Command(name = "spark-train", mixinStandardHelpOptions = true, showDefaultValues = true, sortOptions = false,
        description = {"Train a language model on Apache Spark: each of --workers replicas trains on its own shard of",
                "the corpus and the weights are averaged every --sync-every steps. The model file is the one",
                "recur train writes."})
public final class SparkTrain implements Callable<Integer> {

    @Option(names = "--master", description = "Spark master URL (default: the one spark-submit gives).")
    String master;
    @Option(names = "--workers", defaultValue = "2", description = "Replicas (Spark tasks per round), one shard each.")
    int workers;
    @Option(names = "--sync-every", defaultValue = "50", description = "Steps each replica takes between averagings (K).")
    int syncEvery;
    @Option(names = "--aggregation", defaultValue = "auto", description = "How replicas' states are summed: driver "
            + "(all to the driver, summed there), tree (pairwise on the executors, one sum to the driver) or auto "
            + "(driver up to 4 workers, tree beyond).")
    String aggregation;
    @Option(names = "--threads", description = "Threads of the driver's validation (default: its processors).")
    Integer threads;

    @Option(names = "--corpus", required = true, paramLabel = "PATH", description = "Training text: any path Spark reads (file:, hdfs:, s3a: ...).")
    String corpus;
    @Option(names = "--valid", paramLabel = "PATH", description = "Validation text (default: the last --valid-fraction of the corpus).")
    String valid;
    @Option(names = "--valid-fraction", defaultValue = "0.1", description = "Share of the corpus held out when --valid is not given.")
    double validFraction;
    @Option(names = "--test", paramLabel = "PATH", description = "Test text, evaluated once at the end.")
    String test;
    @Option(names = "--level", defaultValue = "char", description = "Tokens: word or char.")
    String level;
    @Option(names = "--min-count", defaultValue = "1", description = "Word level: rarer words become <unk>.")
    int minCount;
    @Option(names = "--max-vocab", defaultValue = "0", description = "Word level: keep at most this many tokens (0 = all).")
    int maxVocab;
    @Option(names = "--cell", defaultValue = "elman", description = "Cell provider (see recur list cells).")
    String cell;
    @Option(names = "--activation", description = "Shortcut for --cell-option activation=NAME.")
    String activation;
    @Option(names = "--cell-option", paramLabel = "KEY=VALUE", description = "A cell option (repeatable).")
    Map<String, String> cellOptions = new LinkedHashMap<>();
    @Option(names = "--hidden", defaultValue = "256", description = "Hidden size H.")
    int hidden;
    @Option(names = "--embedding", defaultValue = "64", description = "Embedding size E.")
    int embedding;
    @Option(names = "--layers", defaultValue = "1", description = "Stacked cells.")
    int layers;
    @Option(names = "--dropout", defaultValue = "0", description = "Dropout (training only).")
    double dropout;
    @Option(names = "--dropout-input", description = "Dropout on the embeddings fed to the first cell (default: --dropout).")
    Double dropoutInput;
    @Option(names = "--dropout-hidden", description = "Dropout between stacked cells (default: --dropout).")
    Double dropoutHidden;
    @Option(names = "--dropout-output", description = "Dropout on the top cell's outputs (default: --dropout).")
    Double dropoutOutput;
    @Option(names = "--locked-dropout", description = "Variational dropout: one mask per sequence and window, shared by its time steps.")
    boolean lockedDropout;
    @Option(names = "--dropout-embedding", description = "Whole-word dropout on the embedding (each word's row, per window).")
    Double dropoutEmbedding;
    @Option(names = "--weight-drop", description = "DropConnect on the recurrent weights (one mask per window).")
    Double weightDrop;
    @Option(names = "--ar", description = "Activation regularisation: α·mean(h²) of the top outputs.")
    Double ar;
    @Option(names = "--tar", description = "Temporal activation regularisation: β·mean((h(t)−h(t−1))²).")
    Double tar;
    @Option(names = "--output", defaultValue = "softmax", description = "Output layer provider.")
    String output;
    @Option(names = "--output-option", paramLabel = "KEY=VALUE", description = "An output layer option (repeatable).")
    Map<String, String> outputOptions = new LinkedHashMap<>();
    @Option(names = "--tie-weights", description = "Use the embedding (transposed) as the output projection.")
    boolean tieWeights;
    @Option(names = "--bptt", defaultValue = "64", description = "Steps per window (k1).")
    int bptt;
    @Option(names = "--bptt-history", defaultValue = "0", description = "k2 >= k1 steps of gradient history (0 = k1).")
    int bpttHistory;
    @Option(names = "--batch", defaultValue = "32", description = "Streams per mini-batch, per replica.")
    int batch;
    @Option(names = "--optimizer", defaultValue = "adam", description = "Optimizer provider.")
    String optimizer;
    @Option(names = "--lr", description = "Base learning rate (default: the optimizer's).")
    Double lr;
    @Option(names = "--optimizer-option", paramLabel = "KEY=VALUE", description = "An optimizer option (repeatable).")
    Map<String, String> optimizerOptions = new LinkedHashMap<>();
    @Option(names = "--schedule", defaultValue = "constant", description = "Learning-rate schedule provider.")
    String schedule;
    @Option(names = "--schedule-option", paramLabel = "KEY=VALUE", description = "A schedule option (repeatable).")
    Map<String, String> scheduleOptions = new LinkedHashMap<>();
    @Option(names = "--clipper", defaultValue = "global-norm", description = "Gradient clipper provider.")
    String clipper;
    @Option(names = "--clip", description = "Shortcut for --clipper-option max-norm=X (default 5).")
    Double clip;
    @Option(names = "--clipper-option", paramLabel = "KEY=VALUE", description = "A clipper option (repeatable).")
    Map<String, String> clipperOptions = new LinkedHashMap<>();
    @Option(names = "--epochs", defaultValue = "20", description = "Passes over the corpus.")
    int epochs;
    @Option(names = "--max-time", description = "Training time budget, like 90s, 20m, 1h (default: none when --epochs "
            + "or --max-steps is given, else 3m).")
    String maxTime;
    @Option(names = "--max-steps", defaultValue = "0", description = "Stop after this many steps per replica (0 = no limit).")
    long maxSteps;
    @Option(names = "--eval-every", defaultValue = "0", description = "Validate every N steps as well as per epoch (0 = per epoch); a multiple of --sync-every.")
    long evalEvery;
    @Option(names = "--seed", defaultValue = "42", description = "Random seed (initialisation, dropout, sampling).")
    long seed;
    @Option(names = "--out", defaultValue = "model.recur", paramLabel = "FILE", description = "Where the driver saves the model.")
    Path out;
    @Option(names = "--checkpoint-every", defaultValue = "0", description = "Write a driver checkpoint every N steps (0 = never).")
    long checkpointEvery;
    @Option(names = "--checkpoint", paramLabel = "FILE", description = "Checkpoint file (default: OUT.ckpt).")
    Path checkpoint;
    @Option(names = "--resume", paramLabel = "FILE", description = "Continue exactly from a driver checkpoint.")
    Path resume;
    @Option(names = "--metrics", paramLabel = "FILE", description = "Write one JSON line per round and validation.")
    Path metrics;
    @Option(names = "--sample-length", defaultValue = "300", description = "Tokens of sample text printed at the end (0 = none).")
    int sampleLength;
    @Option(names = {"-x", "--stacktrace"}, description = "Print the stack trace of an error.")
    boolean stacktrace;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Consecutive non-finite steps after which training stops (as recur train). */
    static final int MAX_BAD_STEPS = 5;
    /** Streams used for validation (as recur train). */
    static final int EVAL_BATCH = 10;

    @Override
    public Integer call() {
        validateOptions();
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter log = spec.commandLine().getErr();
        Providers providers = Providers.load(SparkTrain.class.getClassLoader());
        int driverThreads = threads != null ? threads : ComputeContext.availableProcessors();
        try (ComputeContext ctx = ComputeContext.open(Kernels.get(), driverThreads)) {
            MathKernels kernels = ctx.kernels();
            SparkConf conf = new SparkConf().setAppName("recur spark-train");
            if (master != null) {
                conf.setMaster(master);
            }
            if (!conf.contains("spark.master")) {
                throw new UsageException("no Spark master: give --master (local[2], spark://host:7077, ...) or run "
                        + "through spark-submit --master");
            }
            // a replica uses one core; a failed task is retried (Spark's default in a cluster, 4)
            conf.setIfMissing("spark.task.maxFailures", "4");
            try (JavaSparkContext sc = new JavaSparkContext(conf)) {
                sc.setLogLevel("WARN");
                return train(sc, providers, kernels, stdout, log);
            }
        }
    }

    private int train(JavaSparkContext sc, Providers providers, MathKernels kernels, PrintWriter stdout, PrintWriter log) {
        Checkpoint ckpt = resume == null ? null : Checkpoints.load(resume, providers, kernels);
        SparkCorpus.TokenizerSpec ts = ckpt != null ? SparkCorpus.TokenizerSpec.of(ckpt.model().tokenizer())
                : new SparkCorpus.TokenizerSpec(level, minCount, maxVocab);
        long t0 = System.nanoTime();
        SparkCorpus.Prepared data = SparkCorpus.prepare(sc, corpus, valid, validFraction, ts,
                ckpt != null ? ckpt.model().vocabulary() : null, workers);
        Tokenizer tok = data.tokenizer();
        log.printf(Locale.ROOT, "recur spark-train: %s, %s level, %,d training tokens in %d shards of %,d, %,d validation "
                        + "tokens, vocabulary %,d (read by Spark in %.1fs; master %s)%n", corpus, tok.level(),
                data.trainTokens(), workers, data.shardLength(), data.valid().length, data.vocabulary().size(),
                (System.nanoTime() - t0) / 1e9, sc.master());
        TrainingRun run = ckpt != null ? TrainingRun.resume(ckpt.withLimits(limits(ckpt.spec().trainer())), providers)
                : TrainingRun.start(runSpec(data.vocabulary().size()), tok, data.vocabulary(), providers, kernels);
        Checkpoint start = ckpt != null ? ckpt.withLimits(limits(ckpt.spec().trainer())) : initial(run);
        RunSpec rs = run.spec();
        ModelSpec ms = rs.model();
        TrainerConfig cfg = rs.trainer();
        if (cfg.evalEvery() > 0 && cfg.evalEvery() % syncEvery != 0) {
            throw new UsageException("--eval-every (" + cfg.evalEvery() + ") must be a multiple of --sync-every ("
                    + syncEvery + "): validation runs on the driver between rounds");
        }
        log.printf(Locale.ROOT, "model: %s %s, E=%d, H=%d, %d layer(s), regularisation %s%s, output %s %s; %s %s, lr %s; "
                        + "schedule %s %s; clipper %s %s%n", ms.cell(), ms.cellOptions(), ms.embeddingSize(),
                ms.hiddenSize(), ms.layers(), ms.regularization().describe(), ms.tieWeights() ? ", tied weights" : "", ms.output(),
                ms.outputOptions(), rs.optimizer().name(), rs.optimizer().options(), rs.learningRate().getAsDouble(),
                rs.schedule().name(), rs.schedule().options(), rs.clipper().name(), rs.clipper().options());
        log.printf(Locale.ROOT, "%d workers, sync every %d steps, %s aggregation; batch %d per worker, bptt %d, epochs %d, max time %s%s, "
                        + "seed %d%s%n", workers, syncEvery, aggregation().name().toLowerCase(Locale.ROOT), cfg.batchSize(), cfg.bptt(), cfg.epochs(),
                cfg.maxTime() == null ? "none" : cfg.maxTime(), cfg.maxSteps() > 0 ? ", max steps " + cfg.maxSteps() : "",
                rs.seed(), ckpt != null ? ", resuming at step " + ckpt.trainer().step() : "");
        log.flush();

        DataParallelRun dp = new DataParallelRun(sc, data.shards(), workers, syncEvery, start, run.schedule(),
                data.valid()).shardLength(data.shardLength()).aggregation(aggregation());
        dp.addListener(DataParallelRun.progress(log));
        BufferedWriter metricsOut = null;
        if (metrics != null) {
            try {
                metricsOut = Files.newBufferedWriter(metrics, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(metrics + ": cannot write metrics: " + e.getMessage(), e);
            }
            BufferedWriter mo = metricsOut;
            Gson gson = new GsonBuilder().serializeSpecialFloatingPointValues().create();
            dp.addListener(DataParallelRun.metrics(m -> {
                try {
                    mo.write(gson.toJson(m));
                    mo.newLine();
                    mo.flush();
                } catch (IOException e) {
                    throw new UncheckedIOException(metrics + ": cannot write metrics: " + e.getMessage(), e);
                }
            }));
        }
        Path ckptFile = checkpoint != null ? checkpoint : Path.of(out.toString() + ".ckpt");
        dp.addListener(new DataParallelRun.Listener() {
            @Override
            public void onCheckpoint(Checkpoint c) {
                Checkpoints.save(ckptFile, c);
            }
        });
        java.util.concurrent.CountDownLatch saved = new java.util.concurrent.CountDownLatch(1);
        Thread stopper = new Thread(() -> {
            dp.requestStop();
            try {
                saved.await(300, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "recur-spark-train-stop");
        Runtime.getRuntime().addShutdownHook(stopper);
        DataParallelRun.Outcome result;
        try {
            try {
                result = dp.run();
            } finally {
                if (metricsOut != null) {
                    try {
                        metricsOut.close();
                    } catch (IOException e) {
                        log.println("recur spark-train: " + metrics + ": " + e.getMessage());
                    }
                }
            }
            LanguageModel lm = dp.model();
            Evaluation v = Evaluator.evaluate(lm.network(), data.valid(), cfg.evalBatch(), cfg.bptt(), "validation corpus");
            ModelFiles.save(out, lm, summary(rs, result, v, sc.master()));
            stdout.printf(Locale.ROOT, "trained %,d rounds, %,d steps per worker on %,d tokens in %s (compute %.1fs, "
                            + "communication %.1fs); stopped: %s%n", result.rounds(), result.steps(), result.tokens(),
                    format(result.elapsed()), result.computeSeconds(), result.communicationSeconds(), result.stopReason());
            printEvaluation(stdout, "validation", v, tok);
            if (test != null) {
                var b = SparkCorpus.broadcast(sc, data.vocabulary());
                int[] testIds = SparkCorpus.encodeAll(sc, test, ts, b._1(), b._2());
                printEvaluation(stdout, "test", Evaluator.evaluate(lm.network(), testIds, cfg.evalBatch(), cfg.bptt(),
                        "test corpus"), tok);
            }
            stdout.printf("saved %s%n", out);
            if (sampleLength > 0) {
                stdout.printf("sample (temperature 0.8, seed %d):%n", rs.seed());
                new Generator(lm).generate("", sampleLength, new dev.recur.samplers.TemperatureSampler(0.8),
                        new SplittableRandom(rs.seed()), false, stdout::print);
                stdout.println();
            }
            stdout.flush();
            return 0;
        } finally {
            saved.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(stopper);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it returns now that the model is saved
            }
        }
    }

    /** A new run's starting point: its initial weights and optimizer state, every replica at the beginning. */
    private static Checkpoint initial(TrainingRun run) {
        LanguageModel lm = run.model();
        int stateSize = lm.network().newState(run.spec().trainer().batchSize()).length;
        return new Checkpoint(lm, run.spec(), run.optimizer().state(), run.schedule().state(),
                lm.network().dropoutState(), new dev.recur.train.TrainerState(1, 0, 0, 0, 0, 0, new float[stateSize],
                Double.NaN, null));
    }

    private static void printEvaluation(PrintWriter out, String what, Evaluation e, Tokenizer tok) {
        out.printf(Locale.ROOT, "%s: loss %.4f nats, perplexity %.2f%s%n", what, e.meanLoss(), e.perplexity(),
                tok.level().equals("char") ? String.format(Locale.ROOT, ", %.4f bits/char", e.bitsPerToken()) : "");
    }

    private Map<String, String> summary(RunSpec rs, DataParallelRun.Outcome r, Evaluation v, String sparkMaster) {
        TrainerConfig c = rs.trainer();
        Map<String, String> m = new LinkedHashMap<>();
        m.put("corpus", corpus);
        m.put("trainer", "recur spark-train, " + workers + " workers, sync every " + syncEvery + " steps, master "
                + sparkMaster);
        m.put("optimizer", rs.optimizer().name() + " " + rs.optimizer().options());
        m.put("learning_rate", String.valueOf(rs.learningRate().getAsDouble()));
        m.put("schedule", rs.schedule().name() + " " + rs.schedule().options());
        m.put("clipper", rs.clipper().name() + " " + rs.clipper().options());
        m.put("batch", String.valueOf(c.batchSize()));
        m.put("bptt", String.valueOf(c.bptt()));
        m.put("seed", String.valueOf(rs.seed()));
        m.put("steps", String.valueOf(r.steps()));
        m.put("rounds", String.valueOf(r.rounds()));
        m.put("tokens", String.valueOf(r.tokens()));
        m.put("stopped", r.stopReason());
        m.put("validation_loss", String.format(Locale.ROOT, "%.4f", v.meanLoss()));
        m.put("finished", java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        return m;
    }

    private DataParallelRun.Aggregation aggregation() {
        return switch (aggregation) {
            case "driver" -> DataParallelRun.Aggregation.DRIVER;
            case "tree" -> DataParallelRun.Aggregation.TREE;
            default -> workers <= 4 ? DataParallelRun.Aggregation.DRIVER : DataParallelRun.Aggregation.TREE;
        };
    }

    private void validateOptions() {
        if (!List.of("auto", "driver", "tree").contains(aggregation)) {
            throw new UsageException("--aggregation must be auto, driver or tree, got '" + aggregation + "'");
        }
        if (!Tokenizers.LEVELS.contains(level)) {
            throw new UsageException("--level must be word or char, got '" + level + "'");
        }
        if (!(validFraction > 0 && validFraction < 1)) {
            throw new UsageException("--valid-fraction must be in (0, 1), got " + validFraction);
        }
        if (workers < 1 || workers > 4096) {
            throw new UsageException("--workers must be in 1..4096, got " + workers);
        }
        if (syncEvery < 1) {
            throw new UsageException("--sync-every must be >= 1, got " + syncEvery);
        }
        if (clip != null && !clipper.equals("global-norm")) {
            throw new UsageException("--clip sets max-norm of the global-norm clipper; with --clipper " + clipper
                    + " use --clipper-option");
        }
        if (optimizer.equals("nt-asgd")) {
            throw new UsageException("spark-train does not run nt-asgd yet (its averaging starts at a validation, "
                    + "which the driver does not hand to the replicas' optimizers); use sgd or adam");
        }
        if (optimizerOptions.containsKey("lr")) {
            throw new UsageException("the learning rate is not an optimizer option (the schedule owns it): use --lr");
        }
        if (threads != null && (threads < 1 || threads > ComputeContext.MAX_THREADS)) {
            throw new UsageException("--threads must be in 1.." + ComputeContext.MAX_THREADS + ", got " + threads);
        }
    }

    private RunSpec runSpec(int vocabSize) {
        Map<String, String> cellOpts = new LinkedHashMap<>(cellOptions);
        if (activation != null) {
            cellOpts.put("activation", activation);
        }
        Map<String, String> clipOpts = new LinkedHashMap<>(clipperOptions);
        if (clip != null) {
            clipOpts.put("max-norm", String.valueOf(clip));
        }
        ModelSpec ms = new ModelSpec(cell, cellOpts, vocabSize, embedding, hidden, layers, Regularization.of(dropout,
                dropoutInput, dropoutHidden, dropoutOutput, lockedDropout, dropoutEmbedding, weightDrop, ar, tar),
                tieWeights, output, outputOptions);
        TrainerConfig cfg = new TrainerConfig(batch, bptt, bpttHistory, epochs, timeLimit(), evalEvery, 50, EVAL_BATCH,
                MAX_BAD_STEPS, seed, maxSteps, checkpointEvery);
        RunSpec rs = RunSpec.of(ms).withOptimizer(new ProviderChoice(optimizer, optimizerOptions))
                .withSchedule(new ProviderChoice(schedule, scheduleOptions)).withClipper(new ProviderChoice(clipper, clipOpts))
                .withTrainer(cfg).withData(List.of(corpus));
        return lr == null ? rs : rs.withLearningRate(lr);
    }

    private TrainerConfig limits(TrainerConfig saved) {
        return saved.withEpochs(epochs).withMaxTime(timeLimit()).withMaxSteps(maxSteps).withCheckpointEvery(checkpointEvery);
    }

    private Duration timeLimit() {
        if (maxTime != null) {
            return parseDuration(maxTime);
        }
        boolean bounded = spec.commandLine().getParseResult().hasMatchedOption("--epochs") || maxSteps > 0;
        return bounded ? null : Duration.ofMinutes(3);
    }

    static Duration parseDuration(String value) {
        try {
            return dev.recur.train.TimeBudgets.parse(value);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--max-time: " + e.getMessage());
        }
    }

    static String format(Duration d) {
        long s = d.toSeconds();
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm%02ds", s / 3600, s / 60 % 60, s % 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60)
                : String.format(Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
    }

    /** Bad command-line usage: exit code 2. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    /**
     * Runs the command; returns the exit code (0 ok, 1 internal error, 2 usage, 3 bad corpus, 4 bad model or
     * checkpoint file, 5 plugin not on the classpath, 6 training diverged, 7 cannot write).
     *
     * @param args the command line
     * @param out standard output
     * @param err standard error
     * @return the exit code
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new SparkTrain());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            Throwable cause = rootCause(ex);
            int code = exitCode(cause);
            String msg = cause.getMessage() == null ? cause.toString() : cause.getMessage();
            if (code == 1) {
                msg = "internal error: " + cause + " (run again with -x to see the stack trace)";
            }
            cmd.getErr().println("recur spark-train: " + oneLine(msg));
            if (parsed.expandedArgs().contains("-x") || parsed.expandedArgs().contains("--stacktrace")) {
                ex.printStackTrace(cmd.getErr());
            }
            cmd.getErr().flush();
            return code;
        });
        cl.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("recur spark-train: " + oneLine(ex.getMessage()));
            ex.getCommandLine().getErr().println("Try 'recur spark-train --help' for more information.");
            ex.getCommandLine().getErr().flush();
            return 2;
        });
        return cl.execute(args);
    }

    /** The exception the user should hear about: ours, inside Spark's job failures. */
    static Throwable rootCause(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (exitCode(t) != 1) {
                return t;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return ex;
    }

    static int exitCode(Throwable ex) {
        if (ex instanceof ModelFileException m) {
            return switch (m.kind()) {
                case BAD_FILE -> 4;
                case MISSING_PLUGIN -> 5;
                case WRITE_FAILED -> 7;
            };
        }
        if (ex instanceof UnknownProviderException) {
            return 5;
        }
        if (ex instanceof CorpusException) {
            return 3;
        }
        if (ex instanceof TrainingDivergedException) {
            return 6;
        }
        if (ex instanceof UsageException || ex instanceof IllegalArgumentException) {
            return 2;
        }
        if (ex instanceof UncheckedIOException) {
            return 7;
        }
        return 1;
    }

    static String oneLine(String s) {
        String t = s.replaceAll("[\\r\\n\\t]+", " ").trim();
        return t.length() > 400 ? t.substring(0, 397) + "..." : t;
    }

    /**
     * The entry point of {@code spark-submit} and of {@code recur spark-train}.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        if (Boolean.getBoolean("recur.spark.quiet") && System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "classpath:dev/recur/spark/log4j2-quiet.properties");
        }
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        int code = run(args, out, err);
        out.flush();
        err.flush();
        System.exit(code);
    }
}
