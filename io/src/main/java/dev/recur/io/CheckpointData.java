package dev.recur.io;

import dev.recur.model.LanguageModel;
import dev.recur.spi.OptimizerState;
import dev.recur.train.TrainerState;
import java.util.List;
import java.util.Map;

/**
 * Everything a checkpoint holds: the model, the optimizer/schedule/clipper (names, options, state), where the
 * trainer stands, the trainer configuration, the seed and the corpus files.
 */
public record CheckpointData(LanguageModel model, String optimizer, Map<String, String> optimizerOptions,
                             OptimizerState optimizerState, String schedule, Map<String, String> scheduleOptions,
                             Map<String, Double> scheduleState, String clipper, Map<String, String> clipperOptions,
                             TrainerState trainer, Map<String, String> trainerConfig, long seed,
                             List<String> dataFiles) {
}
