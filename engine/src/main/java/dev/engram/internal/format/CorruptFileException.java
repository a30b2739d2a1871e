package dev.engram.internal.format;

import java.io.IOException;

/**
 * A file's bytes do not match its format: bad magic, unknown version, checksum mismatch, a length
 * that points past the end, a field out of range. The message names the file, the byte offset,
 * what was expected and found, and a hint; {@link #file()} and {@link #offset()} carry the same
 * for programs. Checked, because it is raised at the I/O seam; the API layer wraps it.
 */
public class CorruptFileException extends IOException {
    private static final long serialVersionUID = 1L;
    private final String file;
    private final long offset;

    public CorruptFileException(String file, long offset, String problem, String hint) {
        super(file + " at offset " + offset + ": " + problem + (hint == null ? "" : " (" + hint + ")"));
        this.file = file;
        this.offset = offset;
    }

    /** The file, as named by whoever opened it. */
    public String file() {
        return file;
    }

    /** The byte offset in the file where the problem was found. */
    public long offset() {
        return offset;
    }
}
