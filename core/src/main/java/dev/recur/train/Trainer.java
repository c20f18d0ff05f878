package dev.recur.train;

import dev.recur.model.ModelWorkspace;

import dev.recur.model.Evaluation;
import dev.recur.model.Evaluator;
import dev.recur.model.RnnLanguageModel;
import dev.recur.spi.ClipReport;
import dev.recur.spi.GradientClipper;
import dev.recur.spi.LearningRateSchedule;
import dev.recur.spi.Optimizer;
import dev.recur.spi.Parameter;
import dev.recur.text.TokenStreams;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Trains a {@link RnnLanguageModel} with truncated backpropagation through time.
 *
 * <p>Each epoch reads the training tokens as {@code batchSize} contiguous streams. Every update takes k1 new
 * steps; the window it backpropagates through is those k1 steps preceded by k2−k1 steps of context
 * (TBPTT(k1, k2); k1 = k2 by default). The hidden state is carried from window to window and the gradient
 * is cut at the window's start. Per step: zero gradients, schedule's learning rate, forward + backward,
 * clip (the report is kept), optimizer step with that rate (the schedule owns the learning rate).
 *
 * <p>Validation runs after each epoch and every {@code evalEvery} steps; the schedule sees every
 * validation loss and may lower the rate, roll back to the best weights or stop. At the end the model holds
 * the weights of the best validation (when there was validation data).
 *
 * <p>Non-finite policy: a step whose loss or gradient norm is NaN or infinite never reaches the weights. It
 * is skipped, counted, reported to the listeners, and the carried hidden state is reset to zero. After
 * {@code maxBadSteps} consecutive skipped steps training STOPS with a {@link TrainingDivergedException}
 * (it does not roll back on its own); the weights are those of the last good step.
 *
 * <p>Allocation: all buffers are made before the first step; the training loop allocates nothing per step.
 */
public final class Trainer {

    private final RnnLanguageModel model;
    private final Optimizer optimizer;
    private final GradientClipper clipper;
    private final LearningRateSchedule schedule;
    private final TrainerConfig config;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private final java.util.concurrent.atomic.AtomicBoolean stopRequested = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * Asks the training to stop after the step in progress (any thread): a checkpoint of that step is offered to
     * the listeners (when the trainer makes checkpoints) and {@link #train} returns with "stop requested".
     */
    public void requestStop() {
        stopRequested.set(true);
    }

    /**
     * A trainer of {@code model}.
     *
     * @param model the model to train (its weights change in place)
     * @param optimizer the update rule
     * @param clipper the gradient clipper, applied before every step
     * @param schedule the owner of the learning rate: asked for each step's rate, told every validation
     * @param config batch, window, limits, cadence and seed
     */
    public Trainer(RnnLanguageModel model, Optimizer optimizer, GradientClipper clipper,
                   LearningRateSchedule schedule, TrainerConfig config) {
        this.model = Objects.requireNonNull(model, "model");
        this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
        this.clipper = Objects.requireNonNull(clipper, "clipper");
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        this.config = Objects.requireNonNull(config, "config");
    }

    /** Turns the trainer's state into the checkpoints offered to listeners (set by {@link TrainingRun}). */
    private java.util.function.Function<TrainerState, Checkpoint> checkpoints;

    Trainer checkpointsAs(java.util.function.Function<TrainerState, Checkpoint> f) {
        this.checkpoints = f;
        return this;
    }

    /**
     * Adds a listener; returns this.
     *
     * @param listener the listener to add
     * @return this trainer
     */
    public Trainer addListener(TrainingListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /**
     * How this trainer runs.
     *
     * @return its configuration
     */
    public TrainerConfig config() {
        return config;
    }

    /**
     * Trains on {@code train}, validating on {@code valid} (may be null: no validation, no rollback).
     *
     * @param train the training token ids
     * @param valid the validation token ids, or null for no validation
     * @return how the run ended
     * @throws dev.recur.text.CorpusException  when the training corpus is shorter than one window per stream
     * @throws TrainingDivergedException       after {@code maxBadSteps} consecutive non-finite steps
     */
    public TrainingResult train(int[] train, int[] valid) {
        return train(train, valid, null);
    }

    /**
     * Trains, continuing from {@code resume} when it is not null: the model's weights and the optimizer's
     * state must already be those of the checkpoint; the run then continues exactly where the checkpoint
     * was taken (same data position, carried state, counters and best weights).
     *
     * @param train the training token ids
     * @param valid the validation token ids, or null for no validation
     * @param resume where to continue from (null: from the start)
     * @return how the run ended
     */
    public TrainingResult train(int[] train, int[] valid, TrainerState resume) {
        stoppedAt = null;
        final int batch = config.batchSize();
        final int k1 = config.bptt();
        final int k2 = config.history();
        TokenStreams streams = TokenStreams.of(train, batch, k1 + 1, "training corpus");
        final int usable = streams.length() - 1;
        final long stepsPerEpoch = (usable + k1 - 1) / k1;
        final long totalSteps = config.maxSteps() > 0 ? Math.min(config.maxSteps(), stepsPerEpoch * config.epochs())
                : stepsPerEpoch * config.epochs();

        List<Parameter> params = model.parameters();
        ModelWorkspace ws = model.newWorkspace(batch, k2);
        ModelWorkspace advanceWs = k2 > k1 ? model.newWorkspace(batch, k1) : null;
        int[] in = new int[k2 * batch];
        int[] tgt = new int[k2 * batch];
        int[] advIn = new int[k1 * batch];
        float[] startState = model.newState(batch);
        float[] endState = model.newState(batch);
        float[][] best = valid == null ? null : snapshotBuffers(params);

        Progress p = new Progress();
        p.paramNorms = new double[params.size()];
        int firstEpoch = 1;
        int firstPosition = 0;
        if (resume != null) {
            if (resume.carried().length != startState.length) {
                throw new IllegalArgumentException("the checkpoint carries a state of " + resume.carried().length
                        + " floats, this run needs " + startState.length + " (batch " + batch + ")");
            }
            if (resume.position() > usable) {
                throw new IllegalArgumentException("the checkpoint's data position " + resume.position()
                        + " lies beyond this corpus's " + usable + " steps per stream");
            }
            firstEpoch = resume.epoch();
            firstPosition = (int) resume.position();
            p.step = resume.step();
            p.skipped = resume.skipped();
            p.tokens = resume.tokens();
            p.sinceEval = resume.sinceValidation();
            System.arraycopy(resume.carried(), 0, startState, 0, startState.length);
            if (best != null && resume.bestWeights() != null && !Double.isNaN(resume.bestLoss())) {
                float[][] bw = resume.bestWeights();
                for (int i = 0; i < best.length; i++) {
                    System.arraycopy(bw[i], 0, best[i], 0, best[i].length);
                }
                p.bestEval = new Evaluation(resume.bestLoss(), 0);
            }
        }

        final long firstStep = p.step;
        listeners.forEach(l -> l.onStart(firstStep, totalSteps, config.seed()));
        final long t0 = System.nanoTime();
        if (resume != null && config.maxSteps() > 0 && p.step >= config.maxSteps()) {
            // nothing left to do: the checkpoint is already at (or past) the step limit
            stoppedAt = resume;
            TrainingResult done = new TrainingResult(p.step, p.skipped, firstEpoch, p.tokens, Duration.ZERO,
                    p.bestEval, null, "max steps " + config.maxSteps() + " already reached (the checkpoint is at step "
                    + p.step + ")", Double.NaN);
            listeners.forEach(l -> l.onEnd(done));
            return done;
        }
        final long deadline = config.maxTime() == null ? Long.MAX_VALUE : t0 + config.maxTime().toNanos();
        String stopReason = "epochs done";
        long reportT0 = t0;
        int epoch = firstEpoch;

        training:
        for (; epoch <= config.epochs(); epoch++) {
            int s0 = epoch == firstEpoch ? firstPosition : 0;
            if (epoch != firstEpoch || resume == null) {
                Arrays.fill(startState, 0f);
            }
            for (int s = s0; s < usable; s += k1) {
                int fresh = Math.min(k1, usable - s);
                int w = Math.max(0, s - (k2 - k1));
                int steps = s + fresh - w;
                boolean lastOfEpoch = s + k1 >= usable;
                streams.window(w, steps, in);
                streams.window(w + 1, steps, tgt);
                for (Parameter prm : params) {
                    prm.zeroGrad();
                }
                double lr = schedule.learningRate(p.step);
                double loss = model.trainWindow(ws, steps, s - w, in, tgt, startState, endState);
                boolean logged = (p.step + 1) % config.logEvery() == 0 || lastOfEpoch;
                if (logged) {
                    // per-parameter norms before clipping, only on the steps that are reported
                    for (int i = 0; i < params.size(); i++) {
                        Parameter prm = params.get(i);
                        p.paramNorms[i] = Math.sqrt(prm.gradientSumOfSquares(model.kernels()));
                    }
                }
                ClipReport clip = clipper.clip(params);
                int rows = fresh * batch;
                if (!(Double.isFinite(loss) && clip.finite())) {
                    p.skipped++;
                    p.badInRow++;
                    String why = !Double.isFinite(loss) ? "loss is " + loss : "gradient norm is " + clip.normBefore();
                    final long st = p.step;
                    final int bir = p.badInRow;
                    listeners.forEach(l -> l.onSkippedStep(st, bir, why));
                    if (p.badInRow >= config.maxBadSteps()) {
                        throw new TrainingDivergedException("training diverged: " + p.badInRow
                                + " consecutive steps with a non-finite loss or gradient (last: " + why + ", after step "
                                + p.step + ", learning rate " + lr + "); lower the learning rate or clip gradients");
                    }
                    Arrays.fill(startState, 0f);
                    continue;
                }
                p.badInRow = 0;
                optimizer.step(params, lr);
                p.step++;
                p.sinceEval++;
                p.tokens += rows;
                p.lossSum += loss;
                p.lossRows += rows;
                p.callLossSum += loss;
                p.callLossRows += rows;
                p.reportSteps++;
                p.reportTokens += rows;
                if (clip.clipped()) {
                    p.reportClipped++;
                }
                p.lastClip = clip;
                // carry the state to the start of the next window (if this epoch has one)
                if (!lastOfEpoch) {
                    int nextW = Math.max(0, s + k1 - (k2 - k1));
                    if (nextW == s + fresh) {
                        System.arraycopy(endState, 0, startState, 0, startState.length);
                    } else if (nextW > w) {
                        streams.window(w, nextW - w, advIn);
                        model.advance(advanceWs, nextW - w, advIn, startState, startState);
                    }
                }
                long now = System.nanoTime();
                if (p.step % config.logEvery() == 0 || lastOfEpoch) {
                    double secs = Math.max(1e-9, (now - reportT0) / 1e9);
                    java.util.Map<String, Double> norms = new java.util.LinkedHashMap<>();
                    for (int i = 0; i < params.size(); i++) {
                        norms.put(params.get(i).name(), p.paramNorms[i]);
                    }
                    StepReport r = new StepReport(epoch, p.step, totalSteps, p.lossSum / p.lossRows, lr, p.lastClip,
                            p.reportClipped / (double) p.reportSteps, p.reportTokens / secs, p.tokens,
                            Duration.ofNanos(now - t0), java.util.Collections.unmodifiableMap(norms));
                    listeners.forEach(l -> l.onStep(r));
                    p.resetReport();
                    reportT0 = now;
                }
                boolean outOfTime = now >= deadline;
                boolean maxed = config.maxSteps() > 0 && p.step >= config.maxSteps();
                boolean checkpointDue = config.checkpointEvery() > 0 && p.step % config.checkpointEvery() == 0;
                boolean validated = false;
                if (!lastOfEpoch) {
                    // a due validation runs even on the last step, before a checkpoint, so that a run resumed from
                    // that checkpoint validates where an uninterrupted run does
                    if (valid != null && config.evalEvery() > 0 && p.sinceEval >= config.evalEvery()) {
                        p.sinceEval = 0;
                        validated = true;
                        if (validate(valid, epoch, p.step, false, best, p)) {
                            stopReason = "schedule: " + p.stopNote;
                            stoppedAt = state(epoch, s + k1, p.rolledBack ? new float[startState.length] : startState,
                                    best, p);
                            break training;
                        }
                        if (p.rolledBack) {
                            Arrays.fill(startState, 0f); // the carried state belongs to the discarded weights
                        }
                    }
                    if (checkpointDue) {
                        checkpoint(epoch, s + k1, startState, best, p);
                    }
                } else if (valid != null) {
                    // end of epoch: validate, then a due checkpoint points at the next epoch's start
                    p.sinceEval = 0;
                    boolean stop = validate(valid, epoch, p.step, true, best, p);
                    if (checkpointDue && !stop) {
                        checkpoint(epoch + 1, 0, new float[startState.length], best, p);
                    }
                    if (stop) {
                        stopReason = "schedule: " + p.stopNote;
                        stoppedAt = state(epoch + 1, 0, new float[startState.length], best, p);
                        break training;
                    }
                } else if (checkpointDue) {
                    checkpoint(epoch + 1, 0, new float[startState.length], best, p);
                }
                if (stopRequested.get()) {
                    // a clean stop: a checkpoint of this very step (unless one was just made), nothing after it
                    if (!checkpointDue) {
                        if (!lastOfEpoch) {
                            checkpoint(epoch, s + k1, startState, best, p);
                        } else {
                            checkpoint(epoch + 1, 0, new float[startState.length], best, p);
                        }
                    }
                    stopReason = "stop requested";
                    stoppedAt = !lastOfEpoch ? state(epoch, s + k1, startState, best, p)
                            : state(epoch + 1, 0, new float[startState.length], best, p);
                    break training;
                }
                if (maxed || outOfTime) {
                    stopReason = maxed ? "max steps " + config.maxSteps() : "time limit " + config.maxTime();
                    if (valid != null && !lastOfEpoch && !validated) {
                        validate(valid, epoch, p.step, false, best, p);
                        validated = true;
                    }
                    stoppedAt = !lastOfEpoch ? state(epoch, s + k1, validated && p.rolledBack
                            ? new float[startState.length] : startState, best, p)
                            : state(epoch + 1, 0, new float[startState.length], best, p);
                    break training;
                }
            }
        }
        if (epoch > config.epochs()) {
            stoppedAt = state(epoch, 0, new float[startState.length], best, p); // every epoch done
        }
        if (p.bestEval != null && p.lastEval != null && p.lastEval.meanLoss() > p.bestEval.meanLoss()) {
            restore(params, best);
        } else if (valid != null && optimizer.hasAverage()) {
            optimizer.swapAverage(params); // the run ends with the average of the iterates (what was validated)
        }
        TrainingResult result = new TrainingResult(p.step, p.skipped, Math.min(epoch, config.epochs()), p.tokens,
                Duration.ofNanos(System.nanoTime() - t0), p.bestEval, p.lastEval, stopReason,
                p.callLossRows == 0 ? Double.NaN : p.callLossSum / p.callLossRows);
        listeners.forEach(l -> l.onEnd(result));
        return result;
    }

    /** Counters and accumulators of one run. */
    private static final class Progress {
        long step;
        long skipped;
        int badInRow;
        long tokens;
        long sinceEval;
        Evaluation bestEval;
        Evaluation lastEval;
        boolean rolledBack;
        String stopNote = "";
        double lossSum;
        long lossRows;
        int reportSteps;
        int reportClipped;
        long reportTokens;
        ClipReport lastClip = new ClipReport(0, 0, false);
        double[] paramNorms;
        double callLossSum;
        long callLossRows;

        void resetReport() {
            lossSum = 0;
            lossRows = 0;
            reportSteps = 0;
            reportClipped = 0;
            reportTokens = 0;
        }
    }

    private void checkpoint(int epoch, long position, float[] carried, float[][] best, Progress p) {
        if (checkpoints == null) {
            return;
        }
        Checkpoint c = checkpoints.apply(state(epoch, position, carried, best, p));
        listeners.forEach(l -> l.onCheckpoint(c));
    }

    private static TrainerState state(int epoch, long position, float[] carried, float[][] best, Progress p) {
        return new TrainerState(epoch, position, p.step, p.skipped, p.tokens, p.sinceEval, carried,
                p.bestEval == null ? Double.NaN : p.bestEval.meanLoss(), p.bestEval == null ? null : best);
    }

    /** Where the last {@link #train} call left off (null before one returned): resuming from it continues the run. */
    private TrainerState stoppedAt;

    /**
     * Where the last {@link #train} call stopped, as a checkpoint would record it: the next window, the carried
     * state, the counters and the best weights. Null before a call returned.
     *
     * @return the state to continue from, or null
     */
    public TrainerState stoppedAt() {
        return stoppedAt;
    }

    /** Validates, lets the schedule react; returns whether to stop. */
    private boolean validate(int[] valid, int epoch, long step, boolean endOfEpoch, float[][] best, Progress p) {
        List<Parameter> params = model.parameters();
        // an averaging optimizer (NT-ASGD) is validated, and its best kept, with the average of its iterates
        boolean averaged = optimizer.hasAverage();
        if (averaged) {
            optimizer.swapAverage(params);
        }
        Evaluation e;
        boolean improved;
        try {
            e = Evaluator.evaluate(model, valid, config.evalBatch(), config.bptt(), "validation corpus");
            p.lastEval = e;
            improved = p.bestEval == null || e.meanLoss() < p.bestEval.meanLoss();
            if (improved) {
                copy(params, best);
                p.bestEval = e;
            }
        } finally {
            if (averaged) {
                optimizer.swapAverage(params);
            }
        }
        optimizer.afterValidation(e.meanLoss());
        LearningRateSchedule.Decision d = schedule.afterValidation(e.meanLoss());
        p.rolledBack = false;
        if (d.rollback() && !improved) {
            restore(params, best);
            p.rolledBack = true;
        }
        double lr = schedule.learningRate(step);
        ValidationReport r = new ValidationReport(epoch, step, endOfEpoch, e, lr, p.rolledBack, d.reason());
        listeners.forEach(l -> l.onValidation(r));
        p.stopNote = d.reason();
        return d.stop();
    }

    private static float[][] snapshotBuffers(List<Parameter> params) {
        float[][] s = new float[params.size()][];
        for (int i = 0; i < s.length; i++) {
            s[i] = new float[params.get(i).size()];
        }
        return s;
    }

    private static void copy(List<Parameter> params, float[][] into) {
        for (int i = 0; i < into.length; i++) {
            System.arraycopy(params.get(i).value(), 0, into[i], 0, into[i].length);
        }
    }

    private static void restore(List<Parameter> params, float[][] from) {
        for (int i = 0; i < from.length; i++) {
            System.arraycopy(from[i], 0, params.get(i).value(), 0, from[i].length);
        }
    }
}
