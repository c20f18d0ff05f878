package dev.recur.optim;

import dev.recur.spi.LearningRateSchedule;

/**
 * Learning-rate decay on a validation plateau, in two modes. When the validation loss got worse than the best
 * so far, both roll back to the best weights.
 * <ul>
 *   <li>{@code mikolov} (RNNLM toolkit): when the loss did not improve by at least a factor
 *       ({@code previous / current < minImprovement}, e.g. 1.003), start dividing the rate by {@code decay}
 *       at every validation from then on; at the next such stall, stop.
 *   <li>{@code on-stall} (PyTorch word_language_model): divide the rate by {@code decay} at every stalled
 *       validation; never stop.
 * </ul>
 */
public final class PlateauSchedule implements LearningRateSchedule {

    private final double minImprovement;
    private final double decay;
    private final boolean mikolov;
    private double rate;
    private boolean decaying;
    private double previous = Double.POSITIVE_INFINITY;
    private double best = Double.POSITIVE_INFINITY;

    /** Mikolov's mode. */
    public PlateauSchedule(double baseRate, double minImprovement, double decay) {
        this(baseRate, minImprovement, decay, true);
    }

    /**
     * @param mikolov true: decay every validation after the first stall and stop at the second; false: decay
     *                at each stall, never stop
     */
    public PlateauSchedule(double baseRate, double minImprovement, double decay, boolean mikolov) {
        if (!(baseRate > 0) || !Double.isFinite(baseRate)) {
            throw new IllegalArgumentException("learning rate must be a finite number > 0, got " + baseRate);
        }
        if (!(minImprovement >= 1) || !Double.isFinite(minImprovement)) {
            throw new IllegalArgumentException("min-improvement must be >= 1, got " + minImprovement);
        }
        if (!(decay > 1) || !Double.isFinite(decay)) {
            throw new IllegalArgumentException("decay must be > 1, got " + decay);
        }
        this.rate = baseRate;
        this.minImprovement = minImprovement;
        this.decay = decay;
        this.mikolov = mikolov;
    }

    @Override
    public double learningRate(long step) {
        return rate;
    }

    @Override
    public Decision afterValidation(double loss) {
        boolean worse = loss > best;
        boolean enough = loss * minImprovement < previous;
        String reason = "";
        boolean stop = false;
        if (!mikolov) {
            if (!enough) {
                rate /= decay;
                reason = "validation improved by less than a factor " + minImprovement + ": rate / " + decay;
            }
        } else {
            if (!enough) {
                if (decaying) {
                    stop = true;
                    reason = "validation improved by less than a factor " + minImprovement + " while decaying: stop";
                } else {
                    decaying = true;
                    reason = "validation improved by less than a factor " + minImprovement
                            + ": start decaying the rate";
                }
            }
            if (decaying && !stop) {
                rate /= decay;
                reason = reason.isEmpty() ? "rate / " + decay : reason;
            }
        }
        if (worse) {
            reason = reason + (reason.isEmpty() ? "" : "; ") + "rolled back to the best weights";
        } else {
            previous = loss;
        }
        best = Math.min(best, loss);
        return new Decision(worse, stop, reason);
    }

    @Override
    public java.util.Map<String, Double> state() {
        return java.util.Map.of("rate", rate, "decaying", decaying ? 1.0 : 0.0, "previous", previous, "best", best);
    }

    @Override
    public void restore(java.util.Map<String, Double> state) {
        for (String key : java.util.List.of("rate", "decaying", "previous", "best")) {
            if (!state.containsKey(key)) {
                throw new IllegalArgumentException("plateau schedule state lacks '" + key + "'");
            }
        }
        rate = state.get("rate");
        decaying = state.get("decaying") != 0;
        previous = state.get("previous");
        best = state.get("best");
    }
}
