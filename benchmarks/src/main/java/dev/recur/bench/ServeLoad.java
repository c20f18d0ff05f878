package dev.recur.bench;

import dev.recur.io.ModelFiles;
import dev.recur.io.proto.ModelFile;
import dev.recur.math.Kernels;
import dev.recur.model.LanguageModel;
import dev.recur.serve.ModelService;
import dev.recur.serve.RecurServer;
import dev.recur.serve.ServeOptions;
import dev.recur.spi.Providers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Completions per second and latency of {@code recur serve} under C concurrent clients on loopback: the server
 * runs in this JVM on 127.0.0.1, each client sends R requests one after the other (bounded count). Prints
 * completions/s, generated tokens/s and the latency percentiles.
 *
 * <p>usage: ServeLoad --model M [--clients 8] [--requests 25] [--max-tokens 50] [--concurrent 2] [--stream false]
 */
public final class ServeLoad {

    public static void main(String[] argv) throws Exception {
        Args a = new Args(argv);
        int clients = a.integer("clients", 8);
        int requests = a.integer("requests", 25);
        int maxTokens = a.integer("max-tokens", 50);
        int concurrent = a.integer("concurrent", Runtime.getRuntime().availableProcessors());
        boolean stream = Boolean.parseBoolean(a.get("stream", "false"));
        Path file = Path.of(a.get("model", "model.recur"));
        Providers providers = Providers.load();
        ModelFile mf = ModelFiles.read(file);
        LanguageModel lm = ModelFiles.toModel(file.toString(), mf, providers, Kernels.get());
        RecurServer server = new RecurServer(new ModelService(file.getFileName().toString(), lm, providers,
                mf.getTrainingMap()), ServeOptions.defaults(0).withConcurrency(concurrent, 4 * clients));
        int port = server.start();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI uri = URI.create("http://127.0.0.1:" + port + "/v1/completions");
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            for (int round = 0; round < 2; round++) { // round 0 warms up
                List<Future<double[]>> fs = new ArrayList<>();
                long t0 = System.nanoTime();
                for (int c = 0; c < clients; c++) {
                    final int client = c;
                    fs.add(pool.submit(() -> {
                        double[] lat = new double[requests];
                        for (int k = 0; k < requests; k++) {
                            String body = String.format(Locale.ROOT, "{\"prompt\":\"the\",\"max_tokens\":%d,"
                                    + "\"temperature\":0.8,\"seed\":%d,\"stream\":%s}", maxTokens,
                                    client * 1000 + k, stream);
                            long s = System.nanoTime();
                            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(120))
                                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            lat[k] = (System.nanoTime() - s) / 1e6;
                            if (r.statusCode() != 200) {
                                throw new IllegalStateException("HTTP " + r.statusCode() + ": " + r.body());
                            }
                        }
                        return lat;
                    }));
                }
                List<Double> all = new ArrayList<>();
                for (Future<double[]> f : fs) {
                    for (double d : f.get()) {
                        all.add(d);
                    }
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                double[] l = all.stream().mapToDouble(Double::doubleValue).toArray();
                Arrays.sort(l);
                int n = l.length;
                System.out.printf(Locale.ROOT, "%s: %d clients x %d requests, %d tokens each, %d computing at once, "
                                + "stream %s: %.1f completions/s, %,.0f tokens/s; latency ms p50 %.1f, p90 %.1f, p99 %.1f, "
                                + "max %.1f%n", round == 0 ? "warm-up" : "measured", clients, requests, maxTokens,
                        concurrent, stream, n / secs, n * (double) maxTokens / secs, l[n / 2], l[(int) (n * 0.9)],
                        l[Math.min(n - 1, (int) (n * 0.99))], l[n - 1]);
            }
        } finally {
            pool.shutdownNow();
            server.stop(Duration.ofSeconds(5));
        }
    }
}
