package dev.recur.spark;

import dev.recur.io.Checkpoints;
import dev.recur.model.Evaluation;
import dev.recur.model.Evaluator;
import dev.recur.model.LanguageModel;
import dev.recur.spark.RoundMessages.Position;
import dev.recur.spark.RoundMessages.RoundInput;
import dev.recur.spark.RoundMessages.RoundResult;
import dev.recur.spark.RoundMessages.Shared;
import dev.recur.spi.LearningRateSchedule;
import dev.recur.spi.Parameter;
import dev.recur.train.Checkpoint;
import dev.recur.train.ReplicaState;
import dev.recur.train.RunSpec;
import dev.recur.train.TrainerConfig;
import dev.recur.train.TrainerState;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * Synchronous data-parallel training by periodic averaging, driven from the Spark driver. Each round every
 * replica continues the ordinary engine for {@code syncEvery} steps on its shard (a round also ends where the
 * replicas' epoch ends), then the driver averages the weights and the optimizer state, in replica order (the
 * same bits every run), and the next round starts from the average. Each replica keeps its own data position,
 * carried hidden state and dropout generator across rounds. Validation, the schedule's decisions (rate,
 * rollback, stop), the time and step limits, metrics and checkpoints live on the driver; with one replica the
 * run computes exactly what {@code recur train} computes.
 */
final class DataParallelRun {

    /** How the run ended. */
    record Outcome(long steps, long tokens, int rounds, Duration elapsed, String stopReason, Evaluation best,
                   double computeSeconds, double communicationSeconds) {
    }

    /** One round's figures, for progress and metrics. */
    record RoundReport(int round, int epoch, long step, double loss, double learningRate, long tokens,
                       double tokensPerSecond, double roundSeconds, double computeSeconds, double communicationSeconds,
                       double averageSeconds, long bytesPerReplica, double clipRate, double meanGradNorm,
                       double maxGradNorm, Duration elapsed) {
    }

    /** A validation on the driver. */
    record ValidationReport(int epoch, long step, boolean endOfEpoch, Evaluation result, double learningRate,
                            boolean rolledBack, String note) {
    }

    /** What the run reports to (progress lines, metrics). */
    interface Listener {
        default void onRound(RoundReport r) {
        }

        default void onValidation(ValidationReport r) {
        }

        default void onCheckpoint(Checkpoint c) {
        }
    }

    /** How the replicas' states are summed. */
    enum Aggregation {
        /** Every replica's state goes to the driver, which sums them in replica order. */
        DRIVER,
        /** Pairs of partial sums are added on the executors, level by level (⌈log₂ W⌉ shuffles); one sum reaches
         * the driver. */
        TREE
    }

    private final JavaSparkContext sc;
    private final JavaRDD<int[]> shards;
    private final int workers;
    private Aggregation aggregation = Aggregation.DRIVER;
    private final int syncEvery;
    private final LanguageModel model;
    private final RunSpec spec;
    private final LearningRateSchedule schedule;
    private final int[] valid;
    private final List<Listener> listeners = new ArrayList<>();
    private final AtomicBoolean stopRequested = new AtomicBoolean();

    private Shared shared;
    private final Position[] replicas;
    private long sinceEval;
    private double bestLoss = Double.NaN;
    private float[][] best;
    private Evaluation bestEval;
    private Evaluation lastEval;

    /**
     * A run starting from {@code start}: a new run's initial checkpoint (no replicas: every replica starts at the
     * beginning of its shard, replica 0 with the run's dropout generator, the others with generators derived from
     * it) or a driver checkpoint with one replica state per worker.
     */
    DataParallelRun(JavaSparkContext sc, JavaRDD<int[]> shards, int workers, int syncEvery, Checkpoint start,
                    LearningRateSchedule schedule, int[] valid) {
        this.sc = sc;
        this.shards = shards;
        this.workers = workers;
        this.syncEvery = syncEvery;
        this.model = start.model();
        this.spec = start.spec();
        this.schedule = schedule;
        this.valid = valid;
        List<Parameter> params = model.network().parameters();
        float[][] w = new float[params.size()][];
        for (int i = 0; i < w.length; i++) {
            w[i] = params.get(i).value().clone();
        }
        this.shared = Shared.of(w, start.optimizerState());
        this.replicas = new Position[workers];
        TrainerState t = start.trainer();
        if (start.replicas().isEmpty()) {
            if (workers != 1 && t.step() > 0) {
                throw new IllegalArgumentException("the checkpoint is of a run in one process; resume it with --workers 1");
            }
            for (int r = 0; r < workers; r++) {
                long dropout = r == 0 ? start.dropoutState() : new SplittableRandom(start.dropoutState() + r).nextLong();
                replicas[r] = r == 0 ? Position.of(t, dropout)
                        : new Position(1, 0, 0, 0, 0, 0, new float[t.carried().length], dropout);
            }
        } else {
            if (start.replicas().size() != workers) {
                throw new IllegalArgumentException("the checkpoint has " + start.replicas().size()
                        + " replicas; resume it with --workers " + start.replicas().size());
            }
            for (int r = 0; r < workers; r++) {
                replicas[r] = Position.of(start.replicas().get(r));
            }
        }
        this.sinceEval = t.sinceValidation();
        this.bestLoss = t.bestLoss();
        this.best = t.bestWeights();
        if (best != null && !Double.isNaN(bestLoss)) {
            bestEval = new Evaluation(bestLoss, 0);
        }
    }

    DataParallelRun aggregation(Aggregation a) {
        this.aggregation = a;
        return this;
    }

    DataParallelRun addListener(Listener l) {
        listeners.add(l);
        return this;
    }

    /** Stop after the round in progress, with a checkpoint (any thread). */
    void requestStop() {
        stopRequested.set(true);
    }

    /** Trains until the epochs, --max-steps or --max-time end it (or the schedule stops it). */
    Outcome run() {
        TrainerConfig cfg = spec.trainer();
        long t0 = System.nanoTime();
        long deadline = cfg.maxTime() == null ? Long.MAX_VALUE : t0 + cfg.maxTime().toNanos();
        Checkpoint template = checkpoint();
        Broadcast<byte[]> tb = sc.broadcast(Checkpoints.toBytes(template));
        String runId = java.util.UUID.randomUUID().toString(); // keys the executors' scratch models to this run
        int round = roundsDone();
        long tokens = 0;
        double compute = 0;
        double comm = 0;
        boolean validatedLast = false;
        String stop = "epochs done";
        long checkpointAt = cfg.checkpointEvery() > 0 ? (replicas[0].step() / cfg.checkpointEvery() + 1)
                * cfg.checkpointEvery() : Long.MAX_VALUE;
        while (true) {
            long step = replicas[0].step();
            if (replicas[0].epoch() > cfg.epochs()) {
                stop = "epochs done";
                break;
            }
            if (cfg.maxSteps() > 0 && step >= cfg.maxSteps()) {
                stop = "max steps " + cfg.maxSteps();
                break;
            }
            if (System.nanoTime() >= deadline) {
                stop = "time limit " + cfg.maxTime();
                break;
            }
            if (stopRequested.get()) {
                stop = "stop requested";
                break;
            }
            long until = step + syncEvery;
            if (cfg.maxSteps() > 0) {
                until = Math.min(until, cfg.maxSteps());
            }
            int epochBefore = replicas[0].epoch();
            long r0 = System.nanoTime();
            RoundInput in = RoundInput.of(round + 1, shared, replicas.clone(), schedule.state(), until);
            Broadcast<RoundInput> bc = sc.broadcast(in);
            JavaRDD<RoundResult> computed = shards.mapPartitionsWithIndex((w, it) ->
                    List.of(ReplicaRound.run(w, it.next(), runId, tb.value(), bc.value())).iterator(), true);
            List<RoundResult> results;
            Shared sum;
            double averageSeconds;
            if (aggregation == Aggregation.TREE && workers > 1) {
                RoundMessages.Partial total = treeSum(computed);
                long a0 = System.nanoTime();
                results = new ArrayList<>(total.results());
                sum = total.sum();
                shared = divide(sum, workers);
                averageSeconds = (System.nanoTime() - a0) / 1e9;
            } else {
                results = new ArrayList<>(computed.collect());
                results.sort(Comparator.comparingInt(RoundResult::replica));
                long a0 = System.nanoTime();
                shared = average(results);
                averageSeconds = (System.nanoTime() - a0) / 1e9;
            }
            bc.destroy();
            results.sort(Comparator.comparingInt(RoundResult::replica));
            if (results.size() != workers) {
                throw new IllegalStateException("a round returned " + results.size() + " results for " + workers
                        + " replicas");
            }
            double lossSum = 0;
            long lossTokens = 0;
            long roundTokens = 0;
            double roundCompute = 0;
            long clippedSteps = 0;
            long allSteps = 0;
            double normSum = 0;
            double normMax = 0;
            for (RoundResult r : results) {
                clippedSteps += r.clippedSteps();
                allSteps += r.steps();
                normSum += r.gradNormSum();
                normMax = Math.max(normMax, r.gradNormMax());
                replicas[r.replica()] = r.position();
                roundTokens += r.tokens();
                if (!Double.isNaN(r.meanLoss())) {
                    lossSum += r.meanLoss() * r.tokens();
                    lossTokens += r.tokens();
                }
                roundCompute = Math.max(roundCompute, r.computeSeconds());
            }
            round++;
            tokens += roundTokens;
            sinceEval += results.get(0).steps();
            double roundSeconds = (System.nanoTime() - r0) / 1e9;
            compute += roundCompute;
            comm += Math.max(0, roundSeconds - roundCompute);
            long stepNow = replicas[0].step();
            RoundReport rep = new RoundReport(round, epochBefore, stepNow, lossTokens == 0 ? Double.NaN
                    : lossSum / lossTokens, schedule.learningRate(Math.max(0, stepNow - 1)), roundTokens,
                    roundTokens / roundSeconds, roundSeconds, roundCompute, Math.max(0, roundSeconds - roundCompute),
                    averageSeconds, shared.bytes(), allSteps == 0 ? 0 : clippedSteps / (double) allSteps,
                    allSteps == 0 ? Double.NaN : normSum / allSteps, normMax, Duration.ofNanos(System.nanoTime() - t0));
            listeners.forEach(l -> l.onRound(rep));
            boolean epochEnded = replicas[0].epoch() > epochBefore;
            validatedLast = false;
            if (valid != null && (epochEnded || (cfg.evalEvery() > 0 && sinceEval >= cfg.evalEvery()))) {
                validatedLast = true;
                if (validate(epochBefore, stepNow, epochEnded)) {
                    stop = "schedule: " + lastNote;
                    break;
                }
            }
            if (stepNow >= checkpointAt) {
                Checkpoint c = checkpoint();
                listeners.forEach(l -> l.onCheckpoint(c));
                checkpointAt = (stepNow / cfg.checkpointEvery() + 1) * cfg.checkpointEvery();
            }
        }
        if (stop.equals("stop requested")) {
            Checkpoint c = checkpoint();
            listeners.forEach(l -> l.onCheckpoint(c));
        }
        if (valid != null && !validatedLast && (stop.startsWith("max steps") || stop.startsWith("time limit")
                || stop.equals("stop requested")) && round > 0) {
            validate(replicas[0].epoch(), replicas[0].step(), false);
        }
        tb.destroy();
        setWeights(shared.weights());
        if (bestEval != null && lastEval != null && lastEval.meanLoss() > bestEval.meanLoss()) {
            setWeights(best);
        }
        return new Outcome(replicas[0].step(), tokens, round, Duration.ofNanos(System.nanoTime() - t0), stop, bestEval,
                compute, comm);
    }

    private String lastNote = "";

    /** Validates the averaged weights; the schedule reacts; returns whether to stop. */
    private boolean validate(int epoch, long step, boolean endOfEpoch) {
        TrainerConfig cfg = spec.trainer();
        sinceEval = 0;
        setWeights(shared.weights());
        Evaluation e = Evaluator.evaluate(model.network(), valid, cfg.evalBatch(), cfg.bptt(), "validation corpus");
        lastEval = e;
        boolean improved = bestEval == null || e.meanLoss() < bestEval.meanLoss();
        if (improved) {
            best = copy(shared.weights());
            bestEval = e;
            bestLoss = e.meanLoss();
        }
        LearningRateSchedule.Decision d = schedule.afterValidation(e.meanLoss());
        boolean rolledBack = false;
        if (d.rollback() && !improved) {
            shared = new Shared(copy(best), shared.optimizerTensors(), shared.optimizerScalars());
            for (int r = 0; r < workers; r++) {
                replicas[r] = replicas[r].withZeroState(); // the carried states belong to the discarded weights
            }
            rolledBack = true;
        }
        ValidationReport r = new ValidationReport(epoch, step, endOfEpoch, e, schedule.learningRate(step), rolledBack,
                d.reason());
        listeners.forEach(l -> l.onValidation(r));
        lastNote = d.reason();
        return d.stop();
    }

    /** The driver's checkpoint: the averaged model, the shared optimizer state and every replica's position. */
    Checkpoint checkpoint() {
        setWeights(shared.weights());
        Position p0 = replicas[0];
        TrainerState main = new TrainerState(p0.epoch(), p0.position(), p0.step(), p0.skipped(), p0.tokens(),
                sinceEval, p0.carried(), bestLoss, bestEval == null ? null : best);
        List<ReplicaState> rs = new ArrayList<>();
        for (Position p : replicas) {
            rs.add(p.withSinceValidation(sinceEval).replicaState());
        }
        return new Checkpoint(model, spec, shared.optimizerState(), schedule.state(), p0.dropout(), main, rs);
    }

    /** Rounds a run at the replicas' position has done (for the round numbers of a resumed run). */
    private int roundsDone() {
        TrainerConfig cfg = spec.trainer();
        Position p = replicas[0];
        if (p.step() == 0) {
            return 0;
        }
        // each epoch's rounds: syncEvery steps, the last one cut at the epoch's end
        long stepsIntoEpoch = (p.position() + cfg.bptt() - 1) / cfg.bptt();
        long perEpoch = stepsPerEpoch();
        long done = (p.epoch() - 1L) * ((perEpoch + syncEvery - 1) / syncEvery) + (stepsIntoEpoch + syncEvery - 1)
                / syncEvery;
        return (int) Math.min(Integer.MAX_VALUE, done);
    }

    private long shardLength = -1;

    DataParallelRun shardLength(long n) {
        this.shardLength = n;
        return this;
    }

    private long stepsPerEpoch() {
        TrainerConfig cfg = spec.trainer();
        long usable = shardLength / cfg.batchSize() - 1;
        return Math.max(1, (usable + cfg.bptt() - 1) / cfg.bptt());
    }

    /**
     * The tree: level by level, partial sums i and i+1 of a level (pairs by index) are added on an executor, lower
     * index first, until one is left; it alone travels to the driver. The pairing fixes the order of every addition,
     * so the bits do not depend on which task finishes first. Spark recomputes any lost piece from its lineage.
     */
    private RoundMessages.Partial treeSum(JavaRDD<RoundResult> computed) {
        org.apache.spark.api.java.JavaPairRDD<Integer, RoundMessages.Partial> level = computed.mapToPair(r ->
                new scala.Tuple2<>(r.replica(), RoundMessages.Partial.of(r)));
        int n = workers;
        while (n > 1) {
            int next = (n + 1) / 2;
            level = level.mapToPair(t -> new scala.Tuple2<>(t._1() / 2, t._2()))
                    .groupByKey(new org.apache.spark.HashPartitioner(next))
                    .mapToPair(g -> new scala.Tuple2<>(g._1(), RoundMessages.Partial.merge(g._2())));
            n = next;
        }
        List<RoundMessages.Partial> top = level.values().collect();
        if (top.size() != 1) {
            throw new IllegalStateException("the tree ended with " + top.size() + " sums");
        }
        return top.get(0);
    }

    /** Element-wise sum of shared states, added in list order (the first is not modified). */
    static Shared sum(List<Shared> parts) {
        Shared first = parts.get(0);
        float[][] w = new float[first.weights().length][];
        for (int i = 0; i < w.length; i++) {
            w[i] = first.weights()[i].clone();
        }
        TreeMap<String, float[]> tensors = new TreeMap<>();
        first.optimizerTensors().forEach((k, v) -> tensors.put(k, v.clone()));
        TreeMap<String, Double> scalars = new TreeMap<>(first.optimizerScalars());
        for (int r = 1; r < parts.size(); r++) {
            Shared s = parts.get(r);
            for (int i = 0; i < w.length; i++) {
                add(w[i], s.weights()[i]);
            }
            for (Map.Entry<String, float[]> e : s.optimizerTensors().entrySet()) {
                float[] into = tensors.get(e.getKey());
                if (into == null || into.length != e.getValue().length) {
                    throw new IllegalStateException("optimizer state '" + e.getKey() + "' does not match across replicas");
                }
                add(into, e.getValue());
            }
            s.optimizerScalars().forEach((k, v) -> scalars.merge(k, v, Double::sum));
        }
        return new Shared(w, tensors, scalars);
    }

    /** A sum of {@code n} states divided by n (in place); n = 1 leaves it as it is. */
    static Shared divide(Shared sum, int n) {
        if (n > 1) {
            float inv = n;
            for (float[] a : sum.weights()) {
                scale(a, inv);
            }
            for (float[] a : sum.optimizerTensors().values()) {
                scale(a, inv);
            }
            sum.optimizerScalars().replaceAll((k, v) -> v / n);
        }
        return sum;
    }

    /** Element-wise mean of the replicas' weights and optimizer state, summed in replica order. */
    static Shared average(List<RoundResult> results) {
        List<Shared> parts = new ArrayList<>();
        for (RoundResult r : results) {
            parts.add(r.shared());
        }
        return divide(sum(parts), results.size());
    }

    private static void add(float[] into, float[] v) {
        for (int i = 0; i < into.length; i++) {
            into[i] += v[i];
        }
    }

    private static void scale(float[] a, float n) {
        for (int i = 0; i < a.length; i++) {
            a[i] /= n;
        }
    }

    private void setWeights(float[][] w) {
        List<Parameter> params = model.network().parameters();
        for (int i = 0; i < w.length; i++) {
            System.arraycopy(w[i], 0, params.get(i).value(), 0, w[i].length);
        }
    }

    private static float[][] copy(float[][] a) {
        float[][] c = new float[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }

    LanguageModel model() {
        return model;
    }

    RunSpec spec() {
        return spec;
    }

    /** A progress line per round and validation, on {@code log}. */
    static Listener progress(PrintWriter log) {
        return new Listener() {
            @Override
            public void onRound(RoundReport r) {
                log.printf(Locale.ROOT, "round %d  epoch %d  step %,d  loss %.4f (ppl %.2f)  lr %.3g  clipped %.0f%% "
                                + "(grad norm %.3g)  %,.0f tok/s  round %.2fs = compute %.2fs + communication %.2fs%n",
                        r.round(), r.epoch(), r.step(), r.loss(), Math.exp(r.loss()), r.learningRate(),
                        100 * r.clipRate(), r.meanGradNorm(), r.tokensPerSecond(), r.roundSeconds(),
                        r.computeSeconds(), r.communicationSeconds());
                log.flush();
            }

            @Override
            public void onValidation(ValidationReport r) {
                log.printf(Locale.ROOT, "validation at step %,d%s: loss %.4f, perplexity %.2f%s%s%n", r.step(),
                        r.endOfEpoch() ? " (end of epoch " + r.epoch() + ")" : "", r.result().meanLoss(),
                        r.result().perplexity(), r.rolledBack() ? ", rolled back" : "",
                        r.note().isEmpty() ? "" : " — " + r.note());
                log.flush();
            }
        };
    }

    /** One JSON line per round and validation. */
    static Listener metrics(Consumer<Map<String, Object>> sink) {
        return new Listener() {
            @Override
            public void onRound(RoundReport r) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("event", "round");
                m.put("round", r.round());
                m.put("epoch", r.epoch());
                m.put("step", r.step());
                m.put("loss", r.loss());
                m.put("perplexity", Math.exp(r.loss()));
                m.put("lr", r.learningRate());
                m.put("tokens", r.tokens());
                m.put("tokens_per_s", r.tokensPerSecond());
                m.put("round_s", r.roundSeconds());
                m.put("compute_s", r.computeSeconds());
                m.put("communication_s", r.communicationSeconds());
                m.put("average_s", r.averageSeconds());
                m.put("clip_rate", r.clipRate());
                m.put("grad_norm", r.meanGradNorm());
                m.put("grad_norm_max", r.maxGradNorm());
                m.put("bytes_per_replica", r.bytesPerReplica());
                m.put("elapsed_s", r.elapsed().toMillis() / 1000.0);
                sink.accept(m);
            }

            @Override
            public void onValidation(ValidationReport r) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("event", "validation");
                m.put("epoch", r.epoch());
                m.put("step", r.step());
                m.put("end_of_epoch", r.endOfEpoch());
                m.put("loss", r.result().meanLoss());
                m.put("perplexity", r.result().perplexity());
                m.put("bits_per_token", r.result().bitsPerToken());
                m.put("lr", r.learningRate());
                m.put("rolled_back", r.rolledBack());
                m.put("note", r.note());
                sink.accept(m);
            }
        };
    }
}
