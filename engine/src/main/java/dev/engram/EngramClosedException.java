package dev.engram;

import dev.engram.memory.EngramException;

/** A call on a closed {@link Engram}. */
public final class EngramClosedException extends EngramException {
    private static final long serialVersionUID = 1L;

    public EngramClosedException() {
        super("Engram is closed");
    }
}
