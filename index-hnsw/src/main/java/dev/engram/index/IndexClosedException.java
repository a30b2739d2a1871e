package dev.engram.index;

/** A call reached a {@link VectorIndex} after {@link VectorIndex#close()}. */
public final class IndexClosedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public IndexClosedException() {
        super("the vector index is closed");
    }
}
