package dev.engram.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.internal.lexical.TextAnalyzer;
import dev.engram.memory.Memory;
import dev.engram.memory.MemoryId;
import dev.engram.memory.RandomMemories;
import dev.engram.memory.UserId;
import dev.engram.testkit.InMemoryStorage;
import dev.engram.testkit.Seeded;
import dev.engram.testkit.TestRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.RepeatedTest;

/**
 * The LRU of open users: a workload over 200 users with a bound of a few users' bytes keeps the
 * resident bytes within the bound (plus the users pinned at the time: one per thread), evicts
 * (flushing) and reopens users cold, and every read stays correct after eviction.
 */
@Seeded
class MemoryStoreLruTest {
    private static final TextAnalyzer A = new TextAnalyzer();

    @AfterAll
    static void close() {
        A.close();
    }

    @RepeatedTest(2)
    void residentBytesStayWithinTheBoundAndReadsStayCorrect(TestRandom random) throws Exception {
        RandomMemories gen = new RandomMemories(random.fork());
        List<UserId> users = new ArrayList<>();
        for (int i = 0; i < 200; i++) users.add(UserId.of("user-" + i));
        long bound = 60_000; // a handful of users
        Map<UserId, Map<MemoryId, Memory>> model = new HashMap<>();
        Instant t = Instant.parse("2026-06-01T00:00:00Z");
        long maxUser = 0;
        try (MemoryStore s = StoreWorkload.open(new InMemoryStorage(), A, StoreWorkload.options(bound), MemoryStore.EventSink.NONE)) {
            for (int i = 0; i < 1200; i++) {
                UserId u = users.get(random.nextInt(users.size()));
                t = t.plusSeconds(1);
                Memory m = gen.storable(u).toBuilder().createdAt(t).updatedAt(t).validFrom(t).validTo(null).build();
                s.write(u, List.of(new MemoryStore.Mutation.Put(m, StoreWorkload.unit(random))));
                model.computeIfAbsent(u, k -> new LinkedHashMap<>()).put(m.id(), m);
                long resident = s.stats().residentBytes();
                long last = s.read(u, UserStore::residentBytes); // the user just used is kept open even over the bound
                if (i % 50 == 0) maxUser = Math.max(maxUser, last);
                assertTrue(resident <= bound + last, "resident " + resident + " > bound " + bound + " + " + last + " after write " + i);
            }
            MemoryStore.Stats st = s.stats();
            assertTrue(st.evictions() > 500, "evictions: " + st);
            assertTrue(st.openUsers() < 200 / 4, "open users: " + st);
            System.out.println("MemoryStoreLruTest: " + st + ", largest user ~" + maxUser + " bytes");
            // Reads after eviction: every user's memories come back exactly.
            for (UserId u : users) {
                Map<MemoryId, Memory> want = model.getOrDefault(u, Map.of());
                for (Memory m : want.values()) assertEquals(List.of(m), s.read(u, us -> us.history(m.id())));
                assertEquals(want.keySet().stream().sorted().toList(), s.read(u, UserStore::liveIds));
                assertTrue(s.stats().residentBytes() <= bound + s.read(u, UserStore::residentBytes));
            }

            // Four threads at once: within the bound plus one pinned user per thread.
            ExecutorService pool = Executors.newFixedThreadPool(4);
            AtomicLong worst = new AtomicLong();
            List<Future<?>> fs = new ArrayList<>();
            for (int th = 0; th < 4; th++) {
                TestRandom r = random.fork();
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < 200; i++) {
                        UserId u = users.get(r.nextInt(users.size()));
                        s.write(u, List.of(new MemoryStore.Mutation.Journal(new byte[64])));
                        worst.accumulateAndGet(s.stats().residentBytes(), Math::max);
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) f.get();
            pool.shutdown();
            long slack = 5 * Math.max(maxUser, 20_000); // one pinned user per thread, and the last one released
            assertTrue(worst.get() <= bound + slack, "worst resident " + worst.get() + " > " + bound + " + " + slack);
        }
    }

    @org.junit.jupiter.api.Test
    void aUserLargerThanTheWholeBoundStaysOpenWhileItIsTheOneInUse() throws Exception {
        TestRandom random = new TestRandom(5);
        RandomMemories gen = new RandomMemories(random);
        UserId big = UserId.of("big");
        UserId other = UserId.of("other");
        Instant t = Instant.parse("2026-06-01T00:00:00Z");
        try (MemoryStore s = StoreWorkload.open(new InMemoryStorage(), A, StoreWorkload.options(5_000), MemoryStore.EventSink.NONE)) {
            for (int i = 0; i < 100; i++) {
                t = t.plusSeconds(1);
                Memory m = gen.storable(big).toBuilder().createdAt(t).updatedAt(t).validFrom(t).validTo(null).build();
                s.write(big, List.of(new MemoryStore.Mutation.Put(m, StoreWorkload.unit(random))));
                s.read(big, UserStore::liveIds);
            }
            assertTrue(s.read(big, UserStore::residentBytes) > 5_000, "the user must outgrow the bound");
            assertEquals(0, s.stats().evictions(), "closed and reopened at every call: " + s.stats());
            s.write(other, List.of(new MemoryStore.Mutation.Journal(new byte[16])));
            assertEquals(1, s.stats().evictions(), "another user's call evicts it: " + s.stats());
            assertEquals(100, s.read(big, UserStore::liveIds).size());
        }
    }
}
