package dev.recur.train;

import java.time.Duration;

/**
 * How a {@link Trainer} runs. Defaults are declared once, in {@link #defaults()}.
 *
 * @param batchSize       independent streams per mini-batch (B)
 * @param bptt            k1: steps of forward per update (the window)
 * @param bpttHistory     k2: steps of gradient history per update; 0 means k2 = k1. Must be ≥ k1: the
 *                        window of each update is its k1 new steps preceded by k2−k1 steps of context
 *                        that are recomputed from the saved state and backpropagated through, but not
 *                        counted again in the loss
 * @param epochs          passes over the training data (≥ 1)
 * @param maxTime         wall-clock budget of training, or null for none
 * @param evalEvery       validate every this many steps as well as after each epoch (0 = epochs only)
 * @param logEvery        report progress every this many steps (≥ 1)
 * @param evalBatch       streams used for validation
 * @param maxBadSteps     consecutive skipped (non-finite) steps after which training stops
 * @param seed            the run's seed (printed; reserved for shuffling and dropout)
 * @param maxSteps        stop after this many optimizer steps in total (0 = no limit)
 * @param checkpointEvery offer a checkpoint to the listeners every this many steps (0 = never)
 */
public record TrainerConfig(int batchSize, int bptt, int bpttHistory, int epochs, Duration maxTime, long evalEvery,
                            int logEvery, int evalBatch, int maxBadSteps, long seed, long maxSteps,
                            long checkpointEvery) {

    /**
     * Validates every setting (one-line errors naming the setting, the expectation and the value).
     *
     * @param batchSize independent streams per mini-batch (B)
     * @param bptt k1: steps of forward per update (the window)
     * @param bpttHistory k2: steps of gradient history per update; 0 means k2 = k1. Must be ≥ k1: the window of each update is its k1 new steps preceded by k2−k1 steps of context that are recomputed from the saved state and backpropagated through, but not counted again in the loss
     * @param epochs passes over the training data (≥ 1)
     * @param maxTime wall-clock budget of training, or null for none
     * @param evalEvery validate every this many steps as well as after each epoch (0 = epochs only)
     * @param logEvery report progress every this many steps (≥ 1)
     * @param evalBatch streams used for validation
     * @param maxBadSteps consecutive skipped (non-finite) steps after which training stops
     * @param seed the run's seed (printed; reserved for shuffling and dropout)
     * @param maxSteps stop after this many optimizer steps in total (0 = no limit)
     * @param checkpointEvery offer a checkpoint to the listeners every this many steps (0 = never)
     */
    public TrainerConfig {
        positive("batchSize", batchSize);
        positive("bptt", bptt);
        if (bpttHistory != 0 && bpttHistory < bptt) {
            throw new IllegalArgumentException("bpttHistory (k2) must be 0 or >= bptt (k1) = " + bptt
                    + ", got " + bpttHistory);
        }
        positive("epochs", epochs);
        if (maxTime != null && (maxTime.isNegative() || maxTime.isZero())) {
            throw new IllegalArgumentException("maxTime must be > 0, got " + maxTime);
        }
        if (evalEvery < 0) {
            throw new IllegalArgumentException("evalEvery must be >= 0, got " + evalEvery);
        }
        positive("logEvery", logEvery);
        positive("evalBatch", evalBatch);
        positive("maxBadSteps", maxBadSteps);
        if (maxSteps < 0) {
            throw new IllegalArgumentException("maxSteps must be >= 0, got " + maxSteps);
        }
        if (checkpointEvery < 0) {
            throw new IllegalArgumentException("checkpointEvery must be >= 0, got " + checkpointEvery);
        }
    }

    private static void positive(String name, long v) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, got " + v);
        }
    }

    /**
     * B=32, bptt 35, k2 = k1, 1 epoch, no time limit, validation per epoch, log every 50 steps.
     *
     * @return the default configuration
     */
    public static TrainerConfig defaults() {
        return new TrainerConfig(32, 35, 0, 1, null, 0, 50, 10, 5, 1, 0, 0);
    }

    /**
     * k2 (the effective gradient history).
     *
     * @return k2
     */
    public int history() {
        return bpttHistory == 0 ? bptt : bpttHistory;
    }

    /**
     * The same settings with another batch size.
     *
     * @param v the new value
     * @return a new, validated configuration
     */
    public TrainerConfig withBatchSize(int v) {
        return new TrainerConfig(v, bptt, bpttHistory, epochs, maxTime, evalEvery, logEvery, evalBatch, maxBadSteps, seed, maxSteps, checkpointEvery);
    }

    /**
     * The same settings with another window k1.
     *
     * @param v the new value
     * @return a new, validated configuration
     */
    public TrainerConfig withBptt(int v) {
        return new TrainerConfig(batchSize, v, bpttHistory, epochs, maxTime, evalEvery, logEvery, evalBatch, maxBadSteps, seed, maxSteps, checkpointEvery);
    }

    /**
     * The same settings with another gradient history k2 (0 = k1).
     *
     * @param v the new value
     * @return a new, validated configuration
     */
    public TrainerConfig withBpttHistory(int v) {
        return new TrainerConfig(batchSize, bptt, v, epochs, maxTime, evalEvery, logEvery, evalBatch, maxBadSteps, seed, maxSteps, checkpointEvery);
    }

    /**
     * The same settings with another epoch count.
     *
     * @param v the new value
     * @return a new, validated configuration
     */
    public TrainerConfig withEpochs(int v) {
        return new TrainerConfig(batchSize, bptt, bpttHistory, v, maxTime, evalEvery, logEvery, evalBatch, maxBadSteps, seed, maxSteps, checkpointEvery);
    }

    /**
     * The same settings with another time budget (null: none).
     *
     * @param v the new value
     * @return a new, validated configuration
     */
    public TrainerConfig withMaxTime(Duration v) {
        return new TrainerConfig(batchSize, bptt, bpttHistory, epochs, v, evalEvery, logEvery, evalBatch, maxBadSteps, seed, maxSteps, checkpointEvery);
    }

    /**
     * The same settings with another validation cadence in steps (0 = per epoch).
     *
     * @param v the new value
     * @return a new, validated configuration
     */
    public TrainerConfig withEvalEvery(long v) {
        return new TrainerConfig(batchSize, bptt, bpttHistory, epochs, maxTime, v, logEvery, evalBatch, maxBadSteps, seed, maxSteps, checkpointEvery);
    }

    /**
     * The same settings with another progress cadence in steps.
     *
     * @param v the new value
     * @return a new, validated configuration
     */
    public TrainerConfig withLogEvery(int v) {
        return new TrainerConfig(batchSize, bptt, bpttHistory, epochs, maxTime, evalEvery, v, evalBatch, maxBadSteps, seed, maxSteps, checkpointEvery);
    }

    /**
     * The same settings with another validation stream count.
     *
     * @param v the new value
     * @return a new, validated configuration
     */
    public TrainerConfig withEvalBatch(int v) {
        return new TrainerConfig(batchSize, bptt, bpttHistory, epochs, maxTime, evalEvery, logEvery, v, maxBadSteps, seed, maxSteps, checkpointEvery);
    }

    /**
     * The same settings with another consecutive non-finite steps tolerated.
     *
     * @param v the new value
     * @return a new, validated configuration
     */
    public TrainerConfig withMaxBadSteps(int v) {
        return new TrainerConfig(batchSize, bptt, bpttHistory, epochs, maxTime, evalEvery, logEvery, evalBatch, v, seed, maxSteps, checkpointEvery);
    }

    /**
     * The same settings with another step limit (0 = none).
     *
     * @param v the new value
     * @return a new, validated configuration
     */
    public TrainerConfig withMaxSteps(long v) {
        return new TrainerConfig(batchSize, bptt, bpttHistory, epochs, maxTime, evalEvery, logEvery, evalBatch, maxBadSteps, seed, v, checkpointEvery);
    }

    /**
     * The same settings with another checkpoint cadence in steps (0 = never).
     *
     * @param v the new value
     * @return a new, validated configuration
     */
    public TrainerConfig withCheckpointEvery(long v) {
        return new TrainerConfig(batchSize, bptt, bpttHistory, epochs, maxTime, evalEvery, logEvery, evalBatch, maxBadSteps, seed, maxSteps, v);
    }

    /**
     * The same settings with another seed.
     *
     * @param v the new value
     * @return a new, validated configuration
     */
    public TrainerConfig withSeed(long v) {
        return new TrainerConfig(batchSize, bptt, bpttHistory, epochs, maxTime, evalEvery, logEvery, evalBatch, maxBadSteps, v, maxSteps, checkpointEvery);
    }
}
