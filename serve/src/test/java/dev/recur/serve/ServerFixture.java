package dev.recur.serve;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.recur.math.Kernels;
import dev.recur.model.LanguageModel;
import dev.recur.model.ModelSpec;
import dev.recur.model.RnnLanguageModel;
import dev.recur.spi.Parameter;
import dev.recur.spi.Providers;
import dev.recur.text.Vocabulary;
import dev.recur.text.WordTokenizer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;

/** A small word-level model with peaky random weights, and HTTP helpers for the server tests. */
final class ServerFixture {

    static final String TEXT = """
            the cat sat on the mat and the dog sat on the log
            a bird flew over the house while a fish swam in the pond
            the dog and the cat met on the mat near the house
            """;

    static final Providers PROVIDERS = Providers.load();

    static LanguageModel model(long seed) {
        WordTokenizer tok = new WordTokenizer();
        Vocabulary v = tok.buildVocabulary(TEXT);
        ModelSpec spec = new ModelSpec("elman", Map.of("activation", "tanh"), v.size(), 8, 16);
        RnnLanguageModel net = RnnLanguageModel.create(spec, PROVIDERS.cells().get("elman"),
                PROVIDERS.outputs().get("softmax"), v.counts(), seed, Kernels.get());
        SplittableRandom r = new SplittableRandom(seed);
        for (Parameter p : net.parameters()) {
            float[] x = p.value();
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (r.nextDouble() * 2 - 1);
            }
        }
        return new LanguageModel(net, tok, v);
    }

    static ModelService service(long seed) {
        return new ModelService("tiny.recur", model(seed), PROVIDERS, Map.of("steps", "7"));
    }

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static HttpResponse<String> post(int port, String path, String body) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonObject json(HttpResponse<String> r) {
        return JsonParser.parseString(r.body()).getAsJsonObject();
    }

    private ServerFixture() {
    }
}
