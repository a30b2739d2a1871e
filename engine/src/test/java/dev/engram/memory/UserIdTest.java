package dev.engram.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UserIdTest {
    @ParameterizedTest
    @ValueSource(strings = {"alice", "user-42", "a.b_c@example.com", "...", "A", "0", "-leading-dash", ".hidden"})
    void acceptsTheSafeSet(String id) {
        assertEquals(id, UserId.of(id).value());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", ".", "..", "../etc/passwd", "a/b", "a\\b", "/abs", "C:", "a\u0000b", "a b", "tab\tid", "new\nline",
        "\u0430lice", // Cyrillic a: a look-alike of "alice"
        "alice\uFF0Fbob", // fullwidth solidus
        "\u2024\u2024", // one-dot leaders that render like ".."
        "bob\u202Egnp.exe", // right-to-left override
        "\u00E9", "caf\u0065\u0301", "\uD83D\uDE00", "\uD800", "%2e%2e", "a:b", "a*b", "a?b", "<script>"})
    void rejectsHostileIds(String id) {
        InvalidUserIdException e = assertThrows(InvalidUserIdException.class, () -> UserId.of(id));
        assertEquals("userId", e.field());
        // The message never echoes raw control or bidi characters.
        assertFalse(e.getMessage().chars().anyMatch(c -> c < 0x20 || c == 0x202E), e.getMessage());
    }

    @Test
    void rejectsNullAndOverlongIds() {
        assertThrows(InvalidUserIdException.class, () -> UserId.of(null));
        String max = "a".repeat(UserId.MAX_LENGTH);
        assertEquals(max, UserId.of(max).value());
        InvalidUserIdException e = assertThrows(InvalidUserIdException.class, () -> UserId.of(max + "a"));
        assertTrue(e.getMessage().contains("129"), e.getMessage());
        assertThrows(InvalidUserIdException.class, () -> UserId.of("a".repeat(1_000_000)));
    }

    @Test
    void isAValidationException() {
        assertThrows(ValidationException.class, () -> UserId.of(".."));
        assertThrows(EngramException.class, () -> UserId.of(".."));
    }
}
