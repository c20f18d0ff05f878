package dev.recur.serve;

import static dev.recur.serve.ServerFixture.get;
import static dev.recur.serve.ServerFixture.json;
import static dev.recur.serve.ServerFixture.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.recur.model.Generator;
import dev.recur.model.SentenceScorer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The HTTP API over loopback: answers equal the library's, bad requests get 4xx naming the field, load is bounded. */
class RecurServerTest {

    static final long SEED = 29L;
    static ModelService service;
    static RecurServer server;
    static int port;

    @BeforeAll
    static void start() {
        service = ServerFixture.service(SEED);
        server = new RecurServer(service, ServeOptions.defaults(0).withConcurrency(2, 64).withLimits(4096, 500, 300));
        port = server.start();
    }

    @AfterAll
    static void stop() {
        server.stop(Duration.ofSeconds(5));
    }

    /** What the library generates for a request of the server (choice i of seed s is the i-th split). */
    static String expected(String prompt, int tokens, double temperature, long seed, int choice) {
        SplittableRandom r = new SplittableRandom(seed);
        SplittableRandom c = r.split();
        for (int i = 0; i < choice; i++) {
            c = r.split();
        }
        StringBuilder sb = new StringBuilder();
        new Generator(service.model()).generate(prompt, tokens, service.sampler(null, temperature, null, null), c, false,
                sb::append);
        return sb.toString();
    }

    @Test
    void healthModelsAndMetrics() throws Exception {
        HttpResponse<String> h = get(port, "/health");
        assertEquals(200, h.statusCode());
        assertEquals("ok", json(h).get("status").getAsString());
        JsonObject m = json(get(port, "/v1/models")).getAsJsonArray("data").get(0).getAsJsonObject();
        assertEquals("tiny.recur", m.get("id").getAsString());
        assertEquals(service.model().vocabulary().size(), m.get("vocabulary_size").getAsInt());
        assertEquals("elman", m.getAsJsonObject("spec").get("cell").getAsString());
        assertEquals("7", m.getAsJsonObject("training").get("steps").getAsString());
        post(port, "/v1/completions", "{\"prompt\":\"the\",\"max_tokens\":3,\"seed\":1}");
        String metrics = get(port, "/metrics").body();
        assertTrue(metrics.contains("# TYPE recur_request_duration_seconds histogram"), metrics);
        assertTrue(metrics.matches("(?s).*recur_requests_total\\{route=\"/v1/completions\",status=\"200\"} [1-9].*"),
                metrics);
        assertTrue(metrics.matches("(?s).*recur_tokens_generated_total [1-9].*"), metrics);
        assertTrue(metrics.contains("recur_request_duration_seconds_bucket{route=\"/v1/completions\",le=\"+Inf\"}"));
    }

    @Test
    void completionsAreTheGeneratorsTextForTheSeed() throws Exception {
        HttpResponse<String> r = post(port, "/v1/completions",
                "{\"prompt\":\"the cat\",\"max_tokens\":20,\"temperature\":0.9,\"seed\":11,\"n\":2}");
        assertEquals(200, r.statusCode(), r.body());
        JsonObject j = json(r);
        JsonArray choices = j.getAsJsonArray("choices");
        assertEquals(2, choices.size());
        for (int i = 0; i < 2; i++) {
            JsonObject c = choices.get(i).getAsJsonObject();
            assertEquals(expected("the cat", 20, 0.9, 11, i), c.get("text").getAsString(), "choice " + i);
            assertEquals("length", c.get("finish_reason").getAsString());
        }
        assertEquals(40, j.getAsJsonObject("usage").get("completion_tokens").getAsInt());
        assertEquals(2, j.getAsJsonObject("usage").get("prompt_tokens").getAsInt(), "'the cat' continues its line");
        assertEquals(11, j.get("seed").getAsLong());
        JsonArray again = json(post(port, "/v1/completions",
                "{\"prompt\":\"the cat\",\"max_tokens\":20,\"temperature\":0.9,\"seed\":11,\"n\":2}"))
                .getAsJsonArray("choices");
        assertEquals(choices, again, "the same seed gives the same choices");
    }

    @Test
    void streamingSendsTheSameTextPieceByPiece() throws Exception {
        HttpResponse<String> r = post(port, "/v1/completions",
                "{\"prompt\":\"a bird\",\"max_tokens\":25,\"temperature\":1.2,\"seed\":5,\"stream\":true}");
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        String[] events = r.body().split("\n\n");
        assertEquals("data: [DONE]", events[events.length - 1]);
        StringBuilder text = new StringBuilder();
        int pieces = 0;
        String finish = null;
        for (int i = 0; i < events.length - 1; i++) {
            assertTrue(events[i].startsWith("data: "), events[i]);
            JsonObject c = JsonParser.parseString(events[i].substring(6)).getAsJsonObject().getAsJsonArray("choices")
                    .get(0).getAsJsonObject();
            text.append(c.get("text").getAsString());
            if (!c.get("finish_reason").isJsonNull()) {
                finish = c.get("finish_reason").getAsString();
            } else {
                pieces++;
            }
        }
        assertEquals(expected("a bird", 25, 1.2, 5, 0), text.toString());
        assertEquals(25, pieces, "one event per token");
        assertEquals("length", finish);
    }

    @Test
    void stopSequencesCutTheTextBeforeThemEvenAcrossPieces() throws Exception {
        String full = expected("the", 60, 1.0, 3, 0);
        // a stop sequence spanning two pieces: a word's last letter, the space and the next word's first letter
        int space = full.indexOf(' ', full.indexOf(' ', 1) + 1);
        String stop = full.substring(space - 1, space + 2);
        int at = full.indexOf(stop);
        for (String stream : List.of("false", "true")) {
            HttpResponse<String> r = post(port, "/v1/completions", "{\"prompt\":\"the\",\"max_tokens\":60,\"seed\":3,"
                    + "\"stop\":[\"zzz\",\"" + stop + "\"],\"stream\":" + stream + "}");
            assertEquals(200, r.statusCode(), r.body());
            String text;
            if (stream.equals("false")) {
                text = json(r).getAsJsonArray("choices").get(0).getAsJsonObject().get("text").getAsString();
                assertEquals("stop", json(r).getAsJsonArray("choices").get(0).getAsJsonObject().get("finish_reason")
                        .getAsString());
            } else {
                StringBuilder sb = new StringBuilder();
                for (String ev : r.body().split("\n\n")) {
                    if (!ev.equals("data: [DONE]")) {
                        sb.append(JsonParser.parseString(ev.substring(6)).getAsJsonObject().getAsJsonArray("choices")
                                .get(0).getAsJsonObject().get("text").getAsString());
                    }
                }
                text = sb.toString();
            }
            assertEquals(full.substring(0, at), text, "stream " + stream + ", stop '" + stop + "'");
        }
    }

    @Test
    void scoresAreTheScorersFigures() throws Exception {
        HttpResponse<String> r = post(port, "/v1/score",
                "{\"texts\":[\"the cat sat on the mat\",\"a zebra\"],\"per_token\":true}");
        assertEquals(200, r.statusCode(), r.body());
        JsonArray res = json(r).getAsJsonArray("results");
        List<SentenceScorer.Score> want = new SentenceScorer(service.model(), 1).score(
                List.of("the cat sat on the mat", "a zebra"));
        for (int i = 0; i < 2; i++) {
            JsonObject o = res.get(i).getAsJsonObject();
            assertEquals(want.get(i).logProb(), o.get("logprob").getAsDouble(), 1e-9);
            assertEquals(want.get(i).tokens(), o.get("tokens").getAsInt());
            assertEquals(want.get(i).oov(), o.get("oov").getAsInt());
            assertEquals(want.get(i).tokens(), o.getAsJsonArray("token_logprobs").size());
        }
        assertEquals("<unk>", res.get(1).getAsJsonObject().getAsJsonArray("token_texts").get(1).getAsString());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "/v1/completions | {\"prompt\": | 400 | body",
        "/v1/completions | [1,2] | 400 | body",
        "/v1/completions | {\"promt\":\"x\"} | 400 | promt",
        "/v1/completions | {\"prompt\":7} | 400 | prompt",
        "/v1/completions | {\"temperature\":-1} | 400 | temperature",
        "/v1/completions | {\"temperature\":\"hot\"} | 400 | temperature",
        "/v1/completions | {\"max_tokens\":100000} | 400 | max_tokens",
        "/v1/completions | {\"max_tokens\":2.5} | 400 | max_tokens",
        "/v1/completions | {\"top_k\":3,\"top_p\":0.5} | 400 | top_k",
        "/v1/completions | {\"top_p\":1.5} | 400 | top_p",
        "/v1/completions | {\"sampler\":\"magic\"} | 400 | sampler",
        "/v1/completions | {\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]} | 400 | stop",
        "/v1/completions | {\"stop\":[1]} | 400 | stop",
        "/v1/completions | {\"n\":0} | 400 | n",
        "/v1/completions | {\"stream\":\"yes\"} | 400 | stream",
        "/v1/completions | {\"model\":\"gpt-4\"} | 404 | model",
        "/v1/score | {} | 400 | texts",
        "/v1/score | {\"texts\":[]} | 400 | texts",
        "/v1/score | {\"texts\":[3]} | 400 | texts",
    })
    void badRequestsGetAJsonErrorNamingTheField(String path, String body, int status, String field) throws Exception {
        HttpResponse<String> r = post(port, path, body);
        assertEquals(status, r.statusCode(), body + " -> " + r.body());
        JsonObject e = json(r).getAsJsonObject("error");
        assertEquals(field, e.get("field").getAsString(), r.body());
        assertFalse(e.get("message").getAsString().isBlank());
        assertEquals(200, get(port, "/health").statusCode(), "the server lives on");
    }

    @Test
    void oversizedBodiesLongPromptsAndWrongRoutesAreRefused() throws Exception {
        HttpResponse<String> r = post(port, "/v1/completions", "{\"prompt\":\"" + "a ".repeat(3000) + "\"}");
        assertEquals(413, r.statusCode(), r.body());
        assertEquals("body", json(r).getAsJsonObject("error").get("field").getAsString());
        r = post(port, "/v1/completions", "{\"prompt\":\"" + "a".repeat(600) + "\"}");
        assertEquals(400, r.statusCode(), r.body());
        assertEquals("prompt", json(r).getAsJsonObject("error").get("field").getAsString());
        assertEquals(404, get(port, "/v2/nothing").statusCode());
        HttpResponse<String> g = get(port, "/v1/completions");
        assertEquals(405, g.statusCode(), g.body());
        assertTrue(json(g).has("error"));
    }

    @Test
    void eightClientsAtOnceGetTheSequentialAnswers() throws Exception {
        int clients = 8;
        int each = 4;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<List<String>>> fs = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                final int client = c;
                fs.add(pool.submit(() -> {
                    List<String> texts = new ArrayList<>();
                    for (int k = 0; k < each; k++) {
                        long seed = 100 + client * each + k;
                        HttpResponse<String> r = post(port, "/v1/completions", "{\"prompt\":\"the dog\",\"max_tokens\":30,"
                                + "\"temperature\":1.0,\"seed\":" + seed + "}");
                        assertEquals(200, r.statusCode(), r.body());
                        texts.add(json(r).getAsJsonArray("choices").get(0).getAsJsonObject().get("text").getAsString());
                    }
                    return texts;
                }));
            }
            for (int c = 0; c < clients; c++) {
                List<String> got = fs.get(c).get();
                for (int k = 0; k < each; k++) {
                    assertEquals(expected("the dog", 30, 1.0, 100 + c * each + k, 0), got.get(k),
                            "client " + c + " request " + k);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
