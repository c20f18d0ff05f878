package dev.recur.cli.commands;

import dev.recur.cli.ExitCode;
import dev.recur.cli.UsageException;
import dev.recur.spi.Providers;
import picocli.CommandLine.Mixin;

import dev.recur.io.ModelFiles;
import dev.recur.math.MathKernels;
import dev.recur.model.Generator;
import dev.recur.model.LanguageModel;
import dev.recur.spi.Sampler;
import dev.recur.spi.SamplerProvider;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code recur sample}. */
@Command(name = "sample", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = {"Generate text: the prime is fed first, then each sampled token is fed back in.",
                "Without --sampler: top-k if --top-k is given, top-p if --top-p is given, else temperature."})
public final class SampleCommand extends ComputeCommand {

    @Spec
    CommandSpec spec;
    @Mixin
    ModelFileOption model;

    @Mixin
    WeightsOption weightsOption;
    @Option(names = "--prime", defaultValue = "", description = "Text to start from.")
    String prime;
    @Option(names = "--length", defaultValue = "200", description = "Tokens to generate.")
    int length;
    @Option(names = "--sampler", description = "greedy, temperature, top-k, top-p, beam (see recur list samplers).")
    String sampler;
    @Option(names = "--temperature", description = "Temperature (composes with top-k and top-p; default 1.0).")
    Double temperature;
    @Option(names = "--top-k", description = "Candidates for top-k.")
    Integer topK;
    @Option(names = "--top-p", description = "Probability mass for top-p.")
    Double topP;
    @Option(names = "--sampler-option", paramLabel = "KEY=VALUE", description = "A sampler option (repeatable).")
    Map<String, String> samplerOptions = new LinkedHashMap<>();
    @Option(names = "--stop-at-eos", description = "Stop after the first <eos> (word level).")
    boolean stopAtEos;
    @Mixin
    SeedOption seedOption;

    @Inject
    SampleCommand(Providers providers, MathKernels kernels) {
        super(providers, kernels);
    }

    @Override
    int run(MathKernels kernels) {
        if (length < 0) {
            throw new UsageException("--length must be >= 0, got " + length);
        }
        if (topK != null && topP != null) {
            throw new UsageException("--top-k and --top-p choose different samplers; give one of them");
        }
        String name = sampler != null ? sampler : topK != null ? "top-k" : topP != null ? "top-p" : "temperature";
        Map<String, String> opts = new LinkedHashMap<>(samplerOptions);
        if (temperature != null) {
            opts.put("temperature", String.valueOf(temperature));
        }
        if (topK != null) {
            opts.put("k", String.valueOf(topK));
        }
        if (topP != null) {
            opts.put("p", String.valueOf(topP));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (name.equals(BeamStrategy.INSTANCE.name())) {
            if (temperature != null || topK != null || topP != null) {
                throw new UsageException("--sampler beam takes no --temperature, --top-k or --top-p");
            }
            dev.recur.spi.Options o = dev.recur.spi.Options.parse("sampler", BeamStrategy.INSTANCE, opts);
            int width = o.integer("width", 1, 4096);
            double alpha = o.number("length-penalty", 0, true, 10);
            LanguageModel lm = weightsOption.apply(ModelFiles.load(model.path(), providers, kernels), spec.commandLine().getErr());
            dev.recur.model.BeamSearch.Result r = dev.recur.model.BeamSearch.search(lm, prime, Math.max(1, length), width,
                    alpha, stopAtEos);
            out.print(prime);
            int prev = dev.recur.model.Generator.lastPrimeToken(lm, prime);
            StringBuilder sb = new StringBuilder();
            for (int id : r.tokens()) {
                sb.append(lm.tokenizer().piece(id, prev, lm.vocabulary()));
                prev = id;
            }
            out.println(sb);
            out.flush();
            return ExitCode.OK.code();
        }
        SamplerProvider sp = providers.samplers().get(name);
        Sampler s = sp.create(opts);
        LanguageModel lm = weightsOption.apply(ModelFiles.load(model.path(), providers, kernels), spec.commandLine().getErr());
        out.print(prime);
        new Generator(lm).generate(prime, length, s, new SplittableRandom(seedOption.seed()), stopAtEos, piece -> {
            out.print(piece);
            out.flush();
        });
        out.println();
        out.flush();
        return ExitCode.OK.code();
    }
}
