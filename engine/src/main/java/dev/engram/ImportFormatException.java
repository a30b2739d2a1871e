package dev.engram;

import dev.engram.memory.ValidationException;

/** A line of an import that is not a valid memory: nothing of that line (or after it) was written. */
public class ImportFormatException extends ValidationException {
    private static final long serialVersionUID = 1L;
    private final long line;

    public ImportFormatException(long line, String field, String message) {
        super(field, "line " + line + ": " + message);
        this.line = line;
    }

    /** The 1-based line number. */
    public long line() {
        return line;
    }
}
