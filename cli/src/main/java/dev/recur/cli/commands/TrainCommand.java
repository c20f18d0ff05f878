package dev.recur.cli.commands;

import dev.recur.cli.ExitCode;
import dev.recur.cli.UsageException;
import dev.recur.cli.render.MetricsWriter;
import dev.recur.cli.render.ProgressListener;
import dev.recur.io.Checkpoints;
import dev.recur.io.ModelFiles;
import dev.recur.math.MathKernels;
import dev.recur.model.Evaluation;
import dev.recur.model.Evaluator;
import dev.recur.model.Generator;
import dev.recur.model.LanguageModel;
import dev.recur.model.ModelSpec;
import dev.recur.model.Regularization;
import dev.recur.spi.ProviderChoice;
import dev.recur.spi.Providers;
import dev.recur.text.CorpusException;
import dev.recur.text.Tokenizer;
import dev.recur.text.Tokenizers;
import dev.recur.text.Vocabulary;
import dev.recur.train.Checkpoint;
import dev.recur.train.RunSpec;
import dev.recur.train.TrainerConfig;
import dev.recur.train.TrainingListener;
import dev.recur.train.TrainingResult;
import dev.recur.train.TrainingRun;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code recur train}: options → a {@link RunSpec} (or a checkpoint) → a {@link TrainingRun}. */
@Command(name = "train", mixinStandardHelpOptions = true, showDefaultValues = true, sortOptions = false,
        description = {"Train a language model on a UTF-8 text corpus, save it and print a sample.",
                "Without --corpus it trains on the built-in Dickens novel for at most --max-time (3 minutes by default)."})
public final class TrainCommand extends ComputeCommand {

    /** Streams used for validation. */
    static final int EVAL_BATCH = 10;
    /** Consecutive non-finite steps after which training stops. */
    static final int MAX_BAD_STEPS = 5;

    @Spec
    CommandSpec spec;

    @Option(names = "--preset", paramLabel = "NAME", description = "A recipe (recur list presets): its options first, "
            + "then yours, which override them.")
    String preset;
    @Option(names = "--corpus", paramLabel = "FILE", description = "Training text (default: the built-in Dickens novel).")
    Path corpus;
    @Option(names = "--valid", paramLabel = "FILE", description = "Validation text (default: the last --valid-fraction of the corpus).")
    Path valid;
    @Option(names = "--valid-fraction", defaultValue = "0.1", description = "Share of the corpus held out when --valid is not given.")
    double validFraction;
    @Option(names = "--test", paramLabel = "FILE", description = "Test text, evaluated once at the end.")
    Path test;
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
    @Option(names = "--dropout", defaultValue = "0", description = "Dropout on embeddings, between layers and on outputs (training only).")
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
    @Option(names = "--output", defaultValue = "softmax", description = "Output layer provider (see recur list outputs).")
    String output;
    @Option(names = "--output-option", paramLabel = "KEY=VALUE", description = "An output layer option (repeatable).")
    Map<String, String> outputOptions = new LinkedHashMap<>();
    @Option(names = "--tie-weights", description = "Use the embedding (transposed) as the output projection (needs --embedding = --hidden).")
    boolean tieWeights;
    @Option(names = "--bptt", defaultValue = "64", description = "Steps per window (k1).")
    int bptt;
    @Option(names = "--bptt-history", defaultValue = "0", description = "k2 >= k1 steps of gradient history (0 = k1).")
    int bpttHistory;
    @Option(names = "--batch", defaultValue = "32", description = "Streams per mini-batch.")
    int batch;
    @Option(names = "--optimizer", defaultValue = "adam", description = "Optimizer provider.")
    String optimizer;
    @Option(names = "--lr", description = "Base learning rate, handed to the schedule (default: the optimizer's).")
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
    @Option(names = "--max-time", converter = Durations.class,
            description = "Training time budget, like 90s, 20m, 1h (default: none when --epochs or --max-steps is "
                    + "given, else 3m).")
    Duration maxTime;
    @Option(names = "--max-steps", defaultValue = "0", description = "Stop after this many steps in total (0 = no limit).")
    long maxSteps;
    @Option(names = "--eval-every", defaultValue = "0", description = "Validate every N steps as well as per epoch (0 = per epoch).")
    long evalEvery;
    @Option(names = "--log-every", defaultValue = "50", description = "Progress every N steps.")
    int logEvery;
    @Mixin
    SeedOption seed;
    @Option(names = "--out", defaultValue = "model.recur", paramLabel = "FILE", description = "Where to save the model.")
    Path out;
    @Option(names = "--checkpoint-every", defaultValue = "0", description = "Write a checkpoint every N steps (0 = never).")
    long checkpointEvery;
    @Option(names = "--checkpoint", paramLabel = "FILE", description = "Checkpoint file (default: OUT.ckpt).")
    Path checkpoint;
    @Option(names = "--resume", paramLabel = "FILE", description = "Continue exactly from a checkpoint.")
    Path resume;
    @Option(names = "--metrics", paramLabel = "FILE", description = "Write one JSON line per logged step and validation.")
    Path metrics;
    @Option(names = "--sample-length", defaultValue = "300", description = "Tokens of sample text printed at the end (0 = none).")
    int sampleLength;

    @Inject
    TrainCommand(Providers providers, MathKernels kernels) {
        super(providers, kernels);
    }

    @Override
    int run(MathKernels kernels) {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter log = spec.commandLine().getErr();
        Checkpoint ckpt = resume == null ? null : Checkpoints.load(resume, providers, kernels);
        Path corpusFile = corpus;
        if (ckpt != null && corpusFile == null && !ckpt.spec().data().isEmpty() && !ckpt.spec().data().get(0).isEmpty()) {
            corpusFile = Path.of(ckpt.spec().data().get(0));
        }
        String text = Corpora.read(corpusFile);
        if (text.isBlank() && (ckpt != null ? ckpt.model().tokenizer().level() : level).equals("word")) {
            throw new CorpusException(Corpora.name(corpusFile) + ": has only white space; a word-level corpus needs words");
        }
        String[] parts = valid != null ? new String[] {text, Corpora.read(valid)} : dev.recur.text.TextFiles.holdOut(text, validFraction);
        Tokenizer tok = ckpt != null ? ckpt.model().tokenizer() : Tokenizers.of(level, minCount, maxVocab);
        Vocabulary vocab = ckpt != null ? ckpt.model().vocabulary() : tok.buildVocabulary(parts[0]);
        int[] trainIds = tok.encode(parts[0], vocab);
        int[] validIds = tok.encode(parts[1], vocab);
        TrainingRun run = ckpt != null
                ? TrainingRun.resume(ckpt.withLimits(limits(ckpt.spec().trainer())), providers)
                : TrainingRun.start(runSpec(vocab.size(), corpusFile), tok, vocab, providers, kernels);
        RunSpec rs = run.spec();
        TrainerConfig cfg = rs.trainer();
        if (ckpt != null) {
            List<String> ignored = ignoredWhenResuming();
            if (!ignored.isEmpty()) {
                log.printf(Locale.ROOT, "recur train: resuming keeps the checkpoint's model, data, optimizer and schedule; "
                        + "not applied: %s%s%n", String.join(" ", ignored), preset == null ? "" : " (with the preset's)");
            }
        }
        log.printf(Locale.ROOT, "recur train: %s, %s level, %,d training and %,d validation tokens, vocabulary %,d%s%n",
                Corpora.name(corpusFile), tok.level(), trainIds.length, validIds.length, vocab.size(),
                preset == null ? "" : ", preset " + preset);
        ModelSpec ms = rs.model();
        log.printf(Locale.ROOT, "model: %s %s, E=%d, H=%d, %d layer(s), regularisation %s%s, output %s %s, %,d parameters; "
                + "%s %s, lr %s; schedule %s %s; clipper %s %s%n", ms.cell(), ms.cellOptions(), ms.embeddingSize(),
                ms.hiddenSize(), ms.layers(), ms.regularization().describe(), ms.tieWeights() ? ", tied weights" : "", ms.output(),
                ms.outputOptions(), parameterCount(run.model()), rs.optimizer().name(), rs.optimizer().options(),
                rs.learningRate().getAsDouble(), rs.schedule().name(), rs.schedule().options(), rs.clipper().name(),
                rs.clipper().options());
        log.printf(Locale.ROOT, "batch %d, bptt %d%s, epochs %d, max time %s%s, seed %d, kernels %s%s%n", cfg.batchSize(),
                cfg.bptt(), cfg.bpttHistory() == 0 ? "" : " (k2 " + cfg.bpttHistory() + ")", cfg.epochs(),
                cfg.maxTime() == null ? "none" : ProgressListener.format(cfg.maxTime()), cfg.maxSteps() > 0 ? ", max steps " + cfg.maxSteps() : "",
                rs.seed(), kernels.name(), ckpt != null ? ", resuming at step " + ckpt.trainer().step() : "");
        log.flush();

        ProgressListener progress = new ProgressListener(log, ProgressListener.isTerminal(), cfg.maxTime());
        run.addListener(progress);
        MetricsWriter mw = metrics == null ? null : new MetricsWriter(metrics);
        if (mw != null) {
            run.addListener(mw);
        }
        Path ckptFile = checkpoint != null ? checkpoint : Path.of(out.toString() + ".ckpt");
        run.addListener(new TrainingListener() {
            @Override
            public void onCheckpoint(Checkpoint c) {
                Checkpoints.save(ckptFile, c);
            }
        });
        // SIGTERM or Ctrl-C: stop after the step in progress, write its checkpoint and the model, then exit
        java.util.concurrent.CountDownLatch saved = new java.util.concurrent.CountDownLatch(1);
        Thread stopper = new Thread(() -> {
            run.requestStop();
            try {
                saved.await(120, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "recur-train-stop");
        Runtime.getRuntime().addShutdownHook(stopper);
        try {
            return finish(run, trainIds, validIds, rs, corpusFile, cfg, tok, vocab, progress, mw, stdout);
        } finally {
            saved.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(stopper);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it returns now that the model is saved
            }
        }
    }

    /** Trains, saves the model, prints the figures and the sample. */
    private int finish(TrainingRun run, int[] trainIds, int[] validIds, RunSpec rs, Path corpusFile, TrainerConfig cfg,
                       Tokenizer tok, Vocabulary vocab, ProgressListener progress, MetricsWriter mw, PrintWriter stdout) {
        TrainingResult result;
        try {
            result = run.train(trainIds, validIds);
        } finally {
            progress.close();
            if (mw != null) {
                mw.close();
            }
        }
        LanguageModel lm = run.model();
        Evaluation v = Evaluator.evaluate(lm.network(), validIds, cfg.evalBatch(), cfg.bptt(), "validation corpus");
        ModelFiles.save(out, lm, trainingSummary(rs, corpusFile, result, v));
        stdout.printf(Locale.ROOT, "trained %,d steps (%,d skipped) on %,d tokens in %s; stopped: %s%n", result.steps(),
                result.skippedSteps(), result.tokens(), ProgressListener.format(result.elapsed()), result.stopReason());
        printEvaluation(stdout, "validation", v, tok);
        if (test != null) {
            int[] testIds = tok.encode(Corpora.read(test), vocab);
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
        return ExitCode.OK.code();
    }

    private static void printEvaluation(PrintWriter out, String what, Evaluation e, Tokenizer tok) {
        out.printf(Locale.ROOT, "%s: loss %.4f nats, perplexity %.2f%s%n", what, e.meanLoss(), e.perplexity(),
                tok.level().equals("char") ? String.format(Locale.ROOT, ", %.4f bits/char", e.bitsPerToken()) : "");
    }

    @Override
    void validate() {
        if (!Tokenizers.LEVELS.contains(level)) {
            throw new UsageException("--level must be word or char, got '" + level + "'");
        }
        if (!(validFraction > 0 && validFraction < 1)) {
            throw new UsageException("--valid-fraction must be in (0, 1), got " + validFraction);
        }
        if (clip != null && !clipper.equals("global-norm")) {
            throw new UsageException("--clip sets max-norm of the global-norm clipper; with --clipper " + clipper
                    + " use --clipper-option");
        }
        if (optimizerOptions.containsKey("lr")) {
            throw new UsageException("the learning rate is not an optimizer option (the schedule owns it): use --lr");
        }
    }

    /** The run the options describe. */
    private RunSpec runSpec(int vocabSize, Path corpusFile) {
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
        TrainerConfig cfg = new TrainerConfig(batch, bptt, bpttHistory, epochs, timeLimit(), evalEvery, logEvery, EVAL_BATCH,
                MAX_BAD_STEPS, seed.seed(), maxSteps, checkpointEvery);
        RunSpec rs = RunSpec.of(ms).withOptimizer(new ProviderChoice(optimizer, optimizerOptions))
                .withSchedule(new ProviderChoice(schedule, scheduleOptions)).withClipper(new ProviderChoice(clipper, clipOpts))
                .withTrainer(cfg).withData(List.of(corpusFile == null ? "" : corpusFile.toString()));
        return lr == null ? rs : rs.withLearningRate(lr);
    }

    /** How the model was trained, as the model file keeps it. */
    private static Map<String, String> trainingSummary(RunSpec rs, Path corpusFile, TrainingResult r, Evaluation v) {
        TrainerConfig c = rs.trainer();
        Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put("corpus", Corpora.name(corpusFile));
        m.put("optimizer", rs.optimizer().name() + " " + rs.optimizer().options());
        m.put("learning_rate", String.valueOf(rs.learningRate().getAsDouble()));
        m.put("schedule", rs.schedule().name() + " " + rs.schedule().options());
        m.put("clipper", rs.clipper().name() + " " + rs.clipper().options());
        m.put("batch", String.valueOf(c.batchSize()));
        m.put("bptt", String.valueOf(c.bptt()));
        m.put("seed", String.valueOf(rs.seed()));
        m.put("steps", String.valueOf(r.steps()));
        m.put("tokens", String.valueOf(r.tokens()));
        m.put("epochs", String.valueOf(r.epochs()));
        m.put("stopped", r.stopReason());
        m.put("validation_loss", String.format(Locale.ROOT, "%.4f", v.meanLoss()));
        m.put("finished", java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        return m;
    }

    /**
     * The time budget: --max-time if given; none when the run is bounded by --epochs or --max-steps instead (a
     * user who asks for 4 epochs gets 4 epochs); else the 3 minutes of the no-argument demo.
     */
    private Duration timeLimit() {
        if (maxTime != null) {
            return maxTime;
        }
        var parsed = spec.commandLine().getParseResult();
        boolean bounded = parsed.hasMatchedOption("--epochs") || maxSteps > 0;
        return bounded ? null : DEFAULT_MAX_TIME;
    }

    /**
     * Options the user (or a preset) gave that a resumed run does not apply: everything but the files, the limits,
     * the logging and the compute settings comes from the checkpoint.
     */
    private List<String> ignoredWhenResuming() {
        java.util.Set<String> applied = java.util.Set.of("--preset", "--corpus", "--valid", "--valid-fraction", "--test",
                "--epochs", "--max-time", "--max-steps", "--log-every", "--out", "--checkpoint-every", "--checkpoint",
                "--resume", "--metrics", "--sample-length", "--threads", "--plugins", "--stacktrace");
        List<String> ignored = new java.util.ArrayList<>();
        for (picocli.CommandLine.Model.OptionSpec o : spec.commandLine().getParseResult().matchedOptions()) {
            String name = o.longestName();
            if (!applied.contains(name) && !ignored.contains(name)) {
                ignored.add(name);
            }
        }
        return ignored;
    }

    /** The time budget of a run that names no other bound. */
    static final Duration DEFAULT_MAX_TIME = Duration.ofMinutes(3);

    /** The checkpoint's trainer settings with this command's limits (epochs, time, steps, logging, checkpoints). */
    private TrainerConfig limits(TrainerConfig saved) {
        return saved.withEpochs(epochs).withMaxTime(timeLimit()).withMaxSteps(maxSteps).withLogEvery(logEvery)
                .withCheckpointEvery(checkpointEvery);
    }

    private static long parameterCount(LanguageModel lm) {
        long n = 0;
        for (var p : lm.network().parameters()) {
            n += p.size();
        }
        return n;
    }
}
