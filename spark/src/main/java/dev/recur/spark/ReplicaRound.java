package dev.recur.spark;

import dev.recur.io.Checkpoints;
import dev.recur.math.Kernels;
import dev.recur.model.LanguageModel;
import dev.recur.spark.RoundMessages.Position;
import dev.recur.spark.RoundMessages.RoundInput;
import dev.recur.spark.RoundMessages.RoundResult;
import dev.recur.spark.RoundMessages.Shared;
import dev.recur.spi.Parameter;
import dev.recur.spi.Providers;
import dev.recur.train.Checkpoint;
import dev.recur.train.StepReport;
import dev.recur.train.TrainerConfig;
import dev.recur.train.TrainingListener;
import dev.recur.train.TrainingResult;
import dev.recur.train.TrainingRun;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One replica's round, on an executor: the ordinary engine ({@link TrainingRun#resume}) continued from the
 * shared weights and optimizer state and the replica's own position, for the round's steps (never past the end of
 * the replica's epoch), on the replica's shard. Nothing is kept between rounds but decoded models, reused as
 * scratch (their weights are overwritten each round): a retried task computes the same result.
 */
final class ReplicaRound {

    /**
     * Decoded run templates (model, spec, tokenizer, vocabulary) of the run in progress, by the run's id (random per
     * run: broadcast ids start again with every Spark context): scratch models to reuse.
     */
    private static final Map<String, ConcurrentLinkedQueue<Checkpoint>> POOL = new ConcurrentHashMap<>();

    private ReplicaRound() {
    }

    static RoundResult run(int replica, int[] shard, String runId, byte[] template, RoundInput in) {
        long t0 = System.nanoTime();
        ConcurrentLinkedQueue<Checkpoint> pool = POOL.get(runId);
        if (pool == null) {
            synchronized (POOL) {
                POOL.keySet().removeIf(other -> !other.equals(runId)); // an earlier run's models
                pool = POOL.computeIfAbsent(runId, k -> new ConcurrentLinkedQueue<>());
            }
        }
        Providers providers = Providers.load(ReplicaRound.class.getClassLoader());
        Checkpoint base = pool.poll();
        if (base == null) {
            base = Checkpoints.fromBytes(template, "the run's template", providers, Kernels.get());
        }
        try {
            LanguageModel lm = base.model();
            List<Parameter> params = lm.network().parameters();
            float[][] w = in.shared().weights();
            for (int i = 0; i < params.size(); i++) {
                System.arraycopy(w[i], 0, params.get(i).value(), 0, w[i].length);
            }
            Position at = in.replicas()[replica];
            TrainerConfig cfg = base.spec().trainer().withEpochs(at.epoch()).withMaxSteps(in.untilStep())
                    .withMaxTime(null).withCheckpointEvery(0).withLogEvery(1); // every step's clipping, for the driver
            Checkpoint start = new Checkpoint(lm, base.spec().withTrainer(cfg), in.shared().optimizerState(),
                    in.schedule(), at.dropout(), at.trainerState());
            TrainingRun run = TrainingRun.resume(start, providers);
            long[] clipped = {0};
            double[] norms = {0, 0};
            run.addListener(new TrainingListener() {
                @Override
                public void onStep(StepReport s) {
                    clipped[0] += s.clip().clipped() ? 1 : 0;
                    norms[0] += s.clip().normBefore();
                    norms[1] = Math.max(norms[1], s.clip().normBefore());
                }
            });
            TrainingResult r = run.train(shard, null);
            Checkpoint end = run.checkpoint();
            float[][] out = new float[params.size()][];
            for (int i = 0; i < out.length; i++) {
                out[i] = params.get(i).value().clone();
            }
            Position next = Position.of(end.trainer(), end.dropoutState());
            return new RoundResult(replica, Shared.of(out, end.optimizerState()), next, r.trainingLoss(),
                    next.step() - at.step(), next.tokens() - at.tokens(), next.skipped() - at.skipped(),
                    (System.nanoTime() - t0) / 1e9, r.stopReason(), clipped[0], norms[0], norms[1]);
        } finally {
            pool.add(base);
        }
    }
}
