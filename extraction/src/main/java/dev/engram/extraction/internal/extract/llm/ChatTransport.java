package dev.engram.extraction.internal.extract.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.engram.extraction.extract.ExtractionException;
import dev.engram.extraction.extract.ExtractionException.Reason;
import dev.engram.extraction.extract.OpenAiCompatibleConfig;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One chat-completions call with retries: 429 (honouring {@code Retry-After}), 408, 5xx, timeouts
 * and broken connections are retried with exponential backoff and jitter; other 4xx fail at once,
 * except a 400 that rejects the {@code json_schema} response format, which is retried once with
 * {@code json_object} (and remembered). Returns the assistant message's content, unparsed.
 *
 * <p>Thread-safe: the {@link HttpClient} is shared, the only mutable state is the remembered
 * response-format fallback. {@link #close()} closes the client; a second close is harmless.
 */
public final class ChatTransport implements AutoCloseable {

    private static final int MAX_ERROR_BODY = 300;
    /** Model answers are a few kilobytes; anything near this is a misbehaving server. */
    static final long MAX_RESPONSE_BYTES = 4L << 20;

    private final OpenAiCompatibleConfig config;
    private final HttpClient http;
    private final ObjectMapper mapper;
    private final AtomicBoolean schemaRejected = new AtomicBoolean();

    public ChatTransport(OpenAiCompatibleConfig config, ObjectMapper mapper) {
        this.config = config;
        this.mapper = mapper;
        this.http = HttpClient.newBuilder()
                .connectTimeout(config.connectTimeout())
                .version(HttpClient.Version.HTTP_1_1) // local servers rarely speak h2c; skip the upgrade dance
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** Whether the server rejected {@code json_schema} and {@code json_object} is used instead. */
    public boolean usesJsonObjectFallback() {
        return schemaRejected.get();
    }

    /**
     * Sends {@code body} (model, messages, temperature) with a response format derived from
     * {@code schemaFormat} and returns the content of the first choice's message.
     */
    public String complete(ObjectNode body, ObjectNode schemaFormat) {
        int attempt = 0;
        while (true) {
            boolean useSchema = config.responseFormat() == OpenAiCompatibleConfig.ResponseFormat.JSON_SCHEMA && !schemaRejected.get();
            ObjectNode request = body.deepCopy();
            request.set("response_format", useSchema ? schemaFormat : mapper.createObjectNode().put("type", "json_object"));
            HttpResponse<String> response;
            // sendAsync + a deadline bounds the whole exchange: the client's own timeout stops at the
            // headers, and a server that stalls in the middle of a body must not hold a worker forever.
            CompletableFuture<HttpResponse<String>> pending = http.sendAsync(httpRequest(request),
                    HttpResponse.BodyHandlers.limiting(HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8), MAX_RESPONSE_BYTES));
            try {
                response = pending.get(config.requestTimeout().toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                pending.cancel(true);
                attempt = retryOrFail(attempt, Reason.TIMEOUT, "no complete answer within " + config.requestTimeout().toMillis()
                        + " ms from " + config.endpoint(), e, null);
                continue;
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                if (cause instanceof HttpTimeoutException) { // includes HttpConnectTimeoutException
                    attempt = retryOrFail(attempt, Reason.TIMEOUT, "no answer within the timeout from " + config.endpoint(), cause, null);
                } else if (cause instanceof IOException && String.valueOf(cause.getMessage()).contains("capacity")) {
                    throw new ExtractionException(Reason.MALFORMED_OUTPUT, "the response from " + config.endpoint()
                            + " is larger than " + MAX_RESPONSE_BYTES + " bytes", cause);
                } else {
                    attempt = retryOrFail(attempt, Reason.TRANSPORT, "cannot reach " + config.endpoint() + ": " + cause, cause, null);
                }
                continue;
            } catch (InterruptedException e) {
                pending.cancel(true);
                Thread.currentThread().interrupt();
                throw new ExtractionException(Reason.INTERRUPTED, "interrupted while waiting for " + config.endpoint(), e);
            }
            int status = response.statusCode();
            if (status == 200) {
                return content(response.body());
            }
            String snippet = snippet(response.body());
            if (status == 400 && useSchema && mentionsResponseFormat(response.body())) {
                schemaRejected.set(true); // retry at once, without spending a retry: the request was the problem
                continue;
            }
            if (status == 429) {
                Optional<Duration> retryAfter = Backoff.retryAfter(response.headers().firstValue("Retry-After").orElse(null), Instant.now());
                if (retryAfter.isPresent() && retryAfter.get().compareTo(config.maxRetryAfter()) > 0) {
                    throw new ExtractionException(Reason.RATE_LIMITED, "HTTP 429 with Retry-After " + retryAfter.get().toSeconds()
                            + " s, beyond the configured limit of " + config.maxRetryAfter().toSeconds() + " s: " + snippet);
                }
                attempt = retryOrFail(attempt, Reason.RATE_LIMITED, "HTTP 429 from " + config.endpoint() + ": " + snippet, null,
                        retryAfter.orElse(null));
                continue;
            }
            if (status >= 500 || status == 408) {
                attempt = retryOrFail(attempt, Reason.SERVER_ERROR, "HTTP " + status + " from " + config.endpoint() + ": " + snippet, null, null);
                continue;
            }
            throw new ExtractionException(Reason.REJECTED, "HTTP " + status + " from " + config.endpoint()
                    + " (check the base URL, model name and API key): " + snippet);
        }
    }

    /** Sleeps before the next attempt, or throws when the retries are spent. Returns the next attempt number. */
    private int retryOrFail(int attempt, Reason reason, String message, Throwable cause, Duration retryAfter) {
        if (attempt >= config.maxRetries()) {
            throw new ExtractionException(reason, message + " (after " + (attempt + 1) + " attempts)", cause);
        }
        Duration delay = retryAfter != null ? retryAfter
                : Backoff.delay(attempt, config.initialBackoff(), config.maxBackoff(), ThreadLocalRandom.current());
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExtractionException(Reason.INTERRUPTED, "interrupted during retry backoff", e);
        }
        return attempt + 1;
    }

    private HttpRequest httpRequest(ObjectNode body) {
        byte[] json;
        try {
            json = mapper.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a request body", e);
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(config.endpoint())
                .timeout(config.requestTimeout())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json));
        if (config.apiKey() != null) {
            b.header("Authorization", "Bearer " + config.apiKey());
        }
        return b.build();
    }

    /** The first choice's message content; anything else is malformed output. */
    private String content(String body) {
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw new ExtractionException(Reason.MALFORMED_OUTPUT, "the response body is not JSON: " + snippet(body), e);
        }
        JsonNode choices = root == null ? null : root.get("choices");
        if (choices == null || !choices.isArray() || choices.isEmpty()) {
            throw new ExtractionException(Reason.MALFORMED_OUTPUT, "the response has no choices: " + snippet(body));
        }
        JsonNode choice = choices.get(0);
        JsonNode message = choice.get("message");
        if (message == null || !message.isObject()) {
            throw new ExtractionException(Reason.MALFORMED_OUTPUT, "the first choice has no message: " + snippet(body));
        }
        JsonNode refusal = message.get("refusal");
        if (refusal != null && !refusal.isNull()) {
            throw new ExtractionException(Reason.MALFORMED_OUTPUT, "the model refused: " + snippet(refusal.asText()));
        }
        String finish = choice.path("finish_reason").asText("");
        if (finish.equals("length")) {
            throw new ExtractionException(Reason.MALFORMED_OUTPUT, "the answer was cut off (finish_reason=length)");
        }
        JsonNode content = message.get("content");
        if (content == null || !content.isTextual()) {
            throw new ExtractionException(Reason.MALFORMED_OUTPUT, "the message content is not a string: " + snippet(body));
        }
        return content.asText();
    }

    private static boolean mentionsResponseFormat(String body) {
        String b = body == null ? "" : body.toLowerCase(Locale.ROOT);
        return b.contains("response_format") || b.contains("json_schema");
    }

    static String snippet(String s) {
        if (s == null) {
            return "<no body>";
        }
        String t = s.replaceAll("\\p{Cntrl}+", " ").strip();
        return t.length() <= MAX_ERROR_BODY ? t : t.substring(0, MAX_ERROR_BODY) + "…";
    }

    @Override
    public void close() {
        http.close();
    }
}
