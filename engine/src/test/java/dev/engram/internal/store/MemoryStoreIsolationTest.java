package dev.engram.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.internal.lexical.TextAnalyzer;
import dev.engram.internal.segment.SegmentRecord;
import dev.engram.memory.Memory;
import dev.engram.memory.MemoryId;
import dev.engram.memory.RandomMemories;
import dev.engram.memory.UserId;
import dev.engram.testkit.InMemoryStorage;
import dev.engram.testkit.Seeded;
import dev.engram.testkit.TestRandom;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * Isolation through the memory store: every read names a user, and a randomized multi-user
 * workload (shared vocabulary, embeddings, journal entries, evictions, a reopen) never returns
 * another user's record from any read path.
 */
@Seeded
class MemoryStoreIsolationTest {
    private static final TextAnalyzer A = new TextAnalyzer();

    @AfterAll
    static void close() {
        A.close();
    }

    @Test
    void noReadPathWithoutAUser() {
        // Public instance methods that hand out user content take the user; the others return none
        // (the catalog and users() hold user ids, counts and sizes: no memory content).
        Set<String> contentFree = Set.of("checkpoint", "completePurges", "stats", "close", "failure", "catalog", "users", "encrypted");
        for (Method m : MemoryStore.class.getDeclaredMethods()) {
            if (!Modifier.isPublic(m.getModifiers()) || Modifier.isStatic(m.getModifiers())) continue;
            if (contentFree.contains(m.getName())) continue;
            assertTrue(m.getParameterCount() > 0 && m.getParameterTypes()[0] == UserId.class,
                    m + " must take the UserId first");
        }
    }

    @RepeatedTest(2)
    void noReadReturnsAnotherUsersRecord(TestRandom random) throws Exception {
        RandomMemories gen = new RandomMemories(random.fork());
        List<UserId> users = new ArrayList<>();
        while (users.size() < 30) {
            UserId u = gen.user();
            if (!users.contains(u)) users.add(u);
        }
        Map<MemoryId, UserId> owner = new HashMap<>();
        InMemoryStorage root = new InMemoryStorage();
        MemoryStore.Options options = StoreWorkload.options(40_000); // evictions all along
        Instant t = Instant.parse("2026-06-01T00:00:00Z");
        try (MemoryStore s = StoreWorkload.open(root, A, options, MemoryStore.EventSink.NONE)) {
            for (int i = 0; i < 600; i++) {
                UserId u = users.get(random.nextInt(users.size()));
                t = t.plusSeconds(1);
                Memory m = gen.storable(u).toBuilder().createdAt(t).updatedAt(t).validFrom(t).validTo(null).build();
                s.write(u, List.of(new MemoryStore.Mutation.Put(m, StoreWorkload.unit(random)),
                        new MemoryStore.Mutation.Journal(u.value().getBytes())));
                owner.put(m.id(), u);
            }
            check(s, random, gen, users, owner);
        }
        try (MemoryStore s = StoreWorkload.open(root, A, options, MemoryStore.EventSink.NONE)) {
            check(s, random, gen, users, owner);
        }
    }

    private static void check(MemoryStore s, TestRandom random, RandomMemories gen, List<UserId> users, Map<MemoryId, UserId> owner)
            throws Exception {
        long checked = 0;
        for (UserId u : users) {
            for (int q = 0; q < 5; q++) {
                String query = gen.text(3);
                float[] v = StoreWorkload.unit(random);
                List<UserStore.Hit> hits = new ArrayList<>();
                hits.addAll(s.read(u, us -> us.searchLexical(query, 20, null)));
                hits.addAll(s.read(u, us -> us.vectorSearch(v, 20, null)));
                for (UserStore.Hit h : hits) {
                    assertEquals(u, h.memory().user(), "hit of another user");
                    assertEquals(u, owner.get(h.memory().id()));
                    checked++;
                }
            }
            for (MemoryId id : s.read(u, UserStore::liveIds)) {
                assertEquals(u, owner.get(id));
                checked++;
            }
            for (SegmentRecord.Journal j : s.read(u, UserStore::journal)) {
                assertEquals(u, j.user());
                assertEquals(u.value(), new String(j.payload()));
            }
            // Another user's memory id is unknown here.
            for (Map.Entry<MemoryId, UserId> e : owner.entrySet()) {
                if (!e.getValue().equals(u) && random.nextInt(20) == 0) {
                    assertTrue(s.read(u, us -> us.current(e.getKey())).isEmpty());
                }
            }
        }
        assertTrue(checked > 600, "checked only " + checked);
    }
}
