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
    @Parameters(arity = "0..1", paramLabel = "KIND", description = "cells, outputs, optimizers, clippers, schedules, samplers, regularizers or presets.")
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
        if ("regularisers".equals(kind)) {
            kind = "regularizers";
        }
        if (kind != null && !all.containsKey(kind) && !kind.equals("presets") && !kind.equals("regularizers")) {
            throw new UsageException("KIND must be one of " + String.join(", ", all.keySet())
                    + ", regularizers, presets, got '" + kind + "'");
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
        if (kind == null || kind.equals("regularizers")) {
            out.println("regularizers (options of recur train and spark-train; training only, 0 = off):");
            for (String[] r : REGULARIZERS) {
                out.printf("  %-20s %s%n", r[0], r[1]);
                if (verbose) {
                    out.printf("  %-20s   default %s; %s%n", "", r[2], r[3]);
                }
            }
            if (verbose) {
                out.printf("  %-20s   (the averaging optimizer that goes with them: --optimizer nt-asgd)%n", "");
            }
        }
        out.flush();
        return ExitCode.OK.code();
    }

    /** Option, what it does, default, details (dev.recur.model.Regularization). */
    private static final String[][] REGULARIZERS = {
        {"--dropout P", "dropout on the embeddings, between layers and on the top outputs", "0",
            "sets each of the next three unless it is given"},
        {"--dropout-input P", "dropout on the embeddings fed to the first cell", "--dropout",
            "inverted: kept elements are scaled by 1/(1-P)"},
        {"--dropout-hidden P", "dropout on the outputs of every cell but the top one", "--dropout", "stacked models"},
        {"--dropout-output P", "dropout on the top cell's outputs, before the output layer", "--dropout", ""},
        {"--locked-dropout", "variational dropout: the three above draw one mask per sequence and window", "off",
            "shared by the window's time steps (Gal & Ghahramani 2016) instead of one per element"},
        {"--dropout-embedding P", "whole-word dropout on the embedding", "0",
            "per window each word's row is dropped (every occurrence) with probability P, kept rows scaled"},
        {"--weight-drop P", "DropConnect on the recurrent weights (W_h, W_hh)", "0",
            "one mask per window over the hidden-to-hidden matrix of every layer (Merity et al. 2017)"},
        {"--ar A", "activation regularisation A*mean(h^2) of the top outputs (after dropout)", "0",
            "added to the training objective over the window's loss steps"},
        {"--tar B", "temporal activation regularisation B*mean((h(t)-h(t-1))^2)", "0",
            "of the top outputs before dropout, consecutive loss steps of each sequence"},
    };
}
