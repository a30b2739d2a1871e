package dev.engram.index;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An index file is damaged, truncated or not an index file at all. The message names the file, the
 * byte offset, what was expected and what was found, and a hint.
 *
 * <p>It is an {@link IOException} because it comes out of {@link VectorIndex#open(Path)}, the I/O
 * seam, next to the other I/O failures a caller already handles there.
 */
public final class CorruptIndexException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient Path file;
    private final long offset;

    public CorruptIndexException(Path file, long offset, String message) {
        super(file + " at offset " + offset + ": " + message);
        this.file = file;
        this.offset = offset;
    }

    /** The damaged file. */
    public Path file() {
        return file;
    }

    /** The byte offset at which the damage was detected. */
    public long offset() {
        return offset;
    }
}
