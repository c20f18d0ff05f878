package dev.recur.cli.commands;

import dev.recur.cli.ExitCode;

import dev.recur.math.Kernels;
import dev.recur.math.MathKernels;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code recur info}. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "The JDK, the Vector API status, the kernels in use and the threads available.")
public final class InfoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;
    private final MathKernels kernels;

    @Inject
    InfoCommand(MathKernels kernels) {
        this.kernels = kernels;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Runtime rt = Runtime.getRuntime();
        out.printf("recur: 0.1.0%n");
        out.printf("jdk: %s %s (%s)%n", System.getProperty("java.vm.name"), Runtime.version(),
                System.getProperty("java.home"));
        out.printf("os: %s %s %s%n", System.getProperty("os.name"), System.getProperty("os.version"),
                System.getProperty("os.arch"));
        boolean vector = Kernels.vectorModulePresent();
        out.printf("vector module: %s%n", vector ? "jdk.incubator.vector present"
                : "ABSENT (start the JVM with --add-modules jdk.incubator.vector)");
        out.printf("kernels: %s%s%n", kernels.name(),
                System.getProperty(Kernels.PROPERTY) != null ? " (forced by -D" + Kernels.PROPERTY + ")" : "");
        out.printf("processors: %d (--threads N of train, eval, sample and bench splits large matrix products over N threads; default: all)%n",
                rt.availableProcessors());
        out.printf("max heap: %,d MiB%n", rt.maxMemory() / (1024 * 1024));
        out.flush();
        return ExitCode.OK.code();
    }
}
