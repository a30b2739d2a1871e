package dev.engram.extraction.extract;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Configuration of {@link OpenAiCompatibleExtractor}. Immutable and thread-safe; build it with
 * {@link #builder(URI, String)}.
 *
 * @param baseUrl        the API root including its version segment, e.g. {@code http://localhost:11434/v1}
 *                       (Ollama), {@code http://localhost:8000/v1} (vLLM) or {@code https://api.openai.com/v1};
 *                       requests go to {@code <baseUrl>/chat/completions}
 * @param model          the model name sent with every request
 * @param apiKey         sent as {@code Authorization: Bearer …}, or null for servers that need none; never logged
 * @param connectTimeout how long to wait for a TCP connection
 * @param requestTimeout how long to wait for a whole answer (one attempt)
 * @param maxRetries     retries after the first attempt on 429, 5xx, 408, timeouts and broken connections
 * @param initialBackoff the first retry delay; it doubles each retry, with jitter, up to {@code maxBackoff}
 * @param maxBackoff     the longest computed retry delay
 * @param maxRetryAfter  the longest {@code Retry-After} honoured; a longer one fails at once with
 *                       {@link ExtractionException.Reason#RATE_LIMITED}
 * @param responseFormat how JSON output is requested
 * @param temperature    sampling temperature (0 for repeatable extraction)
 * @param maxTextChars   the longest memory text accepted from the model
 */
public record OpenAiCompatibleConfig(
        URI baseUrl,
        String model,
        String apiKey,
        Duration connectTimeout,
        Duration requestTimeout,
        int maxRetries,
        Duration initialBackoff,
        Duration maxBackoff,
        Duration maxRetryAfter,
        ResponseFormat responseFormat,
        double temperature,
        int maxTextChars) {

    /** How JSON output is requested from the server. */
    public enum ResponseFormat {
        /**
         * {@code response_format: {type: json_schema, strict: true}}: the server constrains decoding to the
         * schema. A server that rejects it (HTTP 400 naming {@code response_format} or {@code json_schema})
         * is asked again with {@link #JSON_OBJECT}, and the extractor remembers that.
         */
        JSON_SCHEMA,
        /** {@code response_format: {type: json_object}}: any JSON object; the schema is in the prompt. */
        JSON_OBJECT
    }

    public OpenAiCompatibleConfig {
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
        Objects.requireNonNull(responseFormat, "responseFormat");
        String scheme = baseUrl.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new IllegalArgumentException("baseUrl must be http or https: " + baseUrl);
        }
        if (model.isBlank()) {
            throw new IllegalArgumentException("model must not be blank");
        }
        if (apiKey != null && (apiKey.isBlank() || apiKey.chars().anyMatch(c -> c < 0x21 || c > 0x7E))) {
            throw new IllegalArgumentException("apiKey must be printable ASCII without spaces");
        }
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(requestTimeout, "requestTimeout");
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0 || maxRetryAfter.isNegative()) {
            throw new IllegalArgumentException("need 0 <= initialBackoff <= maxBackoff and maxRetryAfter >= 0");
        }
        if (maxRetries < 0 || maxRetries > 20) {
            throw new IllegalArgumentException("maxRetries must be in [0, 20]: " + maxRetries);
        }
        if (!(temperature >= 0 && temperature <= 2)) {
            throw new IllegalArgumentException("temperature must be in [0, 2]: " + temperature);
        }
        if (maxTextChars < 16) {
            throw new IllegalArgumentException("maxTextChars must be at least 16: " + maxTextChars);
        }
    }

    private static void requirePositive(Duration d, String name) {
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
    }

    /** The chat-completions endpoint. */
    public URI endpoint() {
        String base = baseUrl.toString();
        return URI.create(base.endsWith("/") ? base + "chat/completions" : base + "/chat/completions");
    }

    @Override
    public String toString() {
        return "OpenAiCompatibleConfig[baseUrl=" + baseUrl + ", model=" + model + ", apiKey=" + (apiKey == null ? "none" : "***")
                + ", connectTimeout=" + connectTimeout + ", requestTimeout=" + requestTimeout + ", maxRetries=" + maxRetries
                + ", responseFormat=" + responseFormat + "]";
    }

    /** A builder with defaults: 5 s connect, 60 s request, 3 retries from 500 ms to 8 s, Retry-After up to 60 s, JSON schema, temperature 0, 500-character texts. */
    public static Builder builder(URI baseUrl, String model) {
        return new Builder(baseUrl, model);
    }

    /** Builds an {@link OpenAiCompatibleConfig}. Not thread-safe. */
    public static final class Builder {
        private final URI baseUrl;
        private final String model;
        private String apiKey;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(60);
        private int maxRetries = 3;
        private Duration initialBackoff = Duration.ofMillis(500);
        private Duration maxBackoff = Duration.ofSeconds(8);
        private Duration maxRetryAfter = Duration.ofSeconds(60);
        private ResponseFormat responseFormat = ResponseFormat.JSON_SCHEMA;
        private double temperature = 0;
        private int maxTextChars = 500;

        private Builder(URI baseUrl, String model) {
            this.baseUrl = baseUrl;
            this.model = model;
        }

        public Builder apiKey(String apiKey) {
            this.apiKey = apiKey;
            return this;
        }

        public Builder connectTimeout(Duration d) {
            this.connectTimeout = d;
            return this;
        }

        public Builder requestTimeout(Duration d) {
            this.requestTimeout = d;
            return this;
        }

        public Builder maxRetries(int n) {
            this.maxRetries = n;
            return this;
        }

        public Builder backoff(Duration initial, Duration max) {
            this.initialBackoff = initial;
            this.maxBackoff = max;
            return this;
        }

        public Builder maxRetryAfter(Duration d) {
            this.maxRetryAfter = d;
            return this;
        }

        public Builder responseFormat(ResponseFormat f) {
            this.responseFormat = f;
            return this;
        }

        public Builder temperature(double t) {
            this.temperature = t;
            return this;
        }

        public Builder maxTextChars(int n) {
            this.maxTextChars = n;
            return this;
        }

        public OpenAiCompatibleConfig build() {
            return new OpenAiCompatibleConfig(baseUrl, model, apiKey, connectTimeout, requestTimeout, maxRetries,
                    initialBackoff, maxBackoff, maxRetryAfter, responseFormat, temperature, maxTextChars);
        }
    }
}
