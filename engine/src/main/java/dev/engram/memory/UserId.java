package dev.engram.memory;

/**
 * The identity of one user of an application: every read, write, index and file of Engram belongs
 * to exactly one {@code UserId}.
 *
 * <p>A valid id is 1 to {@value #MAX_LENGTH} characters from the safe set {@code [A-Za-z0-9._@-]}
 * (ASCII only, so Unicode look-alikes such as a Cyrillic {@code а} or a fullwidth solidus are
 * rejected rather than silently aliased), and is neither {@code "."} nor {@code ".."}. The id is
 * never used as a file name: the store derives directory names from a hash of it (see
 * {@code docs/storage.md}), the restriction only keeps ids printable and unambiguous in logs,
 * URLs and exports. Invalid ids raise {@link InvalidUserIdException}; the message describes the
 * problem without echoing control characters.
 *
 * <p>Immutable and thread-safe.
 */
public record UserId(String value) implements Comparable<UserId> {
    /** The longest accepted id, in characters (all ASCII, so also in bytes). */
    public static final int MAX_LENGTH = 128;

    public UserId {
        validate(value);
    }

    /** Validates {@code value} and wraps it. */
    public static UserId of(String value) {
        return new UserId(value);
    }

    private static void validate(String value) {
        if (value == null) throw new InvalidUserIdException("user id is missing");
        if (value.isEmpty()) throw new InvalidUserIdException("user id is empty");
        if (value.length() > MAX_LENGTH) {
            throw new InvalidUserIdException("user id is " + value.length() + " characters long, at most " + MAX_LENGTH + " are allowed");
        }
        if (value.equals(".") || value.equals("..")) {
            throw new InvalidUserIdException("user id must not be '.' or '..'");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!isSafe(c)) {
                throw new InvalidUserIdException("user id has a character outside [A-Za-z0-9._@-] at index " + i
                        + " (U+" + String.format("%04X", (int) c) + ")");
            }
        }
    }

    private static boolean isSafe(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '.' || c == '_' || c == '@' || c == '-';
    }

    @Override
    public int compareTo(UserId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
