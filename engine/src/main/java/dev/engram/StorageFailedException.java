package dev.engram;

import dev.engram.memory.EngramException;

/**
 * A read or write failed in storage, or the engine stopped writing after an earlier I/O failure
 * (fail-stop: the cause is the original failure, an fsync is never retried). Reopen to recover.
 */
public final class StorageFailedException extends EngramException {
    private static final long serialVersionUID = 1L;

    public StorageFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
