package dev.recur.train;

import dev.recur.math.MathKernels;
import dev.recur.model.LanguageModel;
import dev.recur.model.ModelSpec;
import dev.recur.model.RnnLanguageModel;
import dev.recur.spi.ClipperProvider;
import dev.recur.spi.GradientClipper;
import dev.recur.spi.LearningRateSchedule;
import dev.recur.spi.Optimizer;
import dev.recur.spi.OptimizerProvider;
import dev.recur.spi.OutputLayerProvider;
import dev.recur.spi.ProviderChoice;
import dev.recur.spi.Providers;
import dev.recur.spi.ScheduleProvider;
import dev.recur.text.Tokenizer;
import dev.recur.text.Vocabulary;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One training run, owned by core: what the command line, a Spark executor and a user's Java program all
 * drive. It is started from a {@link RunSpec} (plugins by provider name, looked up in {@link Providers}) or
 * resumed from a {@link Checkpoint}; {@link #train} runs it with the {@link Trainer} loop, reports through
 * {@link TrainingListener}s and offers a {@link Checkpoint} to them every {@code checkpointEvery} steps. A
 * run resumed from a checkpoint continues bit for bit as the uninterrupted run would have (same kernels'
 * thread count or not: results do not depend on it).
 *
 * <p>The schedule is the one owner of the learning rate: it starts at the spec's base rate (or the
 * optimizer provider's default) and hands each step's rate to the optimizer. Not thread-safe; {@link #train}
 * runs on the calling thread.
 */
public final class TrainingRun {

    private final RunSpec spec;
    private final LanguageModel model;
    private final Optimizer optimizer;
    private final LearningRateSchedule schedule;
    private final GradientClipper clipper;
    private final TrainerState resumeFrom;
    private final List<TrainingListener> listeners = new ArrayList<>();

    private TrainingRun(RunSpec spec, LanguageModel model, Optimizer optimizer, LearningRateSchedule schedule,
                        GradientClipper clipper, TrainerState resumeFrom) {
        this.spec = spec;
        this.model = model;
        this.optimizer = optimizer;
        this.schedule = schedule;
        this.clipper = clipper;
        this.resumeFrom = resumeFrom;
    }

    /**
     * A new run: builds the model the spec describes (initialised from the spec's seed) over {@code vocabulary},
     * and the optimizer, schedule and clipper it names.
     *
     * @param spec the run: model, plugins by name, trainer settings, seed
     * @param tokenizer the tokenizer the vocabulary was built with
     * @param vocabulary the vocabulary
     * @param providers where plugins are looked up by name
     * @param kernels the kernels to compute with
     * @return the run, not yet trained
     * @throws dev.recur.spi.UnknownProviderException when a named plugin is not in {@code providers}
     * @throws IllegalArgumentException               on invalid options or a vocabulary of another size than the
     *                                                spec's
     */
    public static TrainingRun start(RunSpec spec, Tokenizer tokenizer, Vocabulary vocabulary, Providers providers,
                                    MathKernels kernels) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(providers, "providers");
        ModelSpec ms = resolve(spec.model(), providers);
        if (ms.vocabSize() != vocabulary.size()) {
            throw new IllegalArgumentException("the run's model has vocabSize " + ms.vocabSize() + ", the vocabulary "
                    + vocabulary.size() + " tokens");
        }
        RnnLanguageModel net = RnnLanguageModel.create(ms, providers.cells().get(ms.cell()),
                providers.outputs().get(ms.output()), vocabulary.counts(), spec.seed(), kernels);
        LanguageModel lm = new LanguageModel(net, tokenizer, vocabulary);
        OptimizerProvider op = providers.optimizers().get(spec.optimizer().name());
        ProviderChoice opt = spec.optimizer().resolved(op, "optimizer");
        double lr = spec.learningRate().orElse(op.defaultLearningRate());
        ScheduleProvider sp = providers.schedules().get(spec.schedule().name());
        ProviderChoice sched = spec.schedule().resolved(sp, "schedule");
        ClipperProvider cp = providers.clippers().get(spec.clipper().name());
        ProviderChoice clip = spec.clipper().resolved(cp, "clipper");
        RunSpec resolved = new RunSpec(ms, opt, java.util.OptionalDouble.of(lr), sched, clip, spec.trainer(),
                spec.data());
        return new TrainingRun(resolved, lm, op.create(opt.options()), sp.create(lr, sched.options()),
                cp.create(clip.options()), null);
    }

    /**
     * Continues a checkpoint: the same model (its weights as saved), the optimizer, schedule and dropout
     * generator restored to their saved state, and the trainer at the saved data position. To change the
     * limits of the continued run (steps, time, epochs), pass {@link Checkpoint#withLimits}.
     *
     * @param checkpoint the checkpoint to continue (its model is used as is)
     * @param providers where plugins are looked up by name
     * @return the run, continuing where the checkpoint stands
     * @throws dev.recur.spi.UnknownProviderException when a plugin the checkpoint names is not in {@code providers}
     * @throws IllegalArgumentException               when a saved state does not fit its plugin
     */
    public static TrainingRun resume(Checkpoint checkpoint, Providers providers) {
        RunSpec spec = checkpoint.spec();
        Optimizer opt = providers.optimizers().get(spec.optimizer().name()).create(spec.optimizer().options());
        opt.restore(checkpoint.optimizerState());
        LearningRateSchedule sched = providers.schedules().get(spec.schedule().name())
                .create(checkpoint.learningRate(), spec.schedule().options());
        sched.restore(checkpoint.scheduleState());
        GradientClipper clip = providers.clippers().get(spec.clipper().name()).create(spec.clipper().options());
        checkpoint.model().network().setDropoutState(checkpoint.dropoutState());
        return new TrainingRun(spec, checkpoint.model(), opt, sched, clip, checkpoint.trainer());
    }

    /** {@code model} with its cell and output options resolved against their providers (every option present). */
    static ModelSpec resolve(ModelSpec model, Providers providers) {
        var cell = new ProviderChoice(model.cell(), model.cellOptions())
                .resolved(providers.cells().get(model.cell()), "cell");
        OutputLayerProvider op = providers.outputs().get(model.output());
        var out = new ProviderChoice(model.output(), model.outputOptions()).resolved(op, "output");
        return new ModelSpec(model.cell(), cell.options(), model.vocabSize(), model.embeddingSize(), model.hiddenSize(),
                model.layers(), model.regularization(), model.tieWeights(), model.output(), out.options());
    }

    /**
     * Adds a listener; returns this.
     *
     * @param listener the listener to add
     * @return this run
     */
    public TrainingRun addListener(TrainingListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /**
     * The run, every option resolved and the base learning rate present.
     *
     * @return the resolved run description
     */
    public RunSpec spec() {
        return spec;
    }

    /**
     * The model being trained.
     *
     * @return the model
     */
    public LanguageModel model() {
        return model;
    }

    /**
     * The run's optimizer.
     *
     * @return the optimizer
     */
    public Optimizer optimizer() {
        return optimizer;
    }

    /**
     * The run's schedule, the owner of the learning rate.
     *
     * @return the schedule
     */
    public LearningRateSchedule schedule() {
        return schedule;
    }

    /**
     * The run's gradient clipper.
     *
     * @return the clipper
     */
    public GradientClipper clipper() {
        return clipper;
    }

    /**
     * Where a resumed run starts (null for a new run).
     *
     * @return the trainer state resumed from, or null
     */
    public TrainerState resumedFrom() {
        return resumeFrom;
    }

    /**
     * Trains on {@code train}, validating on {@code valid} (may be null), from the start or from the
     * checkpoint this run was resumed from. At the end the model holds the weights of the best validation.
     *
     * @param train the training token ids
     * @param valid the validation token ids, or null for no validation
     * @return how the run ended
     * @throws dev.recur.text.CorpusException when the training text is shorter than one window per stream
     * @throws TrainingDivergedException      after too many consecutive non-finite steps
     */
    public TrainingResult train(int[] train, int[] valid) {
        Trainer trainer = new Trainer(model.network(), optimizer, clipper, schedule, spec.trainer())
                .checkpointsAs(st -> new Checkpoint(model, spec, optimizer.state(), schedule.state(),
                        model.network().dropoutState(), st));
        listeners.forEach(trainer::addListener);
        running = trainer;
        if (stopRequested) {
            trainer.requestStop();
        }
        try {
            TrainingResult r = trainer.train(train, valid, resumeFrom);
            stoppedAt = trainer.stoppedAt();
            return r;
        } finally {
            running = null;
        }
    }

    private TrainerState stoppedAt;

    /**
     * A checkpoint of where the last {@link #train} call stopped (at a step limit, a time limit, a requested stop,
     * a schedule's stop or the end of the epochs): {@link #resume} from it continues the run bit for bit, with
     * new limits through {@link Checkpoint#withLimits}. The model in it is this run's model (not a copy).
     *
     * @return the checkpoint
     * @throws IllegalStateException before {@link #train} returned
     */
    public Checkpoint checkpoint() {
        if (stoppedAt == null) {
            throw new IllegalStateException("the run has not been trained yet");
        }
        return new Checkpoint(model, spec, optimizer.state(), schedule.state(), model.network().dropoutState(),
                stoppedAt);
    }

    private volatile Trainer running;
    private volatile boolean stopRequested;

    /**
     * Asks the run to stop after the step in progress (from any thread, e.g. a SIGTERM handler): it then offers
     * a checkpoint of that step to the listeners — resuming from it continues exactly — and {@link #train}
     * returns with the stop reason {@code "stop requested"}.
     */
    public void requestStop() {
        stopRequested = true;
        Trainer t = running;
        if (t != null) {
            t.requestStop();
        }
    }
}
