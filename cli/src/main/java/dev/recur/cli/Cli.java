package dev.recur.cli;

import com.google.inject.ConfigurationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.Stage;
import dev.recur.io.ModelFileException;
import dev.recur.spi.UnknownProviderException;
import dev.recur.text.CorpusException;
import dev.recur.train.TrainingDivergedException;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;

/**
 * The one factory that builds the configured {@link CommandLine}, for {@link Main} and for tests: the Guice
 * injector (providers discovered once), picocli wired to create commands through it, one-line errors with
 * named exit codes, stack traces only with {@code -x}/{@code --stacktrace}.
 */
public final class Cli {

    private Cli() {
    }

    /** The command line over the providers visible to {@code loader}, printing to {@code out}/{@code err}. */
    public static CommandLine create(ClassLoader loader, PrintWriter out, PrintWriter err) {
        return create(RecurModule.discover(loader), out, err);
    }

    /** As {@link #create(ClassLoader, PrintWriter, PrintWriter)} with the given module (tests may override). */
    public static CommandLine create(Module module, PrintWriter out, PrintWriter err) {
        Injector injector = Guice.createInjector(Stage.PRODUCTION, module);
        CommandLine cl = new CommandLine(RecurCommand.class, new GuiceFactory(injector));
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            boolean trace = parseResult.expandedArgs().contains("-x") || parseResult.expandedArgs().contains("--stacktrace");
            int code = exitCode(ex);
            String msg = ex.getMessage() == null ? ex.toString() : ex.getMessage();
            if (code == ExitCode.SOFTWARE) {
                msg = "internal error: " + ex + " (run again with -x to see the stack trace)";
            }
            cmd.getErr().println("recur: " + msg.replace('\n', ' '));
            if (trace) {
                ex.printStackTrace(cmd.getErr());
            }
            cmd.getErr().flush();
            return code;
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("recur: " + ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, c.getErr());
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
            c.getErr().flush();
            return ExitCode.USAGE;
        });
        return cl;
    }

    /** The exit code for an exception escaping a command. */
    static int exitCode(Throwable ex) {
        if (ex instanceof ModelFileException m) {
            return switch (m.kind()) {
                case BAD_FILE -> ExitCode.BAD_MODEL_FILE;
                case MISSING_PLUGIN -> ExitCode.MISSING_PLUGIN;
                case WRITE_FAILED -> ExitCode.CANNOT_WRITE;
            };
        }
        if (ex instanceof UnknownProviderException) {
            return ExitCode.MISSING_PLUGIN;
        }
        if (ex instanceof CorpusException) {
            return ExitCode.BAD_DATA;
        }
        if (ex instanceof TrainingDivergedException) {
            return ExitCode.DIVERGED;
        }
        if (ex instanceof UsageException || ex instanceof IllegalArgumentException) {
            return ExitCode.USAGE;
        }
        if (ex instanceof java.io.UncheckedIOException) {
            return ExitCode.CANNOT_WRITE;
        }
        return ExitCode.SOFTWARE;
    }

    /** Commands come from the injector; picocli's own helper classes from its default factory. */
    private static final class GuiceFactory implements CommandLine.IFactory {
        private final Injector injector;

        GuiceFactory(Injector injector) {
            this.injector = injector;
        }

        @Override
        public <K> K create(Class<K> cls) throws Exception {
            try {
                return injector.getInstance(cls);
            } catch (ConfigurationException e) {
                return CommandLine.defaultFactory().create(cls);
            }
        }
    }

    /** Exit codes listed in help. */
    static final List<String> EXIT_CODES = List.of(
            "0:success", "1:internal error", "2:bad usage or option value", "3:bad corpus",
            "4:bad model or checkpoint file", "5:plugin not on the classpath", "6:training diverged",
            "7:cannot write an output file");
}
