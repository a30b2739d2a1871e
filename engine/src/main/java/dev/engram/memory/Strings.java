package dev.engram.memory;

import java.nio.charset.StandardCharsets;

/** Validation of the strings the domain model and the API accept (bounded, no NUL, no unpaired surrogates). Stateless. */
public final class Strings {
    private Strings() {}

    /** Non-null, non-blank, at most {@code maxChars}, and well-formed text (see {@link #checkText}). */
    public static String checkRequired(String field, String value, int maxChars) {
        if (value == null) throw new ValidationException(field, "is missing");
        if (value.isBlank()) throw new ValidationException(field, "is blank");
        if (value.length() > maxChars) {
            throw new ValidationException(field, "is " + value.length() + " characters long, at most " + maxChars);
        }
        checkText(field, value);
        return value;
    }

    /** {@code null}, or as {@link #checkRequired}. */
    public static String checkOptional(String field, String value, int maxChars) {
        return value == null ? null : checkRequired(field, value, maxChars);
    }

    /**
     * Rejects NUL and unpaired surrogates: the first breaks C-string consumers downstream, the
     * second cannot be encoded in UTF-8 and so would not round-trip through the files exactly.
     */
    public static void checkText(String field, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == 0) throw new ValidationException(field, "contains NUL at index " + i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= value.length() || !Character.isLowSurrogate(value.charAt(i + 1))) {
                    throw new ValidationException(field, "has an unpaired surrogate at index " + i);
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                throw new ValidationException(field, "has an unpaired surrogate at index " + i);
            }
        }
    }

    public static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
