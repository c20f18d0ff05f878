package dev.recur.cli;

import dev.recur.io.CheckpointData;
import dev.recur.io.Checkpoints;
import dev.recur.io.ModelFiles;
import dev.recur.math.MathKernels;
import dev.recur.model.Evaluation;
import dev.recur.model.Evaluator;
import dev.recur.model.Generator;
import dev.recur.model.LanguageModel;
import dev.recur.model.ModelSpec;
import dev.recur.model.RnnLanguageModel;
import dev.recur.spi.CellProvider;
import dev.recur.spi.ClipperProvider;
import dev.recur.spi.GradientClipper;
import dev.recur.spi.LearningRateSchedule;
import dev.recur.spi.Optimizer;
import dev.recur.spi.OptimizerProvider;
import dev.recur.spi.Options;
import dev.recur.spi.ScheduleProvider;
import dev.recur.text.Tokenizer;
import dev.recur.text.Tokenizers;
import dev.recur.text.Vocabulary;
import dev.recur.train.Trainer;
import dev.recur.train.TrainerConfig;
import dev.recur.train.TrainerState;
import dev.recur.train.TrainingListener;
import dev.recur.train.TrainingResult;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code recur train}. */
@Command(name = "train", mixinStandardHelpOptions = true, showDefaultValues = true, sortOptions = false,
        description = {"Train a language model on a UTF-8 text corpus, save it and print a sample.",
                "Without --corpus it trains on the built-in Dickens novel for at most --max-time."})
public final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

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
    @Option(names = "--lr", description = "Learning rate (default: the optimizer's).")
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
    @Option(names = "--max-time", defaultValue = "3m", converter = Durations.class,
            description = "Training time budget, like 90s, 20m, 1h.")
    Duration maxTime;
    @Option(names = "--max-steps", defaultValue = "0", description = "Stop after this many steps in total (0 = no limit).")
    long maxSteps;
    @Option(names = "--eval-every", defaultValue = "0", description = "Validate every N steps as well as per epoch (0 = per epoch).")
    long evalEvery;
    @Option(names = "--log-every", defaultValue = "50", description = "Progress every N steps.")
    int logEvery;
    @Option(names = "--seed", defaultValue = "1", description = "Seed of the whole run.")
    long seed;
    @Option(names = "--threads", defaultValue = "1", description = "Compute threads.")
    int threads;
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

    private final Plugins plugins;
    private final MathKernels defaultKernels;
    /** The kernels of this run: the injected ones, split over a dedicated pool when --threads > 1. */
    private MathKernels kernels;

    @Inject
    TrainCommand(Plugins plugins, MathKernels kernels) {
        this.plugins = plugins;
        this.defaultKernels = kernels;
    }

    /** Everything a run is made of, resolved from the options or from a checkpoint. */
    private record Run(LanguageModel model, String optName, Map<String, String> optOpts, Optimizer optimizer,
                       String schedName, Map<String, String> schedOpts, LearningRateSchedule schedule,
                       String clipName, Map<String, String> clipOpts, GradientClipper clipper, TrainerConfig config,
                       TrainerState resumeFrom, long seed, double baseLr) {
    }

    @Override
    public Integer call() {
        validateOptions();
        return ComputeThreads.with(defaultKernels, threads, k -> {
            kernels = k;
            return run();
        });
    }

    private int run() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter log = spec.commandLine().getErr();
        CheckpointData ckpt = resume == null ? null : Checkpoints.load(resume, plugins.cellRegistry(), kernels);
        Path corpusFile = corpus;
        if (ckpt != null && corpusFile == null && !ckpt.dataFiles().isEmpty() && !ckpt.dataFiles().get(0).isEmpty()) {
            corpusFile = Path.of(ckpt.dataFiles().get(0));
        }
        String text = Corpora.read(corpusFile);
        String trainText;
        String validText;
        if (valid != null) {
            trainText = text;
            validText = Corpora.read(valid);
        } else {
            String[] parts = Corpora.holdOut(text, validFraction);
            trainText = parts[0];
            validText = parts[1];
        }
        Tokenizer tok;
        Vocabulary vocab;
        if (ckpt != null) {
            tok = ckpt.model().tokenizer();
            vocab = ckpt.model().vocabulary();
        } else {
            tok = Tokenizers.of(level, minCount, maxVocab);
            vocab = tok.buildVocabulary(trainText);
        }
        int[] trainIds = tok.encode(trainText, vocab);
        int[] validIds = tok.encode(validText, vocab);
        Run run = ckpt != null ? fromCheckpoint(ckpt) : fresh(vocab, tok);
        TrainerConfig cfg = run.config();
        log.printf(Locale.ROOT, "recur train: %s, %s level, %,d training and %,d validation tokens, vocabulary %,d%n",
                Corpora.name(corpusFile), tok.level(), trainIds.length, validIds.length, vocab.size());
        ModelSpec ms = run.model().network().spec();
        log.printf(Locale.ROOT, "model: %s %s, E=%d, H=%d, %d layer(s), dropout %s%s, %,d parameters; %s %s; %s %s; "
                + "clipper %s %s%n", ms.cell(), ms.cellOptions(), ms.embeddingSize(), ms.hiddenSize(), ms.layers(),
                ms.dropout(), ms.tieWeights() ? ", tied weights" : "", parameterCount(run.model()), run.optName(),
                run.optOpts(), run.schedName(), run.schedOpts(), run.clipName(), run.clipOpts());
        log.printf(Locale.ROOT, "batch %d, bptt %d%s, epochs %d, max time %s%s, seed %d, kernels %s%s%n", cfg.batchSize(),
                cfg.bptt(), cfg.bpttHistory() == 0 ? "" : " (k2 " + cfg.bpttHistory() + ")", cfg.epochs(),
                ProgressListener.format(cfg.maxTime()), cfg.maxSteps() > 0 ? ", max steps " + cfg.maxSteps() : "",
                run.seed(), kernels.name(), ckpt != null ? ", resuming at step " + run.resumeFrom().step() : "");
        log.flush();

        ProgressListener progress = new ProgressListener(log, ProgressListener.isTerminal(), cfg.maxTime());
        Trainer trainer = new Trainer(run.model().network(), run.optimizer(), run.clipper(), run.schedule(), cfg)
                .addListener(progress);
        MetricsWriter mw = metrics == null ? null : new MetricsWriter(metrics);
        if (mw != null) {
            trainer.addListener(mw);
        }
        Path ckptFile = checkpoint != null ? checkpoint : Path.of(out.toString() + ".ckpt");
        String corpusName = corpusFile == null ? "" : corpusFile.toString();
        if (cfg.checkpointEvery() > 0) {
            trainer.addListener(new TrainingListener() {
                @Override
                public void onCheckpoint(TrainerState state) {
                    Checkpoints.save(ckptFile, new CheckpointData(run.model(), run.optName(), run.optOpts(),
                            run.optimizer().state(), run.schedName(), run.schedOpts(), run.schedule().state(),
                            run.clipName(), run.clipOpts(), state, configMap(cfg, run.baseLr(), run.model().network().dropoutState()), run.seed(), List.of(corpusName)));
                }
            });
        }
        TrainingResult result;
        try {
            result = trainer.train(trainIds, validIds, run.resumeFrom());
        } finally {
            progress.close();
            if (mw != null) {
                mw.close();
            }
        }
        ModelFiles.save(out, run.model());
        Evaluation v = Evaluator.evaluate(run.model().network(), validIds, cfg.evalBatch(), cfg.bptt(), "validation corpus");
        stdout.printf(Locale.ROOT, "trained %,d steps (%,d skipped) on %,d tokens in %s; stopped: %s%n", result.steps(),
                result.skippedSteps(), result.tokens(), ProgressListener.format(result.elapsed()), result.stopReason());
        stdout.printf(Locale.ROOT, "validation: loss %.4f nats, perplexity %.2f%s%n", v.meanLoss(), v.perplexity(),
                tok.level().equals("char") ? String.format(Locale.ROOT, ", %.4f bits/char", v.bitsPerToken()) : "");
        if (test != null) {
            int[] testIds = tok.encode(Corpora.read(test), vocab);
            Evaluation t = Evaluator.evaluate(run.model().network(), testIds, cfg.evalBatch(), cfg.bptt(), "test corpus");
            stdout.printf(Locale.ROOT, "test: loss %.4f nats, perplexity %.2f%s%n", t.meanLoss(), t.perplexity(),
                    tok.level().equals("char") ? String.format(Locale.ROOT, ", %.4f bits/char", t.bitsPerToken()) : "");
        }
        stdout.printf("saved %s%n", out);
        if (sampleLength > 0) {
            stdout.printf("sample (temperature 0.8, seed %d):%n", run.seed());
            new Generator(run.model()).generate("", sampleLength, new dev.recur.samplers.TemperatureSampler(0.8),
                    new SplittableRandom(run.seed()), false, stdout::print);
            stdout.println();
        }
        stdout.flush();
        return ExitCode.OK;
    }

    private void validateOptions() {
        if (!Tokenizers.LEVELS.contains(level)) {
            throw new UsageException("--level must be word or char, got '" + level + "'");
        }
        if (!(validFraction > 0 && validFraction < 1)) {
            throw new UsageException("--valid-fraction must be in (0, 1), got " + validFraction);
        }
        ComputeThreads.check(threads);
        if (clip != null && !clipper.equals("global-norm")) {
            throw new UsageException("--clip sets max-norm of the global-norm clipper; with --clipper " + clipper
                    + " use --clipper-option");
        }
    }

    private Run fresh(Vocabulary vocab, Tokenizer tok) {
        CellProvider cp = plugins.cell(cell);
        Map<String, String> cellOpts = new LinkedHashMap<>(cellOptions);
        if (activation != null) {
            cellOpts.put("activation", activation);
        }
        Map<String, String> effectiveCell = Options.parse("cell", cp, cellOpts).asMap();
        ModelSpec ms = new ModelSpec(cell, effectiveCell, vocab.size(), embedding, hidden, layers, dropout, tieWeights);
        RnnLanguageModel net = RnnLanguageModel.create(ms, cp, seed, kernels);
        LanguageModel lm = new LanguageModel(net, tok, vocab);

        OptimizerProvider op = plugins.optimizer(optimizer);
        Map<String, String> optOpts = new LinkedHashMap<>(optimizerOptions);
        if (lr != null) {
            optOpts.put("lr", String.valueOf(lr));
        }
        optOpts = Options.parse("optimizer", op, optOpts).asMap();
        Optimizer opt = op.create(optOpts);

        ScheduleProvider sp = plugins.schedule(schedule);
        Map<String, String> schedOpts = Options.parse("schedule", sp, scheduleOptions).asMap();
        LearningRateSchedule sched = sp.create(opt.learningRate(), schedOpts);

        ClipperProvider clp = plugins.clipper(clipper);
        Map<String, String> clipOpts = new LinkedHashMap<>(clipperOptions);
        if (clip != null) {
            clipOpts.put("max-norm", String.valueOf(clip));
        }
        clipOpts = Options.parse("clipper", clp, clipOpts).asMap();
        GradientClipper gc = clp.create(clipOpts);

        TrainerConfig cfg = new TrainerConfig(batch, bptt, bpttHistory, epochs, maxTime, evalEvery, logEvery, 10, 5, seed,
                maxSteps, checkpointEvery);
        return new Run(lm, optimizer, optOpts, opt, schedule, schedOpts, sched, clipper, clipOpts, gc, cfg, null, seed,
                opt.learningRate());
    }

    private Run fromCheckpoint(CheckpointData c) {
        Optimizer opt = plugins.optimizer(c.optimizer()).create(c.optimizerOptions());
        opt.restore(c.optimizerState());
        double baseLr = Double.parseDouble(c.trainerConfig().getOrDefault("base-lr", String.valueOf(opt.learningRate())));
        LearningRateSchedule sched = plugins.schedule(c.schedule()).create(baseLr, c.scheduleOptions());
        sched.restore(c.scheduleState());
        GradientClipper gc = plugins.clipper(c.clipper()).create(c.clipperOptions());
        Map<String, String> t = c.trainerConfig();
        if (t.containsKey("dropout-rng")) {
            c.model().network().setDropoutState(Long.parseLong(t.get("dropout-rng")));
        }
        for (String key : List.of("batch", "bptt", "bptt-history", "eval-every", "eval-batch", "max-bad-steps")) {
            if (!t.containsKey(key)) {
                throw new dev.recur.io.ModelFileException(dev.recur.io.ModelFileException.Kind.BAD_FILE,
                        resume + ": checkpoint lacks trainer setting '" + key + "'");
            }
        }
        TrainerConfig cfg = new TrainerConfig(Integer.parseInt(t.get("batch")), Integer.parseInt(t.get("bptt")),
                Integer.parseInt(t.get("bptt-history")), epochs, maxTime, Long.parseLong(t.get("eval-every")), logEvery,
                Integer.parseInt(t.get("eval-batch")), Integer.parseInt(t.get("max-bad-steps")), c.seed(), maxSteps,
                checkpointEvery);
        return new Run(c.model(), c.optimizer(), c.optimizerOptions(), opt, c.schedule(), c.scheduleOptions(), sched,
                c.clipper(), c.clipperOptions(), gc, cfg, c.trainer(), c.seed(), baseLr);
    }

    private static Map<String, String> configMap(TrainerConfig cfg, double baseLr, long dropoutState) {
        Map<String, String> m = new HashMap<>();
        m.put("dropout-rng", String.valueOf(dropoutState));
        m.put("base-lr", String.valueOf(baseLr));
        m.put("batch", String.valueOf(cfg.batchSize()));
        m.put("bptt", String.valueOf(cfg.bptt()));
        m.put("bptt-history", String.valueOf(cfg.bpttHistory()));
        m.put("eval-every", String.valueOf(cfg.evalEvery()));
        m.put("eval-batch", String.valueOf(cfg.evalBatch()));
        m.put("max-bad-steps", String.valueOf(cfg.maxBadSteps()));
        return m;
    }

    private static long parameterCount(LanguageModel lm) {
        long n = 0;
        for (var p : lm.network().parameters()) {
            n += p.size();
        }
        return n;
    }
}
