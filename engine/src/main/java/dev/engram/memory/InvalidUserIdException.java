package dev.engram.memory;

/** A user id outside the safe set documented on {@link UserId}. The rejected id is never echoed raw. Immutable; thread-safe. */
public final class InvalidUserIdException extends ValidationException {
    private static final long serialVersionUID = 1L;

    public InvalidUserIdException(String message) {
        super("userId", message);
    }
}
