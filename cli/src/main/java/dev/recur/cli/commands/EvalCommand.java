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
import java.util.Map;
import dev.recur.spi.GradientClipper;
import dev.recur.spi.Optimizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code recur eval}. */
@Command(name = "eval", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = {"Perplexity of a model on a text (and bits per character at character level).",
                "With --dynamic, also dynamic evaluation: the model keeps learning from the text as it reads it",
                "(each window is scored first, then one SGD step on it); both perplexities are printed."})
public final class EvalCommand extends ComputeCommand {

    @Spec
    CommandSpec spec;
    @Mixin
    ModelFileOption model;

    @Mixin
    WeightsOption weightsOption;
    @Option(names = "--corpus", required = true, paramLabel = "FILE", description = "UTF-8 text to evaluate on.")
    Path corpus;
    @Option(names = "--batch", description = "Streams evaluated side by side (default 10; 1 with --dynamic).")
    Integer batch;
    @Option(names = "--bptt", defaultValue = "64", description = "Steps per window (the state is carried across).")
    int bptt;
    @Option(names = "--dynamic", description = "Also evaluate dynamically (the model adapts to the text as it goes).")
    boolean dynamic;
    @Option(names = "--dynamic-lr", defaultValue = "0.3",
            description = "Learning rate of the dynamic updates (0.3 was best on PTB validation for an Adam-trained Elman).")
    double dynamicLr;
    @Option(names = "--dynamic-optimizer", defaultValue = "sgd", description = "Update rule of the dynamic updates.")
    String dynamicOptimizer;
    @Option(names = "--dynamic-clip", defaultValue = "0.25",
            description = "Global gradient-norm limit of each dynamic update (0 = no clipping).")
    double dynamicClip;

    @Inject
    EvalCommand(Providers providers, MathKernels kernels) {
        super(providers, kernels);
    }

    @Override
    void validate() {
        if (batch == null) {
            batch = dynamic ? 1 : 10;
        }
        if (batch < 1 || bptt < 1) {
            throw new UsageException("--batch and --bptt must be >= 1, got " + batch + " and " + bptt);
        }
        if (!(dynamicLr >= 0) || !Double.isFinite(dynamicLr)) {
            throw new UsageException("--dynamic-lr must be a finite number >= 0, got " + dynamicLr);
        }
        if (!(dynamicClip >= 0) || !Double.isFinite(dynamicClip)) {
            throw new UsageException("--dynamic-clip must be a finite number >= 0, got " + dynamicClip);
        }
    }

    @Override
    int run(MathKernels kernels) {
        if (dynamic && weightsOption.format() != dev.recur.math.WeightFormat.FP32) {
            throw new dev.recur.cli.UsageException("--dynamic trains the weights while it scores; it does not combine "
                    + "with --weights " + weightsOption.format().id());
        }
        LanguageModel lm = weightsOption.apply(ModelFiles.load(model.path(), providers, kernels), spec.commandLine().getErr());
        int[] ids = lm.tokenizer().encode(Corpora.read(corpus), lm.vocabulary());
        Evaluation e = Evaluator.evaluate(lm.network(), ids, batch, bptt, corpus.toString());
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "tokens: %,d%nloss: %.4f nats%nperplexity: %.2f%n", e.tokens(), e.meanLoss(), e.perplexity());
        boolean chars = lm.tokenizer().level().equals("char");
        if (chars) {
            out.printf(Locale.ROOT, "bits per character: %.4f%n", e.bitsPerToken());
        }
        if (dynamic) {
            out.flush();
            Optimizer opt = providers.optimizers().get(dynamicOptimizer).create(Map.of());
            GradientClipper clip = dynamicClip > 0
                    ? providers.clippers().get("global-norm").create(Map.of("max-norm", String.valueOf(dynamicClip)))
                    : providers.clippers().get("none").create(Map.of());
            Evaluation d = Evaluator.evaluateDynamic(lm.network(), ids, batch, bptt, opt, clip, dynamicLr,
                    corpus.toString());
            out.printf(Locale.ROOT, "dynamic (%s, lr %s, clip %s, batch %d, window %d):%n  loss: %.4f nats%n"
                            + "  perplexity: %.2f%n", dynamicOptimizer, dynamicLr, dynamicClip, batch, bptt, d.meanLoss(),
                    d.perplexity());
            if (chars) {
                out.printf(Locale.ROOT, "  bits per character: %.4f%n", d.bitsPerToken());
            }
        }
        out.flush();
        return ExitCode.OK.code();
    }
}
