package dev.recur.serve;

import java.time.Duration;
import java.util.Objects;

/**
 * The limits and the address of a {@link RecurServer}.
 *
 * @param host the address to listen on ({@code 127.0.0.1} keeps it on this machine)
 * @param port the port (0 picks a free one)
 * @param maxConcurrent requests computed at the same time (each on one core); the weights are shared
 * @param maxQueue requests waiting for a free slot; one more is answered 429
 * @param maxBodyBytes the largest request body
 * @param maxPromptChars the longest prompt (and each scored text), in characters
 * @param maxTokens the largest {@code max_tokens} a completion may ask for
 * @param maxChoices the largest {@code n}
 * @param maxTexts the most texts one score request may hold
 * @param timeout a request's time limit, waiting included; past it the request is answered 503
 */
public record ServeOptions(String host, int port, int maxConcurrent, int maxQueue, long maxBodyBytes,
                           int maxPromptChars, int maxTokens, int maxChoices, int maxTexts, Duration timeout) {

    /**
     * Checks the limits.
     *
     * @param host the address to listen on
     * @param port the port (0 picks a free one)
     * @param maxConcurrent requests computed at the same time
     * @param maxQueue requests waiting for a free slot
     * @param maxBodyBytes the largest request body
     * @param maxPromptChars the longest prompt, in characters
     * @param maxTokens the largest {@code max_tokens}
     * @param maxChoices the largest {@code n}
     * @param maxTexts the most texts per score request
     * @param timeout a request's time limit
     */
    public ServeOptions {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(timeout, "timeout");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
        }
        if (maxConcurrent < 1 || maxQueue < 0 || maxBodyBytes < 1 || maxPromptChars < 1 || maxTokens < 1
                || maxChoices < 1 || maxTexts < 1) {
            throw new IllegalArgumentException("limits must be >= 1 (the queue >= 0)");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be > 0, got " + timeout);
        }
    }

    /**
     * Loopback, the given port, one request per core, a queue of 32, 1 MB bodies, 20,000-character prompts,
     * 2,048 tokens, 8 choices, 256 texts, 60 seconds.
     *
     * @param port the port (0 picks a free one)
     * @return the defaults
     */
    public static ServeOptions defaults(int port) {
        return new ServeOptions("127.0.0.1", port, Runtime.getRuntime().availableProcessors(), 32, 1 << 20, 20_000,
                2048, 8, 256, Duration.ofSeconds(60));
    }

    /**
     * The same options with another concurrency and queue.
     *
     * @param concurrent requests computed at the same time
     * @param queue requests waiting
     * @return new options
     */
    public ServeOptions withConcurrency(int concurrent, int queue) {
        return new ServeOptions(host, port, concurrent, queue, maxBodyBytes, maxPromptChars, maxTokens, maxChoices,
                maxTexts, timeout);
    }

    /**
     * The same options with another time limit.
     *
     * @param t the request time limit
     * @return new options
     */
    public ServeOptions withTimeout(Duration t) {
        return new ServeOptions(host, port, maxConcurrent, maxQueue, maxBodyBytes, maxPromptChars, maxTokens,
                maxChoices, maxTexts, t);
    }

    /**
     * The same options with other size limits.
     *
     * @param bodyBytes the largest request body
     * @param promptChars the longest prompt
     * @param tokens the largest max_tokens
     * @return new options
     */
    public ServeOptions withLimits(long bodyBytes, int promptChars, int tokens) {
        return new ServeOptions(host, port, maxConcurrent, maxQueue, bodyBytes, promptChars, tokens, maxChoices,
                maxTexts, timeout);
    }
}
