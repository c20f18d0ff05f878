package dev.recur.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the CLI through the same factory {@code main} uses, capturing stdout and stderr. */
final class CliRunner {

    record Result(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Cli.execute(dev.recur.cli.wiring.PluginJars.loader(args, CliRunner.class.getClassLoader()),
                new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    private CliRunner() {
    }
}
