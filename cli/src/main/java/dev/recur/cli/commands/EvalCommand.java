package dev.recur.cli.commands;

import dev.recur.cli.ExitCode;
import dev.recur.cli.UsageException;
import dev.recur.spi.Providers;
import picocli.CommandLine.Mixin;

import dev.recur.io.ModelFiles;
import dev.recur.math.MathKernels;
import dev.recur.model.Evaluation;
import dev.recur.model.Evaluator;
import dev.recur.model.LanguageModel;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code recur eval}. */
@Command(name = "eval", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Perplexity of a model on a text (and bits per character at character level).")
public final class EvalCommand extends ComputeCommand {

    @Spec
    CommandSpec spec;
    @Mixin
    ModelFileOption model;
    @Option(names = "--corpus", required = true, paramLabel = "FILE", description = "UTF-8 text to evaluate on.")
    Path corpus;
    @Option(names = "--batch", defaultValue = "10", description = "Streams evaluated side by side.")
    int batch;
    @Option(names = "--bptt", defaultValue = "64", description = "Steps per window (the state is carried across).")
    int bptt;

    @Inject
    EvalCommand(Providers providers, MathKernels kernels) {
        super(providers, kernels);
    }

    @Override
    void validate() {
        if (batch < 1 || bptt < 1) {
            throw new UsageException("--batch and --bptt must be >= 1, got " + batch + " and " + bptt);
        }
    }

    @Override
    int run(MathKernels kernels) {
        LanguageModel lm = ModelFiles.load(model.path(), providers, kernels);
        int[] ids = lm.tokenizer().encode(Corpora.read(corpus), lm.vocabulary());
        Evaluation e = Evaluator.evaluate(lm.network(), ids, batch, bptt, corpus.toString());
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "tokens: %,d%nloss: %.4f nats%nperplexity: %.2f%n", e.tokens(), e.meanLoss(), e.perplexity());
        if (lm.tokenizer().level().equals("char")) {
            out.printf(Locale.ROOT, "bits per character: %.4f%n", e.bitsPerToken());
        }
        out.flush();
        return ExitCode.OK.code();
    }
}
