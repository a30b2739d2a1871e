package dev.engram.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.testkit.Seeded;
import dev.engram.testkit.TestRandom;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

@Seeded
class MemoryTest {
    private static final Instant T0 = Instant.parse("2026-01-02T03:04:05.123456789Z");

    private static Memory.Builder valid() {
        return Memory.builder()
                .id(new MemoryId.Generator(new java.util.Random(7)).next(T0.toEpochMilli()))
                .user(UserId.of("alice"))
                .content("Alice lives in Lisbon")
                .type(MemoryType.FACT)
                .createdAt(T0);
    }

    private static void rejects(String field, UnaryOperator<Memory.Builder> change) {
        ValidationException e = assertThrows(ValidationException.class, () -> change.apply(valid()).build());
        assertEquals(field, e.field(), e.getMessage());
    }

    @Test
    void defaultsAreFilledIn() {
        Memory m = valid().build();
        assertEquals(1, m.version());
        assertEquals(MemoryStatus.ACTIVE, m.status());
        assertEquals(T0, m.updatedAt());
        assertEquals(T0, m.validFrom());
        assertEquals(Source.NONE, m.source());
        assertTrue(m.validAt(T0));
        assertFalse(m.validAt(T0.minusNanos(1)));
        assertFalse(m.toString().contains("Lisbon"), "toString must not leak content");
    }

    @Test
    void everyBoundIsChecked() {
        rejects("id", b -> b.id(null));
        rejects("user", b -> b.user(null));
        rejects("version", b -> b.version(0));
        rejects("content", b -> b.content(null));
        rejects("content", b -> b.content("  \n"));
        rejects("content", b -> b.content("x".repeat(Memory.MAX_CONTENT_BYTES + 1)));
        rejects("content", b -> b.content("é".repeat(Memory.MAX_CONTENT_BYTES / 2 + 1))); // bytes, not chars
        rejects("content", b -> b.content("a\u0000b"));
        rejects("content", b -> b.content("broken \uD83D surrogate"));
        rejects("content", b -> b.content("reversed \uDE00\uD83D"));
        rejects("type", b -> b.type(null));
        rejects("status", b -> b.status(null));
        rejects("importance", b -> b.importance(Double.NaN));
        rejects("importance", b -> b.importance(-0.01));
        rejects("importance", b -> b.importance(1.01));
        Set<String> many = new HashSet<>();
        for (int i = 0; i <= Memory.MAX_CATEGORIES; i++) many.add("c" + i);
        rejects("categories", b -> b.categories(many));
        rejects("categories", b -> b.categories(Set.of("x".repeat(Memory.MAX_CATEGORY_LENGTH + 1))));
        rejects("categories", b -> b.categories(Set.of(" ")));
        Map<String, String> entries = new HashMap<>();
        for (int i = 0; i <= Memory.MAX_METADATA_ENTRIES; i++) entries.put("k" + i, "v");
        rejects("metadata", b -> b.metadata(entries));
        rejects("metadata", b -> b.metadata(Map.of("a", "v".repeat(Memory.MAX_METADATA_BYTES))));
        Map<String, String> nullValue = new HashMap<>();
        nullValue.put("k", null);
        rejects("metadata.k", b -> b.metadata(nullValue));
        rejects("metadata.key", b -> b.metadata(Map.of("", "v")));
        rejects("createdAt", b -> b.createdAt(null));
        rejects("updatedAt", b -> b.updatedAt(T0.minusNanos(1)));
        rejects("validTo", b -> b.validTo(T0.minusSeconds(1)));
        rejects("accessCount", b -> b.accessCount(-1));
        rejects("embeddingModelId", b -> b.embeddingModelId(""));
        rejects("source.turnIds", b -> b.source(new Source(null, List.of(""), null, null)));
        MemoryId self = valid().build().id();
        rejects("supersededBy", b -> b.supersededBy(self));
    }

    @Test
    void boundsAreInclusive() {
        valid().content("x".repeat(Memory.MAX_CONTENT_BYTES)).importance(0).build();
        valid().importance(1).validTo(T0).build();
        Map<String, String> entries = new HashMap<>();
        for (int i = 0; i < Memory.MAX_METADATA_ENTRIES; i++) entries.put("k" + i, "v");
        valid().metadata(entries).build();
    }

    @Test
    void collectionsAreCopiedSortedAndUnmodifiable() {
        Set<String> cats = new HashSet<>(Set.of("b", "a"));
        Memory m = valid().categories(cats).metadata(Map.of("z", "1", "y", "2")).build();
        cats.add("c");
        assertEquals(List.of("a", "b"), List.copyOf(m.categories()));
        assertEquals(List.of("y", "z"), List.copyOf(m.metadata().keySet()));
        assertThrows(UnsupportedOperationException.class, () -> m.categories().add("x"));
    }

    @RepeatedTest(5)
    void toBuilderRebuildsAnEqualMemory(TestRandom random) {
        RandomMemories gen = new RandomMemories(random);
        for (int i = 0; i < 200; i++) {
            Memory m = gen.memory(gen.user());
            assertEquals(m, m.toBuilder().build());
            assertEquals(m.hashCode(), m.toBuilder().build().hashCode());
        }
    }
}
