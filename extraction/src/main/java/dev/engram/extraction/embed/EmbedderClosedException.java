package dev.engram.extraction.embed;

/** Thrown when an {@link Embedder} is used after {@link Embedder#close()}. */
public final class EmbedderClosedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public EmbedderClosedException(String modelId) {
        super("embedder " + modelId + " is closed");
    }
}
