package dev.recur.train;

import java.util.Objects;

/**
 * Where one replica of a data-parallel run stands (a worker training on its own shard of the corpus): its data
 * position, carried hidden state and counters, and its dropout generator. The replicas share the weights and
 * the optimizer state (averaged between rounds); a {@link Checkpoint} of such a run lists every replica.
 *
 * @param trainer      the replica's trainer state (position, carried state, counters; no best weights)
 * @param dropoutState the replica's dropout generator
 */
public record ReplicaState(TrainerState trainer, long dropoutState) {

    /**
     * Requires the trainer state.
     *
     * @param trainer the replica's trainer state
     * @param dropoutState the replica's dropout generator
     */
    public ReplicaState {
        Objects.requireNonNull(trainer, "trainer");
    }
}
