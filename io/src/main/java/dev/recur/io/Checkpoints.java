package dev.recur.io;

import dev.recur.io.ModelFileException.Kind;
import dev.recur.io.proto.Checkpoint;
import dev.recur.io.proto.ModelFile;
import dev.recur.io.proto.NamedOptions;
import dev.recur.io.proto.Tensor;
import dev.recur.io.proto.TrainerSettings;
import dev.recur.math.MathKernels;
import dev.recur.model.LanguageModel;
import dev.recur.spi.OptimizerState;
import dev.recur.spi.Parameter;
import dev.recur.spi.ProviderChoice;
import dev.recur.spi.Providers;
import dev.recur.train.RunSpec;
import dev.recur.train.TrainerConfig;
import dev.recur.train.TrainerState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Checkpoint files: a model file with a {@link Checkpoint} part, mapped to and from core's
 * {@link dev.recur.train.Checkpoint}, written atomically.
 *
 * <p>Checkpoints written before the typed trainer settings existed (a string map, the learning rate among
 * the optimizer's options) are still read.
 */
public final class Checkpoints {

    private Checkpoints() {
    }

    /**
     * Writes a checkpoint atomically.
     *
     * @param file where to write it
     * @param c the checkpoint
     */
    public static void save(Path file, dev.recur.train.Checkpoint c) {
        ModelFiles.write(file, toMessage(c));
    }

    /**
     * The checkpoint as the payload of a checkpoint file (no header): to ship it between processes.
     *
     * @param c the checkpoint
     * @return its bytes, read back by {@link #fromBytes}
     */
    public static byte[] toBytes(dev.recur.train.Checkpoint c) {
        return toMessage(c).toByteArray();
    }

    /**
     * A checkpoint from bytes made by {@link #toBytes}, validated as a file is.
     *
     * @param bytes the bytes
     * @param name what to call them in errors
     * @param providers where plugins are looked up by name
     * @param kernels the kernels the model computes with
     * @return the checkpoint
     * @throws ModelFileException when the bytes are not a valid checkpoint
     */
    public static dev.recur.train.Checkpoint fromBytes(byte[] bytes, String name, Providers providers,
                                                       MathKernels kernels) {
        ModelFile m;
        try {
            m = ModelFile.parseFrom(bytes);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw ModelFiles.bad(name, "is not a valid checkpoint (" + e.getMessage() + ")");
        }
        ModelFiles.validate(name, m);
        return fromMessage(name, m, providers, kernels);
    }

    private static ModelFile toMessage(dev.recur.train.Checkpoint c) {
        ModelFile.Builder m = ModelFiles.toMessage(c.model());
        RunSpec run = c.spec();
        TrainerState ts = c.trainer();
        Checkpoint.Builder k = Checkpoint.newBuilder()
                .setOptimizer(named(run.optimizer()))
                .putAllOptimizerScalars(c.optimizerState().scalars())
                .setSchedule(named(run.schedule()))
                .putAllScheduleState(c.scheduleState())
                .setClipper(named(run.clipper()))
                .setStep(ts.step()).setEpoch(ts.epoch()).setPosition(ts.position())
                .setSkippedSteps(ts.skipped()).setTokens(ts.tokens())
                .setCarriedState(Tensors.of("carried", new int[] {ts.carried().length}, ts.carried()))
                .setBestValidationLoss(ts.bestLoss())
                .setRngSeed(run.seed())
                .addAllDataFiles(run.data())
                .setSettings(settings(run.trainer()))
                .setBaseLearningRate(c.learningRate())
                .setDropoutState(c.dropoutState())
                .setSinceValidation(ts.sinceValidation())
                .setTyped(true);
        c.optimizerState().tensors().forEach((name, v) -> k.addOptimizerTensors(Tensors.of(name, new int[] {v.length}, v)));
        float[][] best = ts.bestWeights();
        if (best != null) {
            List<Parameter> ps = c.model().network().parameters();
            for (int i = 0; i < best.length; i++) {
                k.addBestWeights(Tensors.of(ps.get(i).name(), ps.get(i).shape(), best[i]));
            }
        }
        for (dev.recur.train.ReplicaState r : c.replicas()) {
            TrainerState t = r.trainer();
            k.addReplicas(dev.recur.io.proto.Replica.newBuilder().setEpoch(t.epoch()).setPosition(t.position())
                    .setStep(t.step()).setSkippedSteps(t.skipped()).setTokens(t.tokens())
                    .setSinceValidation(t.sinceValidation())
                    .setCarriedState(Tensors.of("carried", new int[] {t.carried().length}, t.carried()))
                    .setDropoutState(r.dropoutState()));
        }
        m.setCheckpoint(k);
        return m.build();
    }

    private static NamedOptions.Builder named(ProviderChoice c) {
        return NamedOptions.newBuilder().setName(c.name()).putAllOptions(c.options());
    }

    private static TrainerSettings settings(TrainerConfig t) {
        return TrainerSettings.newBuilder().setBatch(t.batchSize()).setBptt(t.bptt()).setBpttHistory(t.bpttHistory())
                .setEpochs(t.epochs()).setMaxTimeMs(t.maxTime() == null ? 0 : t.maxTime().toMillis())
                .setEvalEvery(t.evalEvery()).setLogEvery(t.logEvery()).setEvalBatch(t.evalBatch())
                .setMaxBadSteps(t.maxBadSteps()).setSeed(t.seed()).setMaxSteps(t.maxSteps())
                .setCheckpointEvery(t.checkpointEvery()).build();
    }

    private static TrainerConfig config(TrainerSettings s) {
        return new TrainerConfig(s.getBatch(), s.getBptt(), s.getBpttHistory(), s.getEpochs(),
                s.getMaxTimeMs() == 0 ? null : Duration.ofMillis(s.getMaxTimeMs()), s.getEvalEvery(), s.getLogEvery(),
                s.getEvalBatch(), s.getMaxBadSteps(), s.getSeed(), s.getMaxSteps(), s.getCheckpointEvery());
    }

    /** Reads a checkpoint and rebuilds its model; a model file without a checkpoint part is an error. */
    public static dev.recur.train.Checkpoint load(Path file, Providers providers, MathKernels kernels) {
        return fromMessage(file.toString(), ModelFiles.read(file), providers, kernels);
    }

    private static dev.recur.train.Checkpoint fromMessage(String name, ModelFile m, Providers providers,
                                                          MathKernels kernels) {
        if (!m.hasCheckpoint()) {
            throw new ModelFileException(Kind.BAD_FILE, name + ": is a model file, not a checkpoint (save one with "
                    + "--checkpoint-every N)");
        }
        LanguageModel lm = ModelFiles.toModel(name, m, providers, kernels);
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
        Map<String, String> optOptions = new HashMap<>(k.getOptimizer().getOptionsMap());
        TrainerConfig config;
        double baseLr;
        long dropout;
        long sinceValidation;
        Map<String, Double> optScalars = new HashMap<>(k.getOptimizerScalarsMap());
        try {
            if (k.getTyped()) {
                config = config(k.getSettings());
                baseLr = k.getBaseLearningRate();
                dropout = k.getDropoutState();
                sinceValidation = k.getSinceValidation();
            } else {
                Legacy legacy = legacy(name, k, optOptions, optScalars);
                config = legacy.config;
                baseLr = legacy.baseLr;
                dropout = legacy.dropout;
                sinceValidation = legacy.sinceValidation;
            }
        } catch (IllegalArgumentException e) {
            throw ModelFiles.bad(name, "has invalid trainer settings: " + e.getMessage());
        }
        TrainerState ts;
        RunSpec run;
        try {
            ts = new TrainerState(Math.max(1, k.getEpoch()), k.getPosition(), k.getStep(), k.getSkippedSteps(),
                    k.getTokens(), sinceValidation, carried, k.getBestValidationLoss(), best);
            run = new RunSpec(lm.network().spec(), new ProviderChoice(k.getOptimizer().getName(), optOptions),
                    OptionalDouble.of(baseLr), new ProviderChoice(k.getSchedule().getName(), k.getSchedule().getOptionsMap()),
                    new ProviderChoice(k.getClipper().getName(), k.getClipper().getOptionsMap()), config,
                    k.getDataFilesList());
            List<dev.recur.train.ReplicaState> replicas = new java.util.ArrayList<>();
            for (dev.recur.io.proto.Replica r : k.getReplicasList()) {
                float[] rc = new float[(int) Tensors.elements(r.getCarriedState())];
                if (rc.length != carried.length || Tensors.copyFinite(r.getCarriedState(), rc) != null) {
                    throw ModelFiles.bad(name, "replica " + replicas.size() + " has an invalid carried state");
                }
                replicas.add(new dev.recur.train.ReplicaState(new TrainerState(Math.max(1, r.getEpoch()),
                        r.getPosition(), r.getStep(), r.getSkippedSteps(), r.getTokens(), r.getSinceValidation(), rc,
                        Double.NaN, null), r.getDropoutState()));
            }
            return new dev.recur.train.Checkpoint(lm, run, new OptimizerState(opt, optScalars), k.getScheduleStateMap(),
                    dropout, ts, replicas);
        } catch (IllegalArgumentException e) {
            throw ModelFiles.bad(name, "has an invalid trainer state: " + e.getMessage());
        }
    }

    private record Legacy(TrainerConfig config, double baseLr, long dropout, long sinceValidation) {
    }

    /**
     * The trainer settings of a checkpoint written before they were typed: strings in a map, the base rate
     * as "base-lr" (or the optimizer's "lr" option, which is removed: the schedule owns the rate now).
     */
    private static Legacy legacy(String name, Checkpoint k, Map<String, String> optOptions, Map<String, Double> scalars) {
        Map<String, String> t = k.getTrainerMap();
        for (String key : List.of("batch", "bptt", "bptt-history", "eval-every", "eval-batch", "max-bad-steps")) {
            if (!t.containsKey(key)) {
                throw new ModelFileException(Kind.BAD_FILE, name + ": checkpoint lacks trainer setting '" + key + "'");
            }
        }
        String lr = optOptions.remove("lr");
        scalars.remove("lr");
        String base = t.getOrDefault("base-lr", lr);
        if (base == null) {
            throw new ModelFileException(Kind.BAD_FILE, name + ": checkpoint lacks its base learning rate");
        }
        try {
            TrainerConfig d = TrainerConfig.defaults();
            TrainerConfig config = new TrainerConfig(Integer.parseInt(t.get("batch")), Integer.parseInt(t.get("bptt")),
                    Integer.parseInt(t.get("bptt-history")), d.epochs(), d.maxTime(), Long.parseLong(t.get("eval-every")),
                    d.logEvery(), Integer.parseInt(t.get("eval-batch")), Integer.parseInt(t.get("max-bad-steps")),
                    k.getRngSeed(), d.maxSteps(), d.checkpointEvery());
            return new Legacy(config, Double.parseDouble(base), Long.parseLong(t.getOrDefault("dropout-rng", "0")),
                    Long.parseLong(t.getOrDefault("since-validation", "0")));
        } catch (NumberFormatException e) {
            throw new ModelFileException(Kind.BAD_FILE, name + ": checkpoint has a malformed trainer setting ("
                    + e.getMessage() + ")");
        }
    }
}
