package dev.recur.cli.commands;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code recur}: the top command. */
@Command(name = "recur", mixinStandardHelpOptions = true, version = "recur 0.1.0",
        description = "Recurrent-neural-network language models: train, evaluate, sample, inspect.",
        subcommands = {TrainCommand.class, EvalCommand.class, ScoreCommand.class, SampleCommand.class, InspectCommand.class,
                ListCommand.class, InfoCommand.class, DiagnoseCommand.class, PlotCommand.class, DemoCommand.class, BenchCommand.class,
                ExportCommand.class, ServeCommand.class,
                picocli.CommandLine.HelpCommand.class},
        showDefaultValues = true,
        exitCodeListHeading = "%nExit codes:%n")
public final class RecurCommand implements Runnable {

    @Option(names = {"-x", "--stacktrace"}, scope = ScopeType.INHERIT,
            description = "Print the stack trace of an error (for bug reports).")
    boolean stacktrace;

    @Option(names = "--plugins", scope = ScopeType.INHERIT, paramLabel = "DIR",
            description = "Also load plugins (cells, optimizers, ...) from the jars in DIR (repeatable).")
    java.util.List<java.nio.file.Path> plugins;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
