package dev.engram.index;

/**
 * A vector or query was rejected: wrong dimension, a NaN or infinite component, or a zero vector
 * under {@link Similarity#COSINE}. Nothing was changed in the index.
 */
public final class InvalidVectorException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidVectorException(String message) {
        super(message);
    }
}
