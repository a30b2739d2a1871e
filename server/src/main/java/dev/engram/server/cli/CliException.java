package dev.engram.server.cli;

/** A failure a command reports as one line on stderr, with exit code 1 (no stack trace). */
final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CliException(String message) {
        super(message);
    }

    CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
