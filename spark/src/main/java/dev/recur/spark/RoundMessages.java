package dev.recur.spark;

import dev.recur.spi.OptimizerState;
import dev.recur.train.ReplicaState;
import dev.recur.train.TrainerState;
import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/** What the driver and the replicas exchange each round: raw arrays, Java-serialised by Spark. */
final class RoundMessages {

    private RoundMessages() {
    }

    /**
     * The state every replica shares: the weights (one array per parameter, in the model's order) and the
     * optimizer's state; averaged between rounds.
     */
    record Shared(float[][] weights, TreeMap<String, float[]> optimizerTensors, TreeMap<String, Double> optimizerScalars)
            implements Serializable {

        static Shared of(float[][] weights, OptimizerState opt) {
            return new Shared(weights, new TreeMap<>(opt.tensors()), new TreeMap<>(opt.scalars()));
        }

        OptimizerState optimizerState() {
            return new OptimizerState(optimizerTensors, optimizerScalars);
        }

        long bytes() {
            long n = 0;
            for (float[] w : weights) {
                n += 4L * w.length;
            }
            for (float[] t : optimizerTensors.values()) {
                n += 4L * t.length;
            }
            return n + 8L * optimizerScalars.size();
        }
    }

    /** Where one replica stands: position, carried hidden state, counters, dropout generator. */
    record Position(int epoch, long position, long step, long skipped, long tokens, long sinceValidation,
                    float[] carried, long dropout) implements Serializable {

        static Position of(TrainerState t, long dropout) {
            return new Position(t.epoch(), t.position(), t.step(), t.skipped(), t.tokens(), t.sinceValidation(),
                    t.carried(), dropout);
        }

        static Position of(ReplicaState r) {
            return of(r.trainer(), r.dropoutState());
        }

        TrainerState trainerState() {
            return new TrainerState(epoch, position, step, skipped, tokens, sinceValidation, carried, Double.NaN, null);
        }

        ReplicaState replicaState() {
            return new ReplicaState(trainerState(), dropout);
        }

        Position withSinceValidation(long v) {
            return new Position(epoch, position, step, skipped, tokens, v, carried, dropout);
        }

        Position withZeroState() {
            return new Position(epoch, position, step, skipped, tokens, sinceValidation, new float[carried.length],
                    dropout);
        }
    }

    /**
     * One round's input, broadcast to every replica: the shared state, every replica's position, the schedule's
     * state and the step at which the round ends.
     */
    record RoundInput(int round, Shared shared, Position[] replicas, TreeMap<String, Double> schedule, long untilStep)
            implements Serializable {

        static RoundInput of(int round, Shared shared, Position[] replicas, Map<String, Double> schedule,
                             long untilStep) {
            return new RoundInput(round, shared, replicas, new TreeMap<>(schedule), untilStep);
        }
    }

    /** What one replica sends back after its round. */
    record RoundResult(int replica, Shared shared, Position position, double meanLoss, long steps, long tokens,
                       long skipped, double computeSeconds, String stopReason, long clippedSteps, double gradNormSum,
                       double gradNormMax) implements Serializable {

        /** The same result without its (large) shared state. */
        RoundResult withoutShared() {
            return new RoundResult(replica, null, position, meanLoss, steps, tokens, skipped, computeSeconds, stopReason,
                    clippedSteps, gradNormSum, gradNormMax);
        }
    }

    /**
     * A partial sum of the tree aggregation: the element-wise sum of some replicas' shared states (in replica
     * order) and their results without it.
     */
    record Partial(Shared sum, java.util.ArrayList<RoundResult> results) implements Serializable {

        static Partial of(RoundResult r) {
            java.util.ArrayList<RoundResult> l = new java.util.ArrayList<>();
            l.add(r.withoutShared());
            return new Partial(r.shared(), l);
        }

        /** Partials in any order → their sum, added in the order of their first replica. */
        static Partial merge(Iterable<Partial> parts) {
            java.util.List<Partial> ps = new java.util.ArrayList<>();
            parts.forEach(ps::add);
            ps.sort(java.util.Comparator.comparingInt(p -> p.results().get(0).replica()));
            java.util.List<Shared> sums = new java.util.ArrayList<>();
            java.util.ArrayList<RoundResult> all = new java.util.ArrayList<>();
            for (Partial p : ps) {
                sums.add(p.sum());
                all.addAll(p.results());
            }
            return new Partial(DataParallelRun.sum(sums), all);
        }
    }
}
