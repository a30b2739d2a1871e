package dev.engram;

import dev.engram.memory.MemoryType;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * Changes for {@link Engram#update}: each non-null field replaces the current value in a new
 * version; null fields keep it. Immutable.
 */
public record MemoryUpdate(String content, MemoryType type, Double importance, Set<String> categories,
                           Map<String, String> metadata, Instant eventTime, Instant expiresAt) {
    public static MemoryUpdate content(String text) {
        return new MemoryUpdate(text, null, null, null, null, null, null);
    }

    public MemoryUpdate withType(MemoryType t) {
        return new MemoryUpdate(content, t, importance, categories, metadata, eventTime, expiresAt);
    }

    public MemoryUpdate withImportance(double i) {
        return new MemoryUpdate(content, type, i, categories, metadata, eventTime, expiresAt);
    }

    public MemoryUpdate withCategories(Set<String> c) {
        return new MemoryUpdate(content, type, importance, c, metadata, eventTime, expiresAt);
    }

    public MemoryUpdate withMetadata(Map<String, String> m) {
        return new MemoryUpdate(content, type, importance, categories, m, eventTime, expiresAt);
    }

    public MemoryUpdate withEventTime(Instant t) {
        return new MemoryUpdate(content, type, importance, categories, metadata, t, expiresAt);
    }

    public MemoryUpdate withExpiresAt(Instant t) {
        return new MemoryUpdate(content, type, importance, categories, metadata, eventTime, t);
    }

    boolean isEmpty() {
        return content == null && type == null && importance == null && categories == null && metadata == null
                && eventTime == null && expiresAt == null;
    }
}
