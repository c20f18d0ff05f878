package dev.recur.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.io.ModelFiles;
import dev.recur.math.Kernels;
import dev.recur.model.LanguageModel;
import dev.recur.model.ModelSpec;
import dev.recur.model.RnnLanguageModel;
import dev.recur.spi.Providers;
import dev.recur.text.Vocabulary;
import dev.recur.text.WordTokenizer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code recur serve} as a user starts it: a separate JVM, called over loopback, stopped with SIGTERM. */
class ServeCliTest {

    @TempDir
    Path dir;

    /** A model whose generation takes a few hundred microseconds per token (H = 1024), saved to a file. */
    Path model() {
        Providers p = Providers.load();
        WordTokenizer tok = new WordTokenizer();
        Vocabulary v = tok.buildVocabulary("the cat sat on the mat\nthe dog sat on the log\n");
        ModelSpec spec = new ModelSpec("elman", Map.of("activation", "tanh"), v.size(), 64, 1024);
        RnnLanguageModel net = RnnLanguageModel.create(spec, p.cells().get("elman"), p.outputs().get("softmax"),
                v.counts(), 3, Kernels.get());
        Path file = dir.resolve("m.recur");
        ModelFiles.save(file, new LanguageModel(net, tok, v), Map.of("steps", "0"));
        return file;
    }

    Process start(String... args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new java.util.ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector", "-cp",
                System.getProperty("java.class.path"), "dev.recur.cli.Main", "serve"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    /** Reads the server's output up to the line with its address; returns the port (what it read goes to printed). */
    static int awaitPort(Process p, StringBuilder printed) throws java.io.IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = out.readLine()) != null; ) {
            printed.append(line).append('\n');
            Matcher m = Pattern.compile("on http://127\\.0\\.0\\.1:(\\d+)/").matcher(line);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        throw new AssertionError("the server did not print its address: " + printed);
    }

    @Test
    void sigtermLetsTheRequestInFlightFinish() throws Exception {
        Process p = start("--model", model().toString(), "--port", "0", "--drain", "20s");
        try {
            int port = awaitPort(p, new StringBuilder());
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + port;
            assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
            HttpResponse<java.io.InputStream> r = http.send(HttpRequest.newBuilder(
                    URI.create(base + "/v1/completions")).POST(HttpRequest.BodyPublishers.ofString(
                    "{\"prompt\":\"the\",\"max_tokens\":2048,\"seed\":1,\"stream\":true}")).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, r.statusCode());
            StringBuilder body = new StringBuilder();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                String first = in.readLine(); // the first token's event: the request is in flight
                assertTrue(first.startsWith("data: "), first);
                p.destroy(); // SIGTERM
                body.append(first).append('\n');
                for (String l; (l = in.readLine()) != null; ) {
                    body.append(l).append('\n');
                }
            }
            assertTrue(body.toString().endsWith("data: [DONE]\n\n"), "finished, not cut");
            assertEquals(2048, body.toString().split("\"finish_reason\":null").length - 1);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the server exits");
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void aServerWithInt8WeightsSaysSoAndGenerates() throws Exception {
        Process p = start("--model", model().toString(), "--port", "0", "--weights", "int8");
        try {
            StringBuilder printed = new StringBuilder();
            int port = awaitPort(p, printed);
            assertTrue(printed.toString().contains("weights: int8 with one scale per output unit, rounded at load"),
                    printed.toString());
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + port;
            HttpResponse<String> models = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/models")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, models.statusCode());
            assertTrue(models.body().contains("\"weights\":\"int8\""), models.body());
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"the\",\"max_tokens\":20,\"seed\":1}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(r.body().contains("\"text\""), r.body());
        } finally {
            p.destroy();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the server exits");
        }
    }

    @Test
    void aBusyPortIsAOneLineError() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Process p = start("--model", model().toString(), "--port", String.valueOf(taken.getLocalPort()));
            try {
                assertTrue(p.waitFor(60, TimeUnit.SECONDS));
                String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertEquals(2, p.exitValue(), text);
                assertTrue(text.contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()), text);
                assertTrue(text.lines().filter(l -> l.startsWith("recur")).count() <= 1, text);
                assertTrue(!text.contains("\tat "), "no stack trace: " + text);
            } finally {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void badLimitsAreUsageErrors() {
        CliRunner.Result r = CliRunner.run("serve", "--model", "x.recur", "--port", "70000");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("port must be in [0, 65535]"), r.toString());
    }
}
