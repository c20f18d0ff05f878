package dev.recur.train;

/**
 * Where a training run stands: what a checkpoint stores besides the weights and the optimizer's state, so
 * that a resumed run continues exactly (same data position, same carried hidden state, same counters).
 *
 * <p>Instances handed to listeners are snapshots: the trainer does not change them afterwards.
 */
public final class TrainerState {

    private final int epoch;
    private final long position;
    private final long step;
    private final long skipped;
    private final long tokens;
    private final long sinceValidation;
    private final float[] carried;
    private final double bestLoss;
    private final float[][] bestWeights;

    /**
     * A snapshot of where a run stands (the arrays are copied).
     *
     * @param epoch           the 1-based epoch in progress
     * @param position        start (in steps) of the next window within the epoch
     * @param step            optimizer steps taken
     * @param skipped         steps skipped for non-finite values
     * @param tokens          training tokens processed
     * @param sinceValidation steps since the last validation
     * @param carried         the hidden state at {@code position} [batch × stateSize]
     * @param bestLoss        the best validation loss so far, or NaN
     * @param bestWeights     the weights of that validation (parameter order), or null
     */
    public TrainerState(int epoch, long position, long step, long skipped, long tokens, long sinceValidation,
                        float[] carried, double bestLoss, float[][] bestWeights) {
        if (epoch < 1 || position < 0 || step < 0 || skipped < 0 || tokens < 0 || sinceValidation < 0) {
            throw new IllegalArgumentException("invalid trainer state: epoch " + epoch + ", position " + position
                    + ", step " + step);
        }
        this.epoch = epoch;
        this.position = position;
        this.step = step;
        this.skipped = skipped;
        this.tokens = tokens;
        this.sinceValidation = sinceValidation;
        this.carried = carried.clone();
        this.bestLoss = bestLoss;
        this.bestWeights = bestWeights == null ? null : deepCopy(bestWeights);
    }

    static float[][] deepCopy(float[][] a) {
        float[][] c = new float[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }

    /**
     * The epoch in progress.
     *
     * @return the 1-based epoch
     */
    public int epoch() {
        return epoch;
    }

    /**
     * Where the next window starts within the epoch.
     *
     * @return the position in steps per stream
     */
    public long position() {
        return position;
    }

    /**
     * Optimizer steps taken.
     *
     * @return the step count
     */
    public long step() {
        return step;
    }

    /**
     * Steps skipped for a non-finite loss or gradient.
     *
     * @return the skipped step count
     */
    public long skipped() {
        return skipped;
    }

    /**
     * Training tokens processed.
     *
     * @return the token count
     */
    public long tokens() {
        return tokens;
    }

    /**
     * Steps since the last validation.
     *
     * @return the step count
     */
    public long sinceValidation() {
        return sinceValidation;
    }

    /**
     * A copy of the carried hidden state.
     *
     * @return a copy of the state
     */
    public float[] carried() {
        return carried.clone();
    }

    /**
     * The best validation loss so far.
     *
     * @return mean cross-entropy in nats, or NaN when there was none
     */
    public double bestLoss() {
        return bestLoss;
    }

    /**
     * A copy of the best weights, or null.
     *
     * @return a copy, or null
     */
    public float[][] bestWeights() {
        return bestWeights == null ? null : deepCopy(bestWeights);
    }
}
