package dev.engram.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.internal.lexical.TextAnalyzer;
import dev.engram.io.Storage;
import dev.engram.memory.Memory;
import dev.engram.memory.MemoryId;
import dev.engram.memory.MemoryType;
import dev.engram.memory.RandomMemories;
import dev.engram.memory.UserId;
import dev.engram.testkit.InMemoryStorage;
import dev.engram.testkit.Seeded;
import dev.engram.testkit.TestRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.RepeatedTest;
import org.roaringbitmap.RoaringBitmap;

/**
 * Many users in one data directory, sharing vocabulary: no read of one user's store ever returns
 * another user's memory, before or after the stores are reopened from disk.
 */
@Seeded
class UserIsolationTest {
    private static final TextAnalyzer A = new TextAnalyzer();

    @AfterAll
    static void close() {
        A.close();
    }

    @RepeatedTest(2)
    void noQueryReturnsAnotherUsersMemory(TestRandom random) throws Exception {
        RandomMemories gen = new RandomMemories(random);
        Storage root = new InMemoryStorage();
        List<UserId> users = new ArrayList<>();
        while (users.size() < 60) {
            UserId u = gen.user();
            if (!users.contains(u)) users.add(u);
        }
        Map<UserId, UserStore> stores = new HashMap<>();
        Map<MemoryId, UserId> owner = new HashMap<>();
        for (UserId u : users) stores.put(u, UserStore.open(root, u, A, UserStore.Options.DEFAULT));
        for (int i = 0; i < 3000; i++) {
            UserId u = users.get(random.nextInt(users.size()));
            Memory m = gen.storable(u);
            stores.get(u).put(m);
            owner.put(m.id(), u);
        }
        for (UserStore s : stores.values()) s.flush();
        long checked = check(random, gen, users, stores, owner);
        for (UserStore s : stores.values()) s.close();
        for (UserId u : users) stores.put(u, UserStore.open(root, u, A, UserStore.Options.DEFAULT));
        checked += check(random, gen, users, stores, owner);
        for (UserStore s : stores.values()) s.close();
        assertTrue(checked > 10_000, "too few results checked: " + checked);
    }

    private static long check(TestRandom random, RandomMemories gen, List<UserId> users, Map<UserId, UserStore> stores,
            Map<MemoryId, UserId> owner) {
        long checked = 0;
        List<MemoryId> allIds = List.copyOf(owner.keySet());
        for (int q = 0; q < 5000; q++) {
            UserId u = users.get(random.nextInt(users.size()));
            UserStore s = stores.get(u);
            switch (random.nextInt(4)) {
                case 0 -> {
                    RoaringBitmap accept = random.nextBoolean() ? null
                            : s.withBitmaps(b -> b.ofType(MemoryType.values()[random.nextInt(4)]));
                    for (UserStore.Hit h : s.searchLexical(gen.text(3), 20, accept)) {
                        assertEquals(u, h.memory().user());
                        assertEquals(u, owner.get(h.memory().id()));
                        checked++;
                    }
                }
                case 1 -> {
                    MemoryId id = allIds.get(random.nextInt(allIds.size()));
                    boolean mine = owner.get(id).equals(u);
                    assertEquals(mine, s.current(id).isPresent(), "current of another user's id");
                    assertEquals(mine, !s.history(id).isEmpty());
                    checked++;
                }
                case 2 -> {
                    for (MemoryId id : s.liveIds()) {
                        assertEquals(u, owner.get(id));
                        checked++;
                    }
                }
                default -> {
                    // An accept set naming every ordinal of the whole data set still only reaches this user's documents.
                    RoaringBitmap everything = new RoaringBitmap();
                    everything.add(0L, 1_000_000L);
                    for (UserStore.Hit h : s.searchLexical(gen.text(2), 50, everything)) {
                        assertEquals(u, h.memory().user());
                        checked++;
                    }
                }
            }
        }
        return checked;
    }
}
