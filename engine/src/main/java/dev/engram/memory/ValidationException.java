package dev.engram.memory;

/**
 * Input that breaks a documented bound or format: the request is rejected as a whole and nothing
 * is applied. {@link #field()} names the offending field (as in {@code "metadata.key"}), so a
 * server can turn it into a 4xx answer that points at the problem. Immutable; thread-safe.
 */
public class ValidationException extends EngramException {
    private static final long serialVersionUID = 1L;
    private final String field;

    public ValidationException(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    /** The name of the field that failed validation. */
    public String field() {
        return field;
    }
}
