package dev.engram;

import dev.engram.memory.EngramException;

/**
 * The data directory is open in another process (or another {@link Engram} of this one): its
 * {@code engram.lock} is held. Two engines writing one write-ahead log would corrupt it, so the
 * second open is refused before anything is read or written. Close the other engine, or talk to it
 * (its server's HTTP API or {@code /mcp}).
 */
public final class DataDirectoryInUseException extends EngramException {
    private static final long serialVersionUID = 1L;

    public DataDirectoryInUseException(String message) {
        super(message);
    }
}
