package dev.recur.cli;

import dev.recur.cli.wiring.PluginJars;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** The {@code recur} command. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        ClassLoader loader;
        try {
            loader = PluginJars.loader(args, Main.class.getClassLoader());
        } catch (UsageException e) {
            err.println("recur: " + e.getMessage());
            System.exit(ExitCode.USAGE.code());
            return;
        }
        int code = Cli.execute(loader, out, err, args);
        out.flush();
        err.flush();
        System.exit(code);
    }
}
