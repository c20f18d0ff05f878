package dev.recur.train;

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
 * clip (the report is kept), optimizer step.
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

    public Trainer(RnnLanguageModel model, Optimizer optimizer, GradientClipper clipper,
                   LearningRateSchedule schedule, TrainerConfig config) {
        this.model = Objects.requireNonNull(model, "model");
        this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
        this.clipper = Objects.requireNonNull(clipper, "clipper");
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        this.config = Objects.requireNonNull(config, "config");
    }

    /** A trainer whose learning rate stays at the optimizer's. */
    public Trainer(RnnLanguageModel model, Optimizer optimizer, GradientClipper clipper, TrainerConfig config) {
        this(model, optimizer, clipper, LearningRateSchedule.constant(optimizer.learningRate()), config);
    }

    /** Adds a listener; returns this. */
    public Trainer addListener(TrainingListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    public TrainerConfig config() {
        return config;
    }

    /**
     * Trains on {@code train}, validating on {@code valid} (may be null: no validation, no rollback).
     *
     * @throws dev.recur.text.CorpusException  when the training corpus is shorter than one window per stream
     * @throws TrainingDivergedException       after {@code maxBadSteps} consecutive non-finite steps
     */
    public TrainingResult train(int[] train, int[] valid) {
        final int batch = config.batchSize();
        final int k1 = config.bptt();
        final int k2 = config.history();
        TokenStreams streams = TokenStreams.of(train, batch, k1 + 1, "training corpus");
        final int usable = streams.length() - 1;
        final long stepsPerEpoch = (usable + k1 - 1) / k1;
        final long totalSteps = stepsPerEpoch * config.epochs();

        List<Parameter> params = model.parameters();
        RnnLanguageModel.Workspace ws = model.newWorkspace(batch, k2);
        RnnLanguageModel.Workspace advanceWs = k2 > k1 ? model.newWorkspace(batch, k1) : null;
        int[] in = new int[k2 * batch];
        int[] tgt = new int[k2 * batch];
        int[] advIn = new int[k1 * batch];
        float[] startState = model.newState(batch);
        float[] endState = model.newState(batch);
        float[][] best = valid == null ? null : snapshotBuffers(params);
        boolean haveBest = false;

        listeners.forEach(l -> l.onStart(totalSteps, config.seed()));
        final long t0 = System.nanoTime();
        final long deadline = config.maxTime() == null ? Long.MAX_VALUE : t0 + config.maxTime().toNanos();
        long step = 0;
        long skipped = 0;
        int badInRow = 0;
        long tokens = 0;
        int epoch = 0;
        Evaluation bestEval = null;
        Evaluation lastEval = null;
        String stopReason = "epochs done";

        // progress accumulators since the last report
        double lossSum = 0;
        long lossRows = 0;
        int reportSteps = 0;
        int reportClipped = 0;
        long reportT0 = t0;
        long reportTokens = 0;
        ClipReport lastClip = new ClipReport(0, 0, false);

        training:
        for (epoch = 1; epoch <= config.epochs(); epoch++) {
            Arrays.fill(startState, 0f);
            long sinceEval = 0;
            for (int s = 0; s < usable; s += k1) {
                int fresh = Math.min(k1, usable - s);
                int w = Math.max(0, s - (k2 - k1));
                int steps = s + fresh - w;
                streams.window(w, steps, in);
                streams.window(w + 1, steps, tgt);
                for (Parameter p : params) {
                    p.zeroGrad();
                }
                double lr = schedule.learningRate(step);
                optimizer.setLearningRate(lr);
                double loss = model.trainWindow(ws, steps, s - w, in, tgt, startState, endState);
                ClipReport clip = clipper.clip(params);
                int rows = fresh * batch;
                boolean finite = Double.isFinite(loss) && clip.finite();
                int nextW = Math.max(0, s + k1 - (k2 - k1));
                if (!finite) {
                    skipped++;
                    badInRow++;
                    String why = !Double.isFinite(loss) ? "loss is " + loss : "gradient norm is " + clip.normBefore();
                    final long st = step;
                    final int bir = badInRow;
                    listeners.forEach(l -> l.onSkippedStep(st, bir, why));
                    if (badInRow >= config.maxBadSteps()) {
                        throw new TrainingDivergedException("training diverged: " + badInRow
                                + " consecutive steps with a non-finite loss or gradient (last: " + why + ", after step "
                                + step + ", learning rate " + lr + "); lower the learning rate or clip gradients");
                    }
                    Arrays.fill(startState, 0f);
                } else {
                    badInRow = 0;
                    optimizer.step(params);
                    step++;
                    sinceEval++;
                    tokens += rows;
                    lossSum += loss;
                    lossRows += rows;
                    reportSteps++;
                    reportTokens += rows;
                    if (clip.clipped()) {
                        reportClipped++;
                    }
                    lastClip = clip;
                    // carry the state to the start of the next window (if this epoch has one)
                    if (s + k1 >= usable) {
                        // last window of the epoch: the next epoch starts from zero
                    } else if (nextW == s + fresh) {
                        System.arraycopy(endState, 0, startState, 0, startState.length);
                    } else if (nextW > w) {
                        streams.window(w, nextW - w, advIn);
                        model.advance(advanceWs, nextW - w, advIn, startState, startState);
                    }
                }
                long now = System.nanoTime();
                if (reportSteps > 0 && (step % config.logEvery() == 0 || s + k1 >= usable)) {
                    double secs = Math.max(1e-9, (now - reportT0) / 1e9);
                    StepReport r = new StepReport(epoch, step, totalSteps, lossSum / lossRows, lr, lastClip,
                            reportClipped / (double) reportSteps, reportTokens / secs, tokens, Duration.ofNanos(now - t0));
                    listeners.forEach(l -> l.onStep(r));
                    lossSum = 0;
                    lossRows = 0;
                    reportSteps = 0;
                    reportClipped = 0;
                    reportTokens = 0;
                    reportT0 = now;
                }
                boolean outOfTime = now >= deadline;
                boolean lastOfEpoch = s + k1 >= usable;
                if (valid != null && !lastOfEpoch && !outOfTime && config.evalEvery() > 0
                        && sinceEval >= config.evalEvery()) {
                    sinceEval = 0;
                    Validation v = validate(valid, epoch, step, false, best, haveBest, bestEval);
                    lastEval = v.eval;
                    if (v.improved) {
                        bestEval = v.eval;
                        haveBest = true;
                    }
                    if (v.stop) {
                        stopReason = "schedule: " + v.reason;
                        break training;
                    }
                    if (v.rolledBack) {
                        // the carried state belongs to the discarded weights
                        Arrays.fill(startState, 0f);
                    }
                }
                if (outOfTime) {
                    stopReason = "time limit " + config.maxTime();
                    if (valid != null) {
                        Validation v = validate(valid, epoch, step, false, best, haveBest, bestEval);
                        lastEval = v.eval;
                        if (v.improved) {
                            bestEval = v.eval;
                            haveBest = true;
                        }
                    }
                    break training;
                }
            }
            if (valid != null) {
                Validation v = validate(valid, epoch, step, true, best, haveBest, bestEval);
                lastEval = v.eval;
                if (v.improved) {
                    bestEval = v.eval;
                    haveBest = true;
                }
                if (v.stop) {
                    stopReason = "schedule: " + v.reason;
                    break;
                }
            }
        }
        if (haveBest && lastEval != null && lastEval.meanLoss() > bestEval.meanLoss()) {
            restore(params, best);
        }
        TrainingResult result = new TrainingResult(step, skipped, Math.min(epoch, config.epochs()), tokens,
                Duration.ofNanos(System.nanoTime() - t0), bestEval, lastEval, stopReason);
        listeners.forEach(l -> l.onEnd(result));
        return result;
    }

    private record Validation(Evaluation eval, boolean improved, boolean rolledBack, boolean stop, String reason) {
    }

    private Validation validate(int[] valid, int epoch, long step, boolean endOfEpoch, float[][] best,
                                boolean haveBest, Evaluation bestEval) {
        List<Parameter> params = model.parameters();
        Evaluation e = Evaluator.evaluate(model, valid, config.evalBatch(), config.bptt(), "validation corpus");
        boolean improved = bestEval == null || e.meanLoss() < bestEval.meanLoss();
        if (improved) {
            copy(params, best);
        }
        LearningRateSchedule.Decision d = schedule.afterValidation(e.meanLoss());
        boolean rolledBack = false;
        if (d.rollback() && (haveBest || improved) && !improved) {
            restore(params, best);
            rolledBack = true;
        }
        double lr = schedule.learningRate(step);
        ValidationReport r = new ValidationReport(epoch, step, endOfEpoch, e, lr, rolledBack, d.reason());
        listeners.forEach(l -> l.onValidation(r));
        return new Validation(e, improved, rolledBack, d.stop(), d.reason());
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
