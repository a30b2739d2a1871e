package dev.engram.index;

/** An ordinal that the index never handed out (negative, or not below {@link VectorIndex#size()}). */
public final class UnknownOrdinalException extends IndexOutOfBoundsException {
    private static final long serialVersionUID = 1L;

    public UnknownOrdinalException(int ordinal, int size) {
        super("unknown ordinal " + ordinal + " (the index holds ordinals 0.." + (size - 1) + ")");
    }
}
