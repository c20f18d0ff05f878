package dev.recur.cli.commands;

import dev.recur.cli.ExitCode;

import dev.recur.io.ModelFiles;
import dev.recur.io.proto.Checkpoint;
import dev.recur.io.proto.ModelFile;
import dev.recur.io.proto.Tensor;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Locale;
import dev.recur.spi.Providers;
import jakarta.inject.Inject;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code recur inspect}: what a model or checkpoint file holds, without building a model. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Show what a model or checkpoint file holds (validated, but not loaded for training).")
public final class InspectCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;
    @Parameters(paramLabel = "FILE", description = "A .recur model or checkpoint file.")
    Path file;

    private final Providers providers;

    @Inject
    InspectCommand(Providers providers) {
        this.providers = providers;
    }

    @Override
    public Integer call() {
        ModelFile m = ModelFiles.read(file);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("file: %s (%s)%n", file, m.hasCheckpoint() ? "checkpoint" : "model");
        out.printf("format version: %d, written by recur %s%n", m.getFormatVersion(), m.getLibraryVersion());
        var s = m.getSpec();
        out.printf("model: cell %s %s, vocabulary %,d, embedding %d, hidden %d, output %s %s%n", s.getCell(),
                new java.util.TreeMap<>(s.getCellOptionsMap()), s.getVocabSize(), s.getEmbeddingSize(), s.getHiddenSize(),
                s.getOutputLayer().isEmpty() ? "softmax" : s.getOutputLayer(),
                new java.util.TreeMap<>(s.getOutputOptionsMap()));
        String regularisation;
        try {
            regularisation = ModelFiles.regularization(s).describe();
        } catch (IllegalArgumentException e) {
            regularisation = "invalid (" + e.getMessage() + ")";
        }
        out.printf("layers %d%s; training regularisation: %s%n", Math.max(1, s.getLayers()),
                s.getTieWeights() ? ", tied weights" : "", regularisation);
        var t = m.getTokenizer();
        String first = t.getTokensList().stream().limit(12).map(x -> x.replace("\n", "\\n")).collect(Collectors.joining(" "));
        out.printf("tokenizer: %s level%s; first tokens: %s%n", t.getLevel(),
                t.getLevel().equals("word") ? ", min count " + t.getMinCount() + ", max vocabulary "
                        + (t.getMaxVocabulary() == 0 ? "none" : t.getMaxVocabulary()) : "", first);
        printGroups(out, s, t);
        long total = 0;
        out.println("tensors:");
        for (Tensor x : m.getTensorsList()) {
            FloatBuffer f = x.getData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            double sum = 0;
            double sq = 0;
            float min = Float.POSITIVE_INFINITY;
            float max = Float.NEGATIVE_INFINITY;
            int n = f.remaining();
            for (int i = 0; i < n; i++) {
                float v = f.get(i);
                sum += v;
                sq += (double) v * v;
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            total += n;
            out.printf(Locale.ROOT, "  %-8s %-14s %,12d values  mean %+.4f  rms %.4f  min %+.4f  max %+.4f%n", x.getName(),
                    x.getShapeList(), n, sum / n, Math.sqrt(sq / n), min, max);
        }
        out.printf("parameters: %,d%n", total);
        if (m.getTrainingCount() > 0) {
            out.println("trained:");
            m.getTrainingMap().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                    .forEach(e -> out.printf("  %-16s %s%n", e.getKey(), e.getValue()));
        }
        if (m.hasCheckpoint()) {
            Checkpoint k = m.getCheckpoint();
            out.printf(Locale.ROOT, "checkpoint: step %,d, epoch %d, position %,d, %,d tokens, %d skipped steps%n",
                    k.getStep(), k.getEpoch(), k.getPosition(), k.getTokens(), k.getSkippedSteps());
            out.printf("  optimizer %s %s (%d state tensors), schedule %s %s, clipper %s %s, seed %d%n",
                    k.getOptimizer().getName(), new java.util.TreeMap<>(k.getOptimizer().getOptionsMap()),
                    k.getOptimizerTensorsCount(), k.getSchedule().getName(),
                    new java.util.TreeMap<>(k.getSchedule().getOptionsMap()), k.getClipper().getName(),
                    new java.util.TreeMap<>(k.getClipper().getOptionsMap()), k.getRngSeed());
            if (k.getTyped()) {
                var ts = k.getSettings();
                out.printf(Locale.ROOT, "  base learning rate %s; batch %d, bptt %d%s, eval every %d, eval batch %d, "
                        + "max bad steps %d; corpus %s%n", k.getBaseLearningRate(), ts.getBatch(), ts.getBptt(),
                        ts.getBpttHistory() == 0 ? "" : " (k2 " + ts.getBpttHistory() + ")", ts.getEvalEvery(),
                        ts.getEvalBatch(), ts.getMaxBadSteps(), k.getDataFilesList());
            } else {
                out.printf("  trainer %s, corpus %s%n", new java.util.TreeMap<>(k.getTrainerMap()), k.getDataFilesList());
            }
        }
        out.flush();
        return ExitCode.OK.code();
    }

    /** The output layer's token groups (shortlist and clusters, classes), with the share of training tokens. */
    private void printGroups(PrintWriter out, dev.recur.io.proto.ModelSpec s, dev.recur.io.proto.TokenizerSpec t) {
        String name = s.getOutputLayer().isEmpty() ? "softmax" : s.getOutputLayer();
        if (!providers.outputs().contains(name)) {
            out.printf("output groups: unknown (output layer '%s' is not on the classpath)%n", name);
            return;
        }
        long[] counts = t.getCountsCount() == 0 ? null : t.getCountsList().stream().mapToLong(Long::longValue).toArray();
        int[] g = providers.outputs().get(name).tokenGroups(s.getHiddenSize(), s.getVocabSize(),
                s.getOutputOptionsMap(), counts);
        if (g.length <= 2) {
            return;
        }
        long total = counts == null ? 0 : java.util.Arrays.stream(counts).sum();
        out.printf("output groups: %d%s%n", g.length - 1, counts == null ? " (no training counts in this file)" : "");
        int shown = Math.min(g.length - 1, 12);
        for (int i = 0; i < shown; i++) {
            long in = 0;
            if (counts != null) {
                for (int id = g[i]; id < g[i + 1]; id++) {
                    in += counts[id];
                }
            }
            String first = t.getTokensList().subList(g[i], Math.min(g[i + 1], g[i] + 4)).stream()
                    .map(x -> x.replace("\n", "\\n")).collect(Collectors.joining(" "));
            out.printf(Locale.ROOT, "  %-9s ids %,d..%,d (%,d)%s  (%s%s)%n", name.equals("class") ? "class " + i
                    : i == 0 ? "shortlist" : "cluster " + i, g[i], g[i + 1] - 1, g[i + 1] - g[i],
                    counts == null || total == 0 ? "" : String.format(Locale.ROOT, ", %.2f %% of training tokens",
                            100.0 * in / total), first, g[i + 1] - g[i] > 4 ? " …" : "");
        }
        if (shown < g.length - 1) {
            out.printf("  … %d more groups%n", g.length - 1 - shown);
        }
    }
}
