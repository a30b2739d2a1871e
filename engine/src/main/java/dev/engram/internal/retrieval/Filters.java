package dev.engram.internal.retrieval;

import dev.engram.memory.MemoryType;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Which memories a query may return. Empty sets and maps mean "no restriction".
 *
 * @param types              accept these types only (any of them)
 * @param categories         accept memories with at least one of these categories
 * @param metadata           every entry must be present in the memory's metadata with an equal value
 * @param includeSuperseded  also return memories that are no longer true: status SUPERSEDED, or a
 *                           validity interval that ended at or before the query's time ({@code validTo <= t})
 * @param includeArchived    also return memories with status ARCHIVED
 * @param includeExpired     also return memories whose {@code expiresAt} is at or before {@code now}
 */
public record Filters(Set<MemoryType> types, Set<String> categories, Map<String, String> metadata,
        boolean includeSuperseded, boolean includeArchived, boolean includeExpired) {
    private static final Filters NONE = new Filters(Set.of(), Set.of(), Map.of(), false, false, false);

    public Filters {
        types = Set.copyOf(Objects.requireNonNullElse(types, Set.of()));
        categories = Set.copyOf(Objects.requireNonNullElse(categories, Set.of()));
        metadata = Map.copyOf(Objects.requireNonNullElse(metadata, Map.of()));
    }

    /** No restriction beyond the defaults: active, current, valid, unexpired memories of any kind. */
    public static Filters none() {
        return NONE;
    }

    public Filters withTypes(Set<MemoryType> v) {
        return new Filters(v, categories, metadata, includeSuperseded, includeArchived, includeExpired);
    }

    public Filters withCategories(Set<String> v) {
        return new Filters(types, v, metadata, includeSuperseded, includeArchived, includeExpired);
    }

    public Filters withMetadata(Map<String, String> v) {
        return new Filters(types, categories, v, includeSuperseded, includeArchived, includeExpired);
    }

    public Filters withIncludeSuperseded(boolean v) {
        return new Filters(types, categories, metadata, v, includeArchived, includeExpired);
    }

    public Filters withIncludeArchived(boolean v) {
        return new Filters(types, categories, metadata, includeSuperseded, v, includeExpired);
    }

    public Filters withIncludeExpired(boolean v) {
        return new Filters(types, categories, metadata, includeSuperseded, includeArchived, v);
    }
}
