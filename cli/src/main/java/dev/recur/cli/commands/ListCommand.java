package dev.recur.cli.commands;

import dev.recur.cli.ExitCode;
import dev.recur.cli.UsageException;
import dev.recur.spi.Providers;

import dev.recur.spi.OptionSpec;
import dev.recur.spi.OptimizerProvider;
import dev.recur.spi.Provider;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code recur list}. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List the plugins found on the classpath: cells, outputs, optimizers, clippers, schedules, samplers.")
public final class ListCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;
    @Parameters(arity = "0..1", paramLabel = "KIND", description = "cells, outputs, optimizers, clippers, schedules, samplers or presets.")
    String kind;
    @Option(names = {"-v", "--verbose"}, description = "Show every option with its default.")
    boolean verbose;

    private final Providers providers;

    @Inject
    ListCommand(Providers providers) {
        this.providers = providers;
    }

    @Override
    public Integer call() {
        Map<String, List<? extends Provider>> all = providers.byKind();
        if (kind != null && !all.containsKey(kind) && !kind.equals("presets")) {
            throw new UsageException("KIND must be one of " + String.join(", ", all.keySet()) + ", presets, got '"
                    + kind + "'");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (kind != null && kind.equals("presets")) {
            out.println("presets (recur train --preset NAME --corpus ...; your options override the preset's):");
            for (Presets.Preset p : new java.util.TreeMap<>(Presets.ALL).values()) {
                out.printf("  %-14s %s%n", p.name(), p.description());
                out.printf("  %-14s   measured: %s%n", "", p.measured());
                out.printf("  %-14s   options: %s%n", "", String.join(" ", p.options()));
            }
            out.flush();
            return ExitCode.OK.code();
        }
        for (Map.Entry<String, List<? extends Provider>> e : all.entrySet()) {
            if (kind != null && !kind.equals(e.getKey())) {
                continue;
            }
            out.println(e.getKey() + ":");
            List<Provider> shown = new java.util.ArrayList<>(e.getValue());
            if (e.getKey().equals("samplers")) {
                shown.add(BeamStrategy.INSTANCE);
            }
            for (Provider p : shown) {
                out.printf("  %-14s %s%n", p.name(), p.description());
                if (verbose && p instanceof OptimizerProvider op) {
                    out.printf("  %-14s   default learning rate (--lr) %s%n", "", op.defaultLearningRate());
                }
                if (verbose) {
                    out.printf("  %-14s (%s)%n", "", p.getClass().getName());
                    for (OptionSpec o : p.options()) {
                        out.printf("  %-14s   %s=%s  %s%n", "", o.name(), o.defaultValue(), o.description());
                    }
                }
            }
        }
        out.flush();
        return ExitCode.OK.code();
    }
}
