package dev.engram;

import dev.engram.memory.EngramException;
import java.time.Duration;

/** The ingestion queue is full: nothing was written; retry after {@link #retryAfter()}. */
public final class OverloadedException extends EngramException {
    private static final long serialVersionUID = 1L;
    private final transient Duration retryAfter;

    public OverloadedException(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = retryAfter;
    }

    /** A suggested wait before retrying. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
