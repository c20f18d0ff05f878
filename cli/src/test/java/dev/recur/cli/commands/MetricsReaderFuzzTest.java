package dev.recur.cli.commands;

import dev.recur.cli.UsageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The metrics reader of {@code recur plot} (JSON lines from {@code recur train --metrics}) on generated and mangled
 * lines — fields of every JSON type where numbers, flags and event names belong, broken JSON, random text: the only
 * outcomes are the series or a one-line usage error naming the line; never another exception. Tries: the jqwik
 * default of the build (300; 100,000 with -Plong).
 */
class MetricsReaderFuzzTest {

    static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("recur-metrics-fuzz");
            DIR.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @Property
    void metricsLinesAreReadOrRefusedOnOneLine(@ForAll("files") List<String> lines) throws IOException {
        Path f = Files.write(DIR.resolve("m.jsonl"), lines);
        try {
            PlotCommand.read(f);
        } catch (UsageException e) {
            String m = e.getMessage();
            if (m == null || m.isBlank() || m.contains("\n") || m.length() > 600) {
                throw new AssertionError("not a one-line error: " + m, e);
            }
        }
    }

    @Provide
    Arbitrary<List<String>> files() {
        Arbitrary<String> value = Arbitraries.oneOf(
                Arbitraries.doubles().map(String::valueOf),
                Arbitraries.longs().map(String::valueOf),
                Arbitraries.of("null", "true", "false", "\"x\"", "\"1.5\"", "[]", "[1,2]", "{}", "{\"a\":1}", "NaN",
                        "Infinity", "-Infinity", "1e999", "\"\"", "0x10"),
                Arbitraries.strings().ofMaxLength(12).map(s -> "\"" + s.replace("\\", "").replace("\"", "") + "\""));
        Arbitrary<String> event = Arbitraries.of("\"step\"", "\"validation\"", "\"end\"", "\"round\"", "1", "null",
                "{}", "[\"step\"]", "true");
        Arbitrary<String> field = Arbitraries.of("step", "loss", "lr", "grad_norm", "clipped", "grad_norms", "epoch");
        Arbitrary<String> entry = Combinators.combine(field, value).as((k, v) -> "\"" + k + "\":" + v);
        Arbitrary<String> object = Combinators.combine(event, entry.list().ofMaxSize(7),
                Combinators.combine(Arbitraries.strings().alpha().ofMaxLength(4), value).as((k, v) -> "\"" + k + "\":" + v)
                        .list().ofMaxSize(3))
                .as((e, es, ps) -> "{\"event\":" + e + (es.isEmpty() ? "" : "," + String.join(",", es))
                        + ",\"grad_norms\":{" + String.join(",", ps) + "}}");
        Arbitrary<String> line = Arbitraries.oneOf(object, object, object,
                object.map(o -> o.substring(0, o.length() / 2)), // truncated
                Arbitraries.strings().ofMaxLength(30), Arbitraries.of("", "   ", "[1]", "\"text\"", "{", "}"));
        return line.list().ofMaxSize(10);
    }
}
