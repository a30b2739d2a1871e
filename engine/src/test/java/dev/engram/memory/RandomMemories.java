package dev.engram.memory;

import dev.engram.testkit.TestRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Seeded generators of valid domain objects, covering every optional field and odd text. */
public final class RandomMemories {
    private static final String[] WORDS = {"coffee", "Lisbon", "running", "prefers", "metric", "units", "deploy", "make",
        "release", "moved", "house", "daughter", "birthday", "allergic", "peanuts", "vegetarian", "Python", "Rust",
        "meeting", "Tuesday", "café", "naïve", "東京", "😀", "the", "and", "of", "is", "was"};

    private final TestRandom random;
    private final MemoryId.Generator ids;

    public RandomMemories(TestRandom random) {
        this.random = random;
        this.ids = new MemoryId.Generator(random.fork());
    }

    public UserId user() {
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._@-";
        StringBuilder sb = new StringBuilder();
        int n = random.between(1, 40);
        for (int i = 0; i < n; i++) sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        String s = sb.toString();
        return s.equals(".") || s.equals("..") ? UserId.of("u" + s) : UserId.of(s);
    }

    public MemoryId id() {
        return ids.next(1_700_000_000_000L + random.nextInt(1_000_000_000));
    }

    public String text(int maxWords) {
        StringBuilder sb = new StringBuilder();
        int n = random.between(1, maxWords);
        for (int i = 0; i < n; i++) {
            if (i > 0) sb.append(random.nextInt(10) == 0 ? ", " : " ");
            sb.append(WORDS[random.nextInt(WORDS.length)]);
        }
        return sb.toString();
    }

    public Instant instant() {
        // Wide range, with nanoseconds, including before the epoch.
        return Instant.ofEpochSecond(random.nextLong(-2_000_000_000L, 5_000_000_000L), random.nextInt(1_000_000_000));
    }

    private String maybe(String s) {
        return random.nextBoolean() ? s : null;
    }

    public Memory memory(UserId user) {
        return memory(user, id(), 1);
    }

    /** A memory a store accepts: any status but DELETED (deletion goes through a tombstone). */
    public Memory storable(UserId user) {
        Memory m = memory(user);
        return m.status() == MemoryStatus.DELETED ? m.toBuilder().status(MemoryStatus.ARCHIVED).build() : m;
    }

    public Memory memory(UserId user, MemoryId id, long version) {
        Instant created = instant();
        Instant updated = created.plusNanos(random.nextLong(0, 1_000_000_000_000L));
        Instant validFrom = random.nextBoolean() ? created : instant();
        Set<String> categories = new HashSet<>();
        for (int i = random.nextInt(5); i > 0; i--) categories.add(WORDS[random.nextInt(WORDS.length)]);
        Map<String, String> metadata = new HashMap<>();
        for (int i = random.nextInt(5); i > 0; i--) metadata.put("k" + random.nextInt(100), text(4));
        List<String> turns = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) turns.add("t" + random.nextInt(1000));
        MemoryType[] types = MemoryType.values();
        MemoryStatus[] statuses = MemoryStatus.values();
        return Memory.builder()
                .id(id).user(user).version(version)
                .content(text(30))
                .type(types[random.nextInt(types.length)])
                .status(statuses[random.nextInt(statuses.length)])
                .categories(categories)
                .importance(random.nextInt(10) == 0 ? 1.0 : random.nextDouble())
                .metadata(metadata)
                .source(new Source(maybe("s-" + random.nextInt(99)), turns, maybe("rules-1"), maybe("model/x")))
                .createdAt(created).updatedAt(updated)
                .eventTime(random.nextBoolean() ? instant() : null)
                .validFrom(validFrom)
                .validTo(random.nextBoolean() ? validFrom.plusSeconds(random.nextInt(1_000_000)) : null)
                .supersededBy(random.nextBoolean() ? id() : null)
                .accessCount(random.nextBoolean() ? 0 : random.nextLong(0, Long.MAX_VALUE))
                .lastAccess(random.nextBoolean() ? instant() : null)
                .expiresAt(random.nextBoolean() ? instant() : null)
                .embeddingModelId(maybe("bge-small-en-v1.5"))
                .build();
    }
}
