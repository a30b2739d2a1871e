package dev.engram.extraction.extract;

import java.util.Objects;

/**
 * Extraction failed. The {@link #reason()} tells the caller whether a retry may help
 * ({@link Reason#retriable()}). The message starts with the reason and never contains an API key.
 * Immutable once thrown; safe to pass between threads.
 */
public final class ExtractionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why extraction failed. */
    public enum Reason {
        /** The request itself is unusable (e.g. a turn larger than the extractor accepts). Not retriable. */
        INVALID_REQUEST(false),
        /** The model service could not be reached or the connection broke. */
        TRANSPORT(true),
        /** The model service did not answer within the configured timeout (after retries). */
        TIMEOUT(true),
        /** The model service kept answering 429 (after retries, or with a Retry-After beyond the limit). */
        RATE_LIMITED(true),
        /** The model service kept answering 5xx (after retries). */
        SERVER_ERROR(true),
        /** The model service rejected the request (4xx other than 429): configuration or authentication. */
        REJECTED(false),
        /** The model answered, but not with valid JSON of the required shape and values. */
        MALFORMED_OUTPUT(true),
        /** The calling thread was interrupted while waiting. */
        INTERRUPTED(false);

        private final boolean retriable;

        Reason(boolean retriable) {
            this.retriable = retriable;
        }

        /** Whether trying the same request again later may succeed. */
        public boolean retriable() {
            return retriable;
        }
    }

    private final Reason reason;

    public ExtractionException(Reason reason, String message) {
        super(Objects.requireNonNull(reason, "reason") + ": " + message);
        this.reason = reason;
    }

    public ExtractionException(Reason reason, String message, Throwable cause) {
        super(Objects.requireNonNull(reason, "reason") + ": " + message, cause);
        this.reason = reason;
    }

    /** Why extraction failed. */
    public Reason reason() {
        return reason;
    }
}
