package dev.engram;

import dev.engram.memory.MemoryType;
import dev.engram.memory.ValidationException;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * A memory to store as given, without extraction ({@link Engram#add}). Bounds are the domain
 * model's ({@link dev.engram.memory.Memory}); violations raise {@link ValidationException}.
 * Immutable.
 *
 * @param content    the text (required)
 * @param type       its type (default FACT)
 * @param importance 0..1 (default 0.5)
 * @param categories free-form categories
 * @param metadata   string metadata
 * @param eventTime  when the remembered event happened, or {@code null}
 * @param expiresAt  when it stops being served, or {@code null}
 */
public record NewMemory(String content, MemoryType type, double importance, Set<String> categories,
                        Map<String, String> metadata, Instant eventTime, Instant expiresAt) {
    public NewMemory {
        if (content == null) throw new ValidationException("content", "is missing");
        if (type == null) type = MemoryType.FACT;
        categories = categories == null ? Set.of() : Set.copyOf(categories);
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    public static NewMemory of(String content) {
        return new NewMemory(content, MemoryType.FACT, 0.5, Set.of(), Map.of(), null, null);
    }

    public NewMemory type(MemoryType t) {
        return new NewMemory(content, t, importance, categories, metadata, eventTime, expiresAt);
    }

    public NewMemory importance(double i) {
        return new NewMemory(content, type, i, categories, metadata, eventTime, expiresAt);
    }

    public NewMemory categories(Set<String> c) {
        return new NewMemory(content, type, importance, c, metadata, eventTime, expiresAt);
    }

    public NewMemory metadata(Map<String, String> m) {
        return new NewMemory(content, type, importance, categories, m, eventTime, expiresAt);
    }

    public NewMemory eventTime(Instant t) {
        return new NewMemory(content, type, importance, categories, metadata, t, expiresAt);
    }

    public NewMemory expiresAt(Instant t) {
        return new NewMemory(content, type, importance, categories, metadata, eventTime, t);
    }
}
