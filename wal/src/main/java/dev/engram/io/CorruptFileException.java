package dev.engram.io;

import java.io.IOException;

/**
 * A file's bytes are not what its format says they must be: bad magic, unknown format or version,
 * checksum mismatch, impossible length. The message names the file, the byte offset, what was
 * expected and what was found, and a hint at the likely cause.
 *
 * <p>Checked, as every error at the I/O seam is; APIs above the seam translate it into their own
 * unchecked type (for example the WAL's {@code CorruptLogException}).
 */
public class CorruptFileException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final long offset;

    public CorruptFileException(String file, long offset, String problem, String expected, String actual, String hint) {
        super(format(file, offset, problem, expected, actual, hint));
        this.file = file;
        this.offset = offset;
    }

    /** The file's location. */
    public String file() {
        return file;
    }

    /** The byte offset where the problem was found. */
    public long offset() {
        return offset;
    }

    static String format(String file, long offset, String problem, String expected, String actual, String hint) {
        StringBuilder sb = new StringBuilder(problem).append(" in ").append(file).append(" at offset ").append(offset);
        if (expected != null || actual != null) {
            sb.append(" (expected ").append(expected).append(", found ").append(actual).append(')');
        }
        if (hint != null) sb.append(": ").append(hint);
        return sb.toString();
    }
}
