package dev.engram;

import dev.engram.memory.EngramException;

/**
 * A write, ingestion or read of a user while that user is being purged: nothing was written.
 * Once the purge returns, the user id may be used again (it starts empty).
 */
public class PurgeInProgressException extends EngramException {
    private static final long serialVersionUID = 1L;

    public PurgeInProgressException(String message) {
        super(message);
    }
}
