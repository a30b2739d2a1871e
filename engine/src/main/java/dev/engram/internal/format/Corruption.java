package dev.engram.internal.format;

import dev.engram.io.CorruptFileException;

/** Builds the project's {@link CorruptFileException} for problems that have no expected/found pair. Stateless. */
public final class Corruption {
    private Corruption() {}

    public static CorruptFileException of(String file, long offset, String problem, String hint) {
        return new CorruptFileException(file, offset, problem, null, null, hint);
    }
}
