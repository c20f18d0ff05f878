package dev.recur.train;

import dev.recur.spi.ClipReport;
import java.time.Duration;

/**
 * Progress after a logged training step.
 *
 * @param epoch           1-based epoch
 * @param step            optimizer steps taken so far in the run (skipped steps not counted)
 * @param totalSteps      planned steps of the run (epochs × steps per epoch)
 * @param loss            mean training cross-entropy over the steps since the last report (nats)
 * @param learningRate    rate of the last step
 * @param clip            the clipper's report for the last step
 * @param clipRate        fraction of the steps since the last report that were clipped
 * @param tokensPerSecond training throughput since the last report
 * @param tokens          tokens trained on so far
 * @param elapsed         time since training started
 * @param gradientNorms   L2 norm of each parameter's gradient at the last step, BEFORE clipping, by name
 */
public record StepReport(int epoch, long step, long totalSteps, double loss, double learningRate, ClipReport clip,
                         double clipRate, double tokensPerSecond, long tokens, Duration elapsed,
                         java.util.Map<String, Double> gradientNorms) {

    /**
     * exp(loss).
     *
     * @return exp(loss)
     */
    public double perplexity() {
        return Math.exp(loss);
    }
}
