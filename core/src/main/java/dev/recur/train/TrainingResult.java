package dev.recur.train;

import dev.recur.model.Evaluation;
import java.time.Duration;

/**
 * How a run ended.
 *
 * @param steps          optimizer steps taken
 * @param skippedSteps   steps skipped for a non-finite loss or gradient
 * @param epochs         epochs started
 * @param tokens         training tokens processed
 * @param elapsed        wall-clock training time
 * @param bestValidation the best validation seen (null when no validation data)
 * @param lastValidation the last validation (null when no validation data)
 * @param stopReason     why training ended ("epochs done", "time limit", "schedule: ...")
 * @param trainingLoss   the mean training loss (nats per token) over the steps this call took (NaN when none)
 */
public record TrainingResult(long steps, long skippedSteps, int epochs, long tokens, Duration elapsed,
                             Evaluation bestValidation, Evaluation lastValidation, String stopReason,
                             double trainingLoss) {
}
