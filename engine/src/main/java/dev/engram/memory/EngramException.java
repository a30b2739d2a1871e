package dev.engram.memory;

/**
 * Base of every unchecked exception Engram throws at its API. The I/O seam below the API throws
 * checked {@link java.io.IOException}s; the layers above translate them into subclasses of this
 * type so that a caller can catch one family. Instances are immutable and thread-safe.
 */
public class EngramException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EngramException(String message) {
        super(message);
    }

    public EngramException(String message, Throwable cause) {
        super(message, cause);
    }
}
