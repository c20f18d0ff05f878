package dev.recur.cli.commands;

import dev.recur.cli.ExitCode;
import dev.recur.cli.UsageException;
import dev.recur.io.ModelFiles;
import dev.recur.io.OnnxExport;
import dev.recur.io.proto.ModelFile;
import dev.recur.math.MathKernels;
import dev.recur.model.LanguageModel;
import dev.recur.spi.Providers;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code recur export}. */
@Command(name = "export", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = {"Export a model for runtimes without a JVM: ONNX (opset 17) with the recurrent layers as",
                "ONNX's RNN / LSTM / GRU operators. Inputs: tokens int64 [sequence, batch] and the state h0_l",
                "(and c0_l for LSTM) [1, batch, H] per layer; outputs: logits [sequence, batch, V] and the state",
                "after the sequence. The metadata holds the vocabulary, the model spec and how it was trained."})
public final class ExportCommand extends ComputeCommand {

    @Spec
    CommandSpec spec;
    @Mixin
    ModelFileOption model;
    @Option(names = "--format", defaultValue = "onnx", description = "The export format: onnx.")
    String format;
    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The file to write.")
    Path out;

    @Inject
    ExportCommand(Providers providers, MathKernels kernels) {
        super(providers, kernels);
    }

    @Override
    void validate() {
        if (!format.equals("onnx")) {
            throw new UsageException("--format must be onnx, got " + format);
        }
    }

    @Override
    int run(MathKernels kernels) {
        ModelFile file = ModelFiles.read(model.path());
        LanguageModel lm = ModelFiles.toModel(model.path().toString(), file, providers, kernels);
        Map<String, String> meta = new TreeMap<>();
        file.getTrainingMap().forEach((k, v) -> meta.put("recur.training." + k, v));
        OnnxExport.write(out, lm, meta);
        PrintWriter o = spec.commandLine().getOut();
        o.printf("exported %s to %s (ONNX opset %d)%n", model.path(), out, OnnxExport.OPSET);
        o.flush();
        return ExitCode.OK.code();
    }
}
