package dev.recur.io;

import dev.recur.io.ModelFileException.Kind;
import dev.recur.io.proto.Checkpoint;
import dev.recur.io.proto.ModelFile;
import dev.recur.io.proto.NamedOptions;
import dev.recur.io.proto.Tensor;
import dev.recur.math.MathKernels;
import dev.recur.model.LanguageModel;
import dev.recur.spi.CellProvider;
import dev.recur.spi.OptimizerState;
import dev.recur.spi.Parameter;
import dev.recur.spi.ProviderRegistry;
import dev.recur.train.TrainerState;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Checkpoint files: a model file with a {@link Checkpoint} part, written atomically. */
public final class Checkpoints {

    private Checkpoints() {
    }

    /** Writes a checkpoint atomically. */
    public static void save(Path file, CheckpointData c) {
        ModelFile.Builder m = ModelFiles.toMessage(c.model());
        Checkpoint.Builder k = Checkpoint.newBuilder()
                .setOptimizer(NamedOptions.newBuilder().setName(c.optimizer()).putAllOptions(c.optimizerOptions()))
                .putAllOptimizerScalars(c.optimizerState().scalars())
                .setSchedule(NamedOptions.newBuilder().setName(c.schedule()).putAllOptions(c.scheduleOptions()))
                .putAllScheduleState(c.scheduleState())
                .setClipper(NamedOptions.newBuilder().setName(c.clipper()).putAllOptions(c.clipperOptions()))
                .setStep(c.trainer().step()).setEpoch(c.trainer().epoch()).setPosition(c.trainer().position())
                .setSkippedSteps(c.trainer().skipped()).setTokens(c.trainer().tokens())
                .setCarriedState(Tensors.of("carried", new int[] {c.trainer().carried().length}, c.trainer().carried()))
                .setBestValidationLoss(c.trainer().bestLoss())
                .setRngSeed(c.seed())
                .putAllTrainer(c.trainerConfig())
                .putTrainer("since-validation", String.valueOf(c.trainer().sinceValidation()))
                .addAllDataFiles(c.dataFiles());
        c.optimizerState().tensors().forEach((name, v) -> k.addOptimizerTensors(Tensors.of(name, new int[] {v.length}, v)));
        float[][] best = c.trainer().bestWeights();
        if (best != null) {
            List<Parameter> ps = c.model().network().parameters();
            for (int i = 0; i < best.length; i++) {
                k.addBestWeights(Tensors.of(ps.get(i).name(), ps.get(i).shape(), best[i]));
            }
        }
        m.setCheckpoint(k);
        ModelFiles.write(file, m.build());
    }

    /** Reads a checkpoint and rebuilds its model; a model file without a checkpoint part is an error. */
    public static CheckpointData load(Path file, ProviderRegistry<CellProvider> cells, MathKernels kernels) {
        String name = file.toString();
        ModelFile m = ModelFiles.read(file);
        if (!m.hasCheckpoint()) {
            throw new ModelFileException(Kind.BAD_FILE, name + ": is a model file, not a checkpoint (save one with "
                    + "--checkpoint-every N)");
        }
        LanguageModel lm = ModelFiles.toModel(name, m, cells, kernels);
        Checkpoint k = m.getCheckpoint();
        Map<String, float[]> opt = new HashMap<>();
        for (Tensor t : k.getOptimizerTensorsList()) {
            float[] v = new float[(int) Tensors.elements(t)];
            String nonFinite = Tensors.copyFinite(t, v);
            if (nonFinite != null) {
                throw ModelFiles.bad(name, "optimizer tensor '" + t.getName() + "' holds a non-finite value (" + nonFinite + ")");
            }
            opt.put(t.getName(), v);
        }
        List<Parameter> ps = lm.network().parameters();
        float[][] best = null;
        if (k.getBestWeightsCount() > 0) {
            if (k.getBestWeightsCount() != ps.size()) {
                throw ModelFiles.bad(name, "holds " + k.getBestWeightsCount() + " best-weight tensors, the model has "
                        + ps.size() + " parameters");
            }
            best = new float[ps.size()][];
            for (int i = 0; i < ps.size(); i++) {
                Tensor t = k.getBestWeights(i);
                if (!t.getName().equals(ps.get(i).name()) || Tensors.elements(t) != ps.get(i).size()) {
                    throw ModelFiles.bad(name, "best-weight tensor '" + t.getName() + "' does not fit parameter "
                            + ps.get(i).name());
                }
                best[i] = new float[ps.get(i).size()];
                String nonFinite = Tensors.copyFinite(t, best[i]);
                if (nonFinite != null) {
                    throw ModelFiles.bad(name, "best-weight tensor '" + t.getName() + "' holds a non-finite value");
                }
            }
        }
        float[] carried = new float[(int) Tensors.elements(k.getCarriedState())];
        if (Tensors.copyFinite(k.getCarriedState(), carried) != null) {
            throw ModelFiles.bad(name, "carried state holds a non-finite value");
        }
        Map<String, String> trainer = new HashMap<>(k.getTrainerMap());
        long sinceValidation = Long.parseLong(trainer.getOrDefault("since-validation", "0"));
        TrainerState ts;
        try {
            ts = new TrainerState(Math.max(1, k.getEpoch()), k.getPosition(), k.getStep(), k.getSkippedSteps(),
                    k.getTokens(), sinceValidation, carried, k.getBestValidationLoss(), best);
        } catch (IllegalArgumentException e) {
            throw ModelFiles.bad(name, "has an invalid trainer state: " + e.getMessage());
        }
        return new CheckpointData(lm, k.getOptimizer().getName(), k.getOptimizer().getOptionsMap(),
                new OptimizerState(opt, k.getOptimizerScalarsMap()), k.getSchedule().getName(),
                k.getSchedule().getOptionsMap(), k.getScheduleStateMap(), k.getClipper().getName(),
                k.getClipper().getOptionsMap(), ts, trainer, k.getRngSeed(), k.getDataFilesList());
    }
}
