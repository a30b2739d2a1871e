package dev.engram.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import dev.engram.memory.MemoryStatus;
import dev.engram.memory.MemoryType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.roaringbitmap.RoaringBitmap;

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
        Set<String> contentFree = Set.of("checkpoint", "completePurges", "stats", "walStats", "close", "failure", "catalog", "users", "encrypted",
                "forEachMemoryCount");
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

    /**
     * The isolation proof: {@code engram.isolation.users} users (default 60) with shared
     * vocabulary and embeddings, puts, updates, deletes and journal entries through the WAL under
     * evictions, then {@code engram.isolation.queries} queries (default 3,000 here; the proof run is
     * {@code -Dengram.isolation.queries=100000}) of every kind, on the live store and again after a
     * reopen: lexical and vector search, each with no filter, with the user's own bitmaps (type,
     * category, status, servable) and with an accept set naming every ordinal of the data set;
     * current / history / asOf / isDeleted of ids of every user; liveIds; journal; embedding of any
     * ordinal. Nothing of another user may come back, and each user's own reads must see its data.
     */
    @Test
    void everyKindOfQueryStaysWithinItsUser(TestRandom random) throws Exception {
        int nUsers = Integer.getInteger("engram.isolation.users", 60);
        int queries = Integer.getInteger("engram.isolation.queries", 3_000);
        RandomMemories gen = new RandomMemories(random.fork());
        List<UserId> users = new ArrayList<>();
        while (users.size() < nUsers) {
            UserId u = gen.user();
            if (!users.contains(u)) users.add(u);
        }
        Map<MemoryId, UserId> owner = new HashMap<>();
        Map<MemoryId, Memory> latest = new HashMap<>();
        Set<MemoryId> deleted = new HashSet<>();
        Map<UserId, Set<Integer>> vectorsOf = new HashMap<>(); // Arrays.hashCode of every embedding a user stored
        InMemoryStorage root = new InMemoryStorage();
        MemoryStore.Options options = StoreWorkload.options(200_000); // a few users open at a time: evictions all along
        Instant t = Instant.parse("2026-06-01T00:00:00Z");
        try (MemoryStore s = StoreWorkload.open(root, A, options, MemoryStore.EventSink.NONE)) {
            for (int i = 0; i < nUsers * 15; i++) {
                UserId u = users.get(random.nextInt(users.size()));
                t = t.plusSeconds(1);
                List<MemoryId> mine = latest.keySet().stream().filter(id -> owner.get(id).equals(u)).sorted().toList();
                int k = random.nextInt(10);
                float[] v = StoreWorkload.unit(random);
                MemoryStore.Mutation m;
                if (k < 6 || mine.isEmpty()) {
                    Memory n = gen.storable(u).toBuilder().createdAt(t).updatedAt(t).validFrom(t).validTo(null).build();
                    owner.put(n.id(), u);
                    latest.put(n.id(), n);
                    m = new MemoryStore.Mutation.Put(n, v);
                } else if (k < 8) {
                    Memory prev = latest.get(mine.get(random.nextInt(mine.size())));
                    Memory n = prev.toBuilder().version(prev.version() + 1).content(gen.text(8)).updatedAt(t).build();
                    latest.put(n.id(), n);
                    m = new MemoryStore.Mutation.Put(n, v);
                } else {
                    MemoryId id = mine.get(random.nextInt(mine.size()));
                    latest.remove(id);
                    deleted.add(id);
                    m = new MemoryStore.Mutation.Delete(id, t);
                }
                if (m instanceof MemoryStore.Mutation.Put) vectorsOf.computeIfAbsent(u, x -> new HashSet<>()).add(Arrays.hashCode(v));
                s.write(u, List.of(m, new MemoryStore.Mutation.Journal(u.value().getBytes())));
            }
            assertTrue(s.stats().evictions() > 0, "the workload must run under evictions");
            long checked = queries(s, random, gen, users, owner, latest, deleted, vectorsOf, queries);
            assertTrue(checked >= queries, "checked only " + checked);
        }
        try (MemoryStore s = StoreWorkload.open(root, A, options, MemoryStore.EventSink.NONE)) {
            long checked = queries(s, random, gen, users, owner, latest, deleted, vectorsOf, queries);
            assertTrue(checked >= queries, "checked only " + checked);
        }
    }

    private static long queries(MemoryStore s, TestRandom random, RandomMemories gen, List<UserId> users, Map<MemoryId, UserId> owner,
            Map<MemoryId, Memory> latest, Set<MemoryId> deleted, Map<UserId, Set<Integer>> vectorsOf, int queries) throws Exception {
        List<MemoryId> allIds = owner.keySet().stream().sorted().toList();
        RoaringBitmap everything = new RoaringBitmap();
        everything.add(0L, 1_000_000L);
        long checked = 0;
        for (int q = 0; q < queries; q++) {
            UserId u = users.get(random.nextInt(users.size()));
            int kind = random.nextInt(8);
            switch (kind) {
                case 0, 1 -> { // lexical / vector search, filtered by nothing, by the user's own bitmaps, or by every ordinal
                    RoaringBitmap accept = switch (random.nextInt(6)) {
                        case 0 -> null;
                        case 1 -> everything;
                        case 2 -> s.read(u, us -> us.withBitmaps(b -> b.ofType(MemoryType.values()[random.nextInt(4)])));
                        case 3 -> s.read(u, us -> us.withBitmaps(b -> b.withStatus(MemoryStatus.ACTIVE)));
                        case 4 -> s.read(u, us -> us.withBitmaps(b -> b.servable()));
                        default -> s.read(u, us -> us.withBitmaps(b -> b.categoryCounts().isEmpty() ? b.current()
                                : b.inCategory(b.categoryCounts().firstKey())));
                    };
                    String text = gen.text(3);
                    float[] v = StoreWorkload.unit(random);
                    List<UserStore.Hit> hits = kind == 0 ? s.read(u, us -> us.searchLexical(text, 20, accept))
                            : s.read(u, us -> us.vectorSearch(v, 20, accept));
                    for (UserStore.Hit h : hits) {
                        assertEquals(u, h.memory().user(), "hit of another user");
                        assertEquals(u, owner.get(h.memory().id()), "hit of another user's memory");
                        assertFalse(deleted.contains(h.memory().id()), "hit of a deleted memory");
                        if (kind == 1) {
                            float[] e = s.read(u, us -> us.embedding(h.ordinal()));
                            assertTrue(vectorsOf.get(u).contains(Arrays.hashCode(e)), "embedding of a hit is not this user's");
                        }
                    }
                    checked++;
                }
                case 2, 3 -> { // point reads of an id of any user
                    MemoryId id = allIds.get(random.nextInt(allIds.size()));
                    boolean mine = owner.get(id).equals(u);
                    Memory want = mine ? latest.get(id) : null; // null: deleted, or another user's
                    assertEquals(java.util.Optional.ofNullable(want), s.read(u, us -> us.current(id)), "current");
                    assertEquals(want == null ? 0 : (int) want.version(), s.read(u, us -> us.history(id)).size(), "history");
                    assertEquals(java.util.Optional.ofNullable(want), s.read(u, us -> us.asOf(id, Instant.MAX)), "asOf");
                    assertEquals(mine && deleted.contains(id), s.read(u, us -> us.isDeleted(id)), "isDeleted");
                    checked++;
                }
                case 4 -> {
                    List<MemoryId> live = s.read(u, UserStore::liveIds);
                    for (MemoryId id : live) assertEquals(u, owner.get(id), "live id of another user");
                    assertEquals(latest.keySet().stream().filter(id -> owner.get(id).equals(u)).count(), live.size(), "live ids");
                    checked++;
                }
                case 5 -> {
                    for (SegmentRecord.Journal j : s.read(u, UserStore::journal)) {
                        assertEquals(u, j.user());
                        assertEquals(u.value(), new String(j.payload()));
                    }
                    checked++;
                }
                case 6 -> { // any ordinal, in range or not: null or one of this user's own vectors
                    int ordinal = random.nextInt(200);
                    float[] e = s.read(u, us -> us.embedding(ordinal));
                    if (e != null) assertTrue(vectorsOf.get(u).contains(Arrays.hashCode(e)), "embedding of another user");
                    checked++;
                }
                default -> { // the bitmaps only name this user's ordinals: each maps to this user's memory or nothing
                    RoaringBitmap all = s.read(u, us -> us.withBitmaps(b -> b.all().clone()));
                    for (int ordinal : all) {
                        for (UserStore.Hit h : s.read(u, us -> us.searchLexical(gen.text(1), 1, RoaringBitmap.bitmapOf(ordinal)))) {
                            assertEquals(u, h.memory().user());
                        }
                    }
                    checked++;
                }
            }
        }
        return checked;
    }
}
