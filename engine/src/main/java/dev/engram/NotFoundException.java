package dev.engram;

import dev.engram.memory.EngramException;

/** No memory or ingestion with that id exists for that user. */
public final class NotFoundException extends EngramException {
    private static final long serialVersionUID = 1L;

    public NotFoundException(String message) {
        super(message);
    }
}
