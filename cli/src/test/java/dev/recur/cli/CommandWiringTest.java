package dev.recur.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.Stage;
import dev.recur.cli.commands.RecurCommand;
import dev.recur.cli.wiring.RecurModule;
import dev.recur.spi.Providers;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every subcommand is created by Guice, with its dependencies injected; nothing is built behind its back. */
class CommandWiringTest {

    @Test
    void everySubcommandIsBoundAndBuiltThroughTheInjector() {
        Providers providers = Providers.load(getClass().getClassLoader());
        Injector injector = Guice.createInjector(Stage.PRODUCTION, new RecurModule(providers));
        CommandLine cl = new CommandLine(RecurCommand.class, new Cli.GuiceFactory(injector));
        Set<Class<?>> seen = new HashSet<>();
        seen.add(cl.getCommand().getClass());
        for (CommandLine sub : cl.getSubcommands().values()) {
            Class<?> c = sub.getCommand().getClass();
            if (c == CommandLine.HelpCommand.class) {
                continue;
            }
            assertNotNull(injector.getExistingBinding(Key.get(c)), c.getName() + " is not bound in RecurModule");
            assertTrue(c.isAnnotationPresent(CommandLine.Command.class), c.getName());
            seen.add(c);
        }
        assertEquals(Set.copyOf(RecurModule.COMMANDS), seen,
                "RecurModule.COMMANDS and the subcommands of recur must be the same set");
        // the registries are the one snapshot, injected — not rebuilt per command
        assertSame(providers, injector.getInstance(Providers.class));
    }

    @Test
    void theFactoryRefusesACommandThatIsNotBound() {
        Injector injector = Guice.createInjector(Stage.PRODUCTION, new RecurModule(Providers.load()));
        Cli.GuiceFactory f = new Cli.GuiceFactory(injector);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> f.create(Unbound.class));
        assertTrue(e.getMessage().contains("not bound"), e.getMessage());
    }

    /** A recur command class that RecurModule does not bind. */
    @CommandLine.Command(name = "unbound")
    static final class Unbound implements Callable<Integer> {
        @Override
        public Integer call() {
            return 0;
        }
    }

    @Test
    void everyCommandRunsItsHelpThroughTheRealFactory() {
        for (String name : new String[] {"train", "eval", "sample", "inspect", "list", "info", "diagnose", "plot",
            "demo-gradients", "bench"}) {
            CliRunner.Result r = CliRunner.run(name, "--help");
            assertEquals(0, r.code(), name + ": " + r);
            assertTrue(r.out().contains("Usage:"), name + ": " + r.out());
        }
        CliRunner.Result top = CliRunner.run("--help");
        for (ExitCode c : ExitCode.values()) {
            assertTrue(top.out().contains(c.code() + "   " + c.text()) || top.out().contains(c.text()),
                    "recur --help lists exit code " + c + ": " + top.out());
        }
    }
}
