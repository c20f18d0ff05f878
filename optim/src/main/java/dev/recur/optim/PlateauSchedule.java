package dev.recur.optim;

import dev.recur.spi.LearningRateSchedule;

/**
 * Mikolov's rule (RNNLM toolkit): after each validation, when the loss did not improve by at least a factor
 * ({@code previous / current < minImprovement}, e.g. 1.003), start dividing the rate by {@code decay} at
 * every validation from then on; at the next such failure, stop. When the loss got worse than the best so
 * far, roll back to the best weights.
 */
public final class PlateauSchedule implements LearningRateSchedule {

    private final double minImprovement;
    private final double decay;
    private double rate;
    private boolean decaying;
    private double previous = Double.POSITIVE_INFINITY;
    private double best = Double.POSITIVE_INFINITY;

    public PlateauSchedule(double baseRate, double minImprovement, double decay) {
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
        if (!enough) {
            if (decaying) {
                stop = true;
                reason = "validation improved by less than a factor " + minImprovement + " while decaying: stop";
            } else {
                decaying = true;
                reason = "validation improved by less than a factor " + minImprovement + ": start decaying the rate";
            }
        }
        if (decaying && !stop) {
            rate /= decay;
            reason = reason.isEmpty() ? "rate / " + decay : reason;
        }
        if (worse) {
            reason = reason + (reason.isEmpty() ? "" : "; ") + "rolled back to the best weights";
        } else {
            previous = loss;
        }
        best = Math.min(best, loss);
        return new Decision(worse, stop, reason);
    }
}
