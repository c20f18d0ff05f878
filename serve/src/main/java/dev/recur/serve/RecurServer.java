package dev.recur.serve;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import dev.recur.model.SentenceScorer;
import dev.recur.spi.Sampler;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JsonMapper;
import java.lang.reflect.Type;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The HTTP service around one model (Javalin on Jetty):
 * <ul>
 *   <li>{@code POST /v1/completions} — prompt, max_tokens, temperature, top_k, top_p, sampler, seed, stop, n,
 *       stream (Server-Sent Events, one event per piece of text, then {@code [DONE]});</li>
 *   <li>{@code POST /v1/score} — texts (and per_token) → the figures of {@code recur score};</li>
 *   <li>{@code GET /v1/models}, {@code GET /health}, {@code GET /metrics} (Prometheus text);</li>
 *   <li>{@code GET /} — a playground page: generation streamed as it comes, and a text coloured by each
 *       token's probability.</li>
 * </ul>
 * At most {@code maxConcurrent} requests compute at once (the weights are shared and read-only; each request has
 * its own state), at most {@code maxQueue} wait (one more is answered 429), and each has a time limit. Every
 * refused request gets a JSON error naming the field at fault; no request can stop the server. {@link #stop}
 * lets the requests in flight finish first.
 */
public final class RecurServer implements AutoCloseable {

    static final Set<String> COMPLETION_FIELDS = Set.of("model", "prompt", "max_tokens", "temperature", "top_k",
            "top_p", "sampler", "seed", "stop", "n", "stream");
    static final Set<String> SCORE_FIELDS = Set.of("model", "texts", "per_token");
    private static final String ANSWERED = "recur.answered";

    private final ModelService service;
    private final ServeOptions options;
    private final Metrics metrics = new Metrics();
    private final Semaphore slots;
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicLong ids = new AtomicLong();
    private final Gson gson = new GsonBuilder().disableHtmlEscaping().create();
    private final byte[] page;
    private Javalin app;

    /**
     * A server (not started).
     *
     * @param service the model and what to do with it
     * @param options the address and limits
     */
    public RecurServer(ModelService service, ServeOptions options) {
        this.service = Objects.requireNonNull(service, "service");
        this.options = Objects.requireNonNull(options, "options");
        this.slots = new Semaphore(options.maxConcurrent(), true);
        try (InputStream in = RecurServer.class.getResourceAsStream("index.html")) {
            this.page = Objects.requireNonNull(in, "index.html").readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("the playground page is missing from the jar", e);
        }
    }

    /**
     * Starts listening.
     *
     * @return the port it listens on
     */
    public synchronized int start() {
        if (app != null) {
            throw new IllegalStateException("already started");
        }
        app = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            cfg.http.maxRequestSize = options.maxBodyBytes();
            cfg.http.prefer405over404 = true;
            cfg.jsonMapper(new JsonMapper() { // Gson, so that Jackson is not needed
                @Override
                public String toJsonString(Object obj, Type type) {
                    return gson.toJson(obj, type);
                }

                @Override
                public <T> T fromJsonString(String json, Type targetType) {
                    return gson.fromJson(json, targetType);
                }
            });
        });
        app.get("/", ctx -> {
            ctx.contentType("text/html; charset=utf-8");
            ctx.result(page);
            metrics.request("/", 200, 0);
        });
        app.get("/health", ctx -> simple(ctx, "/health", () -> Map.of("status", draining.get() ? "draining" : "ok",
                "model", service.name())));
        app.get("/v1/models", ctx -> simple(ctx, "/v1/models", () -> Map.of("object", "list", "data",
                List.of(service.describe()))));
        app.get("/metrics", ctx -> {
            ctx.contentType("text/plain; version=0.0.4; charset=utf-8");
            ctx.result(metrics.render());
        });
        app.post("/v1/completions", this::completions);
        app.post("/v1/score", this::score);
        app.exception(HttpResponseException.class, (e, ctx) -> error(ctx, new ApiException(e.getStatus(),
                e.getStatus() == 413 ? "body" : null, e.getStatus() == 413
                ? "the body is larger than " + options.maxBodyBytes() + " bytes" : e.getMessage())));
        app.exception(Exception.class, (e, ctx) -> error(ctx, new ApiException(500, null,
                "internal error: " + e.getClass().getSimpleName() + ": " + e.getMessage())));
        // error handlers run for every response with that status: keep the answers the routes made themselves
        app.error(404, ctx -> {
            if (ctx.attribute(ANSWERED) == null) {
                error(ctx, new ApiException(404, null, "no such endpoint: " + ctx.method() + " " + ctx.path()));
            }
        });
        app.error(405, ctx -> {
            if (ctx.attribute(ANSWERED) == null) {
                error(ctx, new ApiException(405, null, ctx.method() + " is not allowed on " + ctx.path()));
            }
        });
        app.start(options.host(), options.port());
        return app.port();
    }

    /**
     * The port the server listens on.
     *
     * @return the port
     */
    public int port() {
        return app.port();
    }

    /**
     * Stops taking requests (new ones get 503), waits up to {@code grace} for the requests in flight and in the
     * queue to finish, then stops the server.
     *
     * @param grace the longest wait
     */
    public synchronized void stop(Duration grace) {
        if (app == null) {
            return;
        }
        draining.set(true);
        long end = System.nanoTime() + grace.toNanos();
        while ((metrics.inFlight.get() > 0 || metrics.queued.get() > 0) && System.nanoTime() < end) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        app.stop();
        app = null;
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(10));
    }

    // ------------------------------------------------------------------------------------------- routes

    private interface Body {
        Object get();
    }

    private void simple(Context ctx, String route, Body body) {
        long t0 = System.nanoTime();
        json(ctx, 200, body.get());
        metrics.request(route, 200, (System.nanoTime() - t0) / 1e9);
    }

    /** A parsed completion request. */
    private record CompletionRequest(String prompt, int maxTokens, Sampler sampler, long seed, List<String> stop,
                                     int n, boolean stream) {
    }

    private CompletionRequest parseCompletion(String body) {
        Json j = Json.parse(body, COMPLETION_FIELDS);
        checkModel(j);
        String prompt = j.string("prompt", "");
        if (prompt.length() > options.maxPromptChars()) {
            throw new ApiException(400, "prompt", "'prompt' has " + prompt.length() + " characters; the limit is "
                    + options.maxPromptChars());
        }
        int maxTokens = (int) j.integer("max_tokens", 64, 0, options.maxTokens());
        Double temperature = j.has("temperature") ? j.number("temperature", 1, 0, 100, true) : null;
        Integer topK = j.has("top_k") ? (int) j.integer("top_k", 0, 1, service.model().vocabulary().size()) : null;
        Double topP = j.has("top_p") ? j.number("top_p", 1, 0, 1, true) : null;
        String samplerName = j.has("sampler") ? j.string("sampler", null) : null;
        Sampler sampler = service.sampler(samplerName, temperature, topK, topP);
        long seed = j.has("seed") ? j.integer("seed", 0, Long.MIN_VALUE, Long.MAX_VALUE)
                : new SplittableRandom().nextLong();
        List<String> stop = j.strings("stop");
        if (stop.size() > 4) {
            throw new ApiException(400, "stop", "at most 4 stop sequences, got " + stop.size());
        }
        for (String s : stop) {
            if (s.isEmpty() || s.length() > 64) {
                throw new ApiException(400, "stop", "a stop sequence must have 1 to 64 characters");
            }
        }
        int n = (int) j.integer("n", 1, 1, options.maxChoices());
        boolean stream = j.bool("stream", false);
        return new CompletionRequest(prompt, maxTokens, sampler, seed, stop, n, stream);
    }

    private void checkModel(Json j) {
        String m = j.string("model", null);
        if (m != null && !m.equals(service.name())) {
            throw new ApiException(404, "model", "no model '" + m + "'; this server has '" + service.name() + "'");
        }
    }

    private void completions(Context ctx) {
        long t0 = System.nanoTime();
        long deadline = t0 + options.timeout().toNanos();
        int status = 200;
        try {
            CompletionRequest r = parseCompletion(ctx.body());
            admit(deadline);
            try {
                status = r.stream() ? streamCompletion(ctx, r, deadline) : completion(ctx, r, deadline);
            } finally {
                release();
            }
        } catch (ApiException e) {
            status = e.status();
            error(ctx, e);
        }
        metrics.request("/v1/completions", status, (System.nanoTime() - t0) / 1e9);
    }

    private int completion(Context ctx, CompletionRequest r, long deadline) {
        SplittableRandom random = new SplittableRandom(r.seed());
        List<Map<String, Object>> choices = new ArrayList<>();
        long generated = 0;
        for (int i = 0; i < r.n(); i++) {
            ModelService.Completion c = service.complete(r.prompt(), r.maxTokens(), r.sampler(), random.split(),
                    r.stop(), deadline, piece -> true);
            generated += c.tokens();
            metrics.tokensGenerated.addAndGet(c.tokens());
            if (c.finishReason().equals("timeout")) {
                throw new ApiException(503, null, "the request took longer than its time limit of "
                        + options.timeout().toSeconds() + " s");
            }
            Map<String, Object> ch = new LinkedHashMap<>();
            ch.put("index", i);
            ch.put("text", c.text());
            ch.put("finish_reason", c.finishReason());
            choices.add(ch);
        }
        Map<String, Object> out = header("text_completion", r.seed());
        out.put("choices", choices);
        int promptTokens = service.promptTokens(r.prompt());
        out.put("usage", Map.of("prompt_tokens", promptTokens, "completion_tokens", generated, "total_tokens",
                promptTokens + generated));
        json(ctx, 200, out);
        return 200;
    }

    private int streamCompletion(Context ctx, CompletionRequest r, long deadline) {
        var res = ctx.res();
        res.setStatus(200);
        res.setContentType("text/event-stream");
        res.setCharacterEncoding("UTF-8");
        res.setHeader("Cache-Control", "no-cache");
        res.setHeader("X-Accel-Buffering", "no");
        String id = "cmpl-" + ids.incrementAndGet();
        try {
            OutputStream os = res.getOutputStream();
            SplittableRandom random = new SplittableRandom(r.seed());
            for (int i = 0; i < r.n(); i++) {
                final int index = i;
                ModelService.Completion c = service.complete(r.prompt(), r.maxTokens(), r.sampler(), random.split(),
                        r.stop(), deadline, piece -> event(os, chunk(id, r.seed(), index, piece, null)));
                metrics.tokensGenerated.addAndGet(c.tokens());
                if (c.finishReason().equals("cancelled")) {
                    return 499; // the client went away
                }
                if (!event(os, chunk(id, r.seed(), index, "", c.finishReason()))) {
                    return 499;
                }
            }
            send(os, "data: [DONE]\n\n");
        } catch (IOException e) {
            return 499;
        }
        return 200;
    }

    private Map<String, Object> chunk(String id, long seed, int index, String text, String finish) {
        Map<String, Object> ch = new LinkedHashMap<>();
        ch.put("index", index);
        ch.put("text", text);
        ch.put("finish_reason", finish);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", id);
        out.put("object", "text_completion");
        out.put("model", service.name());
        out.put("seed", seed);
        out.put("choices", List.of(ch));
        return out;
    }

    private boolean event(OutputStream os, Map<String, Object> data) {
        try {
            send(os, "data: " + gsonNulls.toJson(data) + "\n\n");
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private final Gson gsonNulls = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

    private static void send(OutputStream os, String s) throws IOException {
        os.write(s.getBytes(StandardCharsets.UTF_8));
        os.flush();
    }

    private void score(Context ctx) {
        long t0 = System.nanoTime();
        long deadline = t0 + options.timeout().toNanos();
        int status = 200;
        try {
            Json j = Json.parse(ctx.body(), SCORE_FIELDS);
            checkModel(j);
            if (!j.has("texts")) {
                throw new ApiException(400, "texts", "'texts' is required: an array of strings (or one string)");
            }
            List<String> texts = j.strings("texts");
            if (texts.isEmpty() || texts.size() > options.maxTexts()) {
                throw new ApiException(400, "texts", "'texts' must hold 1 to " + options.maxTexts() + " texts, got "
                        + texts.size());
            }
            for (int i = 0; i < texts.size(); i++) {
                if (texts.get(i).length() > options.maxPromptChars()) {
                    throw new ApiException(400, "texts", "'texts[" + i + "]' has " + texts.get(i).length()
                            + " characters; the limit is " + options.maxPromptChars());
                }
            }
            boolean perToken = j.bool("per_token", false);
            admit(deadline);
            List<SentenceScorer.Score> scores;
            try {
                scores = service.score(texts);
            } finally {
                release();
            }
            List<Map<String, Object>> results = new ArrayList<>();
            var vocab = service.model().vocabulary();
            for (SentenceScorer.Score s : scores) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("logprob", s.logProb());
                m.put("log10prob", s.log10Prob());
                m.put("tokens", s.tokens());
                m.put("oov", s.oov());
                m.put("perplexity", s.perplexity());
                if (perToken) {
                    List<String> t = new ArrayList<>();
                    for (int id : s.ids()) {
                        t.add(vocab.token(id));
                    }
                    m.put("token_texts", t);
                    m.put("token_logprobs", s.logProbs());
                }
                metrics.tokensScored.addAndGet(s.tokens());
                results.add(m);
            }
            json(ctx, 200, Map.of("object", "score", "model", service.name(), "results", results));
        } catch (ApiException e) {
            status = e.status();
            error(ctx, e);
        }
        metrics.request("/v1/score", status, (System.nanoTime() - t0) / 1e9);
    }

    // --------------------------------------------------------------------------------------- admission

    /** Takes a compute slot, waiting in the bounded queue until the deadline. */
    private void admit(long deadline) {
        if (draining.get()) {
            throw new ApiException(503, null, "the server is shutting down");
        }
        if (slots.tryAcquire()) {
            metrics.inFlight.incrementAndGet();
            return;
        }
        if (metrics.queued.incrementAndGet() > options.maxQueue()) {
            metrics.queued.decrementAndGet();
            metrics.rejected.incrementAndGet();
            throw new ApiException(429, null, "the server is busy (" + options.maxConcurrent() + " requests running, "
                    + options.maxQueue() + " waiting); retry later");
        }
        try {
            long wait = deadline - System.nanoTime();
            if (!slots.tryAcquire(Math.max(0, wait), TimeUnit.NANOSECONDS)) {
                throw new ApiException(503, null, "no free slot within the request's time limit of "
                        + options.timeout().toSeconds() + " s");
            }
            metrics.inFlight.incrementAndGet();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, null, "interrupted while waiting for a slot");
        } finally {
            metrics.queued.decrementAndGet();
        }
    }

    private void release() {
        metrics.inFlight.decrementAndGet();
        slots.release();
    }

    // ------------------------------------------------------------------------------------------ output

    private Map<String, Object> header(String object, long seed) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", "cmpl-" + ids.incrementAndGet());
        out.put("object", object);
        out.put("created", System.currentTimeMillis() / 1000);
        out.put("model", service.name());
        out.put("seed", seed);
        return out;
    }

    private void json(Context ctx, int status, Object body) {
        ctx.status(status);
        ctx.contentType("application/json");
        ctx.result(gson.toJson(body));
    }

    private void error(Context ctx, ApiException e) {
        Map<String, Object> err = new LinkedHashMap<>();
        err.put("message", e.getMessage());
        err.put("type", e.status() == 429 ? "rate_limit" : e.status() >= 500 ? "server_error"
                : "invalid_request_error");
        err.put("field", e.field());
        if (e.status() == 429) {
            ctx.header("Retry-After", "1");
        }
        ctx.attribute(ANSWERED, Boolean.TRUE);
        ctx.status(e.status());
        ctx.contentType("application/json");
        ctx.result(gsonNulls.toJson(Map.of("error", err)));
    }
}
