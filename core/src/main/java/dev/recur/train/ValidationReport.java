package dev.recur.train;

import dev.recur.model.Evaluation;

/**
 * A validation during training.
 *
 * @param epoch        1-based epoch
 * @param step         optimizer steps taken so far
 * @param endOfEpoch   whether this validation closes an epoch
 * @param result       the validation figures
 * @param learningRate the rate after the schedule reacted
 * @param rolledBack   whether the weights were restored to the best validation
 * @param note         what the schedule decided, or empty
 */
public record ValidationReport(int epoch, long step, boolean endOfEpoch, Evaluation result, double learningRate,
                               boolean rolledBack, String note) {
}
