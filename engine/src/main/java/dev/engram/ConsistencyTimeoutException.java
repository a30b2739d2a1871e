package dev.engram;

import dev.engram.memory.EngramException;

/** A session-consistent retrieval waited longer than its bound for the user's earlier ingestions. */
public final class ConsistencyTimeoutException extends EngramException {
    private static final long serialVersionUID = 1L;

    public ConsistencyTimeoutException(String message) {
        super(message);
    }
}
