package dev.recur.serve;

import static dev.recur.serve.ServerFixture.get;
import static dev.recur.serve.ServerFixture.json;
import static dev.recur.serve.ServerFixture.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.math.Kernels;
import dev.recur.model.LanguageModel;
import dev.recur.model.ModelSpec;
import dev.recur.model.RnnLanguageModel;
import dev.recur.text.Vocabulary;
import dev.recur.text.WordTokenizer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Bounded concurrency and queue (429), the request time limit (503), and draining on stop. */
class ServerLimitsTest {

    static final long SEED = 31L;

    /** H = 1024: a few hundred microseconds per generated token, so that requests overlap. */
    static ModelService slowService() {
        WordTokenizer tok = new WordTokenizer();
        Vocabulary v = tok.buildVocabulary(ServerFixture.TEXT);
        ModelSpec spec = new ModelSpec("elman", Map.of("activation", "tanh"), v.size(), 64, 1024);
        RnnLanguageModel net = RnnLanguageModel.create(spec, ServerFixture.PROVIDERS.cells().get("elman"),
                ServerFixture.PROVIDERS.outputs().get("softmax"), v.counts(), SEED, Kernels.get());
        return new ModelService("slow.recur", new LanguageModel(net, tok, v), ServerFixture.PROVIDERS, Map.of());
    }

    static final String LONG = "{\"prompt\":\"the\",\"max_tokens\":2048,\"seed\":1}";

    @Test
    void aFullQueueAnswers429AndTheServerLivesOn() throws Exception {
        RecurServer s = new RecurServer(slowService(), ServeOptions.defaults(0).withConcurrency(1, 1));
        int port = s.start();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<HttpResponse<String>>> fs = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                fs.add(pool.submit(() -> {
                    go.await();
                    return post(port, "/v1/completions", LONG);
                }));
            }
            go.countDown();
            int ok = 0;
            int busy = 0;
            for (Future<HttpResponse<String>> f : fs) {
                HttpResponse<String> r = f.get();
                if (r.statusCode() == 200) {
                    ok++;
                } else {
                    assertEquals(429, r.statusCode(), r.body());
                    assertEquals("rate_limit", json(r).getAsJsonObject("error").get("type").getAsString());
                    assertTrue(r.headers().firstValue("Retry-After").isPresent());
                    busy++;
                }
            }
            assertTrue(ok >= 1 && busy >= 1, ok + " answered, " + busy + " refused");
            assertEquals(200, post(port, "/v1/completions", LONG).statusCode(), "free again");
            assertTrue(get(port, "/metrics").body().matches("(?s).*recur_rejected_total [1-9].*"));
        } finally {
            pool.shutdownNow();
            s.stop(Duration.ofSeconds(10));
        }
    }

    @Test
    void aRequestPastItsTimeLimitIs503() throws Exception {
        RecurServer s = new RecurServer(slowService(), ServeOptions.defaults(0).withTimeout(Duration.ofMillis(30)));
        int port = s.start();
        try {
            HttpResponse<String> r = post(port, "/v1/completions", LONG);
            assertEquals(503, r.statusCode(), r.body());
            assertTrue(json(r).getAsJsonObject("error").get("message").getAsString().contains("time limit"), r.body());
            r = post(port, "/v1/completions", LONG.replace("}", ",\"stream\":true}"));
            assertEquals(200, r.statusCode());
            assertTrue(r.body().contains("\"finish_reason\":\"timeout\""), r.body());
            assertTrue(r.body().endsWith("data: [DONE]\n\n"));
        } finally {
            s.stop(Duration.ofSeconds(10));
        }
    }

    @Test
    void stoppingLetsTheRequestInFlightFinish() throws Exception {
        RecurServer s = new RecurServer(slowService(), ServeOptions.defaults(0));
        int port = s.start();
        HttpResponse<java.io.InputStream> r = ServerFixture.HTTP.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + port + "/v1/completions"))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(LONG.replace("}", ",\"stream\":true}"))).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, r.statusCode());
        try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(r.body(),
                java.nio.charset.StandardCharsets.UTF_8))) {
            String first = in.readLine(); // the first token's event: the request is in flight
            assertTrue(first.startsWith("data: "), first);
            Thread stopper = new Thread(() -> s.stop(Duration.ofSeconds(30)));
            stopper.start();
            StringBuilder rest = new StringBuilder(first).append('\n');
            for (String line; (line = in.readLine()) != null; ) {
                rest.append(line).append('\n');
            }
            stopper.join(60_000);
            String body = rest.toString();
            assertTrue(body.endsWith("data: [DONE]\n\n"), "the stream was finished, not cut");
            assertEquals(2048, body.split("\"finish_reason\":null").length - 1, "every token was sent");
        }
    }
}
