package dev.engram.extraction.extract;

import java.util.Objects;

/**
 * An existing memory of the user, given to an extractor as context (for corrections such as
 * "actually, it's Lisbon") and to reconciliation. Immutable and thread-safe.
 *
 * @param id      the engine's memory id
 * @param text    the memory text
 * @param kind    its kind
 * @param slotKey its slot key, or {@code null}
 */
public record KnownMemory(String id, String text, MemoryKind kind, String slotKey) {

    public KnownMemory {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(kind, "kind");
        if (id.isBlank()) {
            throw new IllegalArgumentException("memory id must not be blank");
        }
    }
}
