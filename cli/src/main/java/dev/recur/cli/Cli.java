package dev.recur.cli;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.Module;
import com.google.inject.Stage;
import dev.recur.cli.commands.RecurCommand;
import dev.recur.cli.wiring.RecurModule;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * The one factory that builds the configured {@link CommandLine}, for {@link Main} and for tests: the Guice
 * injector (providers discovered once), picocli creating every command through it, one-line errors with
 * named exit codes ({@link ExitCode}), stack traces only with {@code -x}/{@code --stacktrace}.
 */
public final class Cli {

    private Cli() {
    }

    /**
     * Runs a command line as {@code recur} does: presets expanded ({@code train --preset NAME}), then parsed and
     * executed over the providers visible to {@code loader}.
     *
     * @param loader where plugins are found
     * @param out standard output
     * @param err standard error
     * @param args the command line
     * @return the exit code
     */
    public static int execute(ClassLoader loader, PrintWriter out, PrintWriter err, String... args) {
        String[] expanded;
        try {
            expanded = dev.recur.cli.commands.Presets.expand(args);
        } catch (UsageException e) {
            err.println("recur: " + e.getMessage());
            err.flush();
            return ExitCode.USAGE.code();
        }
        return create(loader, out, err).execute(expanded);
    }

    /** The command line over the providers visible to {@code loader}, printing to {@code out}/{@code err}. */
    public static CommandLine create(ClassLoader loader, PrintWriter out, PrintWriter err) {
        return create(RecurModule.discover(loader), out, err);
    }

    /** As {@link #create(ClassLoader, PrintWriter, PrintWriter)} with the given module (tests may override). */
    public static CommandLine create(Module module, PrintWriter out, PrintWriter err) {
        Injector injector = Guice.createInjector(Stage.PRODUCTION, module);
        CommandLine cl = new CommandLine(RecurCommand.class, new GuiceFactory(injector));
        cl.getCommandSpec().usageMessage().exitCodeList(ExitCode.helpList());
        cl.setOut(out);
        cl.setErr(err);
        cl.setOverwrittenOptionsAllowed(true); // a preset's options come first; the user's given later win
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            boolean trace = parseResult.expandedArgs().contains("-x") || parseResult.expandedArgs().contains("--stacktrace");
            ExitCode code = ExitCode.of(ex);
            String msg = ex.getMessage() == null ? ex.toString() : ex.getMessage();
            if (code == ExitCode.SOFTWARE) {
                msg = "internal error: " + ex + " (run again with -x to see the stack trace)";
            }
            cmd.getErr().println("recur: " + msg.replace('\n', ' '));
            if (trace) {
                ex.printStackTrace(cmd.getErr());
            }
            cmd.getErr().flush();
            return code.code();
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("recur: " + ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, c.getErr());
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
            c.getErr().flush();
            return ExitCode.USAGE.code();
        });
        return cl;
    }

    /**
     * Commands (classes annotated {@code @Command}) come from the injector, and must be bound there — an
     * unbound command is an error, never silently built without injection; picocli's own helpers (type
     * converters, mixins, its help command) from its default factory.
     */
    static final class GuiceFactory implements CommandLine.IFactory {
        private final Injector injector;

        GuiceFactory(Injector injector) {
            this.injector = injector;
        }

        @Override
        public <K> K create(Class<K> cls) throws Exception {
            if (injector.getExistingBinding(Key.get(cls)) != null) {
                return injector.getInstance(cls);
            }
            boolean command = cls.isAnnotationPresent(CommandLine.Command.class);
            if (command && cls.getPackageName().startsWith("dev.recur.")) {
                throw new IllegalStateException("command " + cls.getName() + " is not bound in RecurModule");
            }
            return CommandLine.defaultFactory().create(cls);
        }
    }
}
