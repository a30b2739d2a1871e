package dev.engram.extraction.embed;

/**
 * An embedding model could not be loaded or failed to run: a missing model artifact, an
 * unsupported tokenizer file, or an ONNX Runtime error. Not thrown for bad text: every string
 * embeds.
 */
public class EmbeddingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EmbeddingException(String message) {
        super(message);
    }

    public EmbeddingException(String message, Throwable cause) {
        super(message, cause);
    }
}
