package dev.engram.server;

import java.util.Map;

/**
 * An HTTP error answer: status, a stable machine-readable code and a message for people. Thrown
 * anywhere below the dispatcher and rendered once as {@code {"error": {"code", "message"}}}.
 * Immutable.
 */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String code;
    private final transient Map<String, String> headers;

    public ApiException(int status, String code, String message) {
        this(status, code, message, Map.of());
    }

    public ApiException(int status, String code, String message, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.headers = Map.copyOf(headers);
    }

    public int status() { return status; }
    public String code() { return code; }
    /** Extra response headers (Allow, Retry-After, WWW-Authenticate). */
    public Map<String, String> headers() { return headers; }

    public static ApiException badRequest(String message) {
        return new ApiException(400, "invalid_request", message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, "not_found", message);
    }
}
