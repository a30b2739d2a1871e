package dev.engram.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.internal.catalog.CatalogEntry;
import dev.engram.internal.catalog.UserCatalog;
import dev.engram.internal.lexical.TextAnalyzer;
import dev.engram.memory.RandomMemories;
import dev.engram.memory.UserId;
import dev.engram.testkit.Seeded;
import dev.engram.testkit.TestRandom;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The user catalog kept current by a {@link MemoryStore} on disk: clean reopen, purge, crash → rebuild. */
@Seeded
class MemoryStoreCatalogTest {
    @TempDir
    Path dir;

    private MemoryStore open(TextAnalyzer analyzer) throws Exception {
        return MemoryStore.open(dir, analyzer, StoreWorkload.options(1 << 20), MemoryStore.EventSink.NONE);
    }

    @Test
    void theCatalogFollowsTheStoreAndIsRebuiltAfterACrash(TestRandom random) throws Exception {
        RandomMemories gen = new RandomMemories(random.fork());
        List<UserId> users = new ArrayList<>();
        Map<UserId, Integer> counts = new HashMap<>();
        try (TextAnalyzer analyzer = new TextAnalyzer()) {
            try (MemoryStore store = open(analyzer)) {
                for (int u = 0; u < 12; u++) {
                    UserId user = UserId.of("cat-" + u);
                    users.add(user);
                    int n = 1 + random.nextInt(5);
                    for (int i = 0; i < n; i++) {
                        store.write(user, List.of(new MemoryStore.Mutation.Put(gen.storable(user), StoreWorkload.unit(random))));
                    }
                    counts.put(user, n);
                }
                store.checkpoint();
                UserCatalog c = store.catalog(60_000).orElseThrow();
                for (UserId u : users) assertEquals((long) counts.get(u), c.get(u).orElseThrow().liveMemories(), u.value());
            }
            try (MemoryStore store = open(analyzer)) { // clean close: trusted, not rebuilt
                UserCatalog c = store.catalog(60_000).orElseThrow();
                assertTrue(c.rebuiltOnOpen().isEmpty(), "a cleanly closed catalog was rebuilt: " + c.rebuiltOnOpen());
                assertEquals(users.size(), c.size());
                store.purge(users.getFirst());
                assertTrue(c.get(users.getFirst()).isEmpty(), "a purged user is still in the catalog");
            }
            Map<UserId, CatalogEntry> beforeCrash = new HashMap<>();
            MemoryStore crashed = open(analyzer); // then "crash": never closed, catalog never marked clean
            UserCatalog c1 = crashed.catalog(60_000).orElseThrow();
            UserId late = UserId.of("late-user");
            crashed.write(late, List.of(new MemoryStore.Mutation.Put(gen.storable(late), StoreWorkload.unit(random))));
            crashed.checkpoint();
            c1.forEach(beforeCrash::put);
            // (the crashed instance's files stay open; the next open must not trust its catalog)
            try (MemoryStore store = open(analyzer)) {
                UserCatalog c = store.catalog(60_000).orElseThrow();
                assertFalse(c.rebuiltOnOpen().isEmpty(), "an uncleanly closed catalog was trusted");
                assertEquals(users.size(), c.size()); // 12 − 1 purged + 1 late
                assertTrue(c.get(late).isPresent());
                assertFalse(c.get(users.getFirst()).isPresent());
                for (UserId u : users.subList(1, users.size())) {
                    CatalogEntry rebuilt = c.get(u).orElseThrow();
                    CatalogEntry live = beforeCrash.get(u);
                    // A rebuilt entry's LSN is 0: manifests do not record one (docs/storage.md, "User catalog").
                    assertEquals(live.directory(), rebuilt.directory(), u.value());
                    // Counts come from the persisted bitmaps, which may lag the segments: exact or unknown (−1).
                    assertTrue(rebuilt.liveMemories() == live.liveMemories() || rebuilt.liveMemories() == UserSummary.UNKNOWN, u.value());
                    assertTrue(rebuilt.versions() == live.versions() || rebuilt.versions() == UserSummary.UNKNOWN, u.value());
                    assertEquals(live.bytesOnDisk(), rebuilt.bytesOnDisk(), u.value());
                    store.read(u, UserStore::liveIds); // opening the user brings its entry up to date
                    assertEquals(live.liveMemories(), c.get(u).orElseThrow().liveMemories(), u.value());
                }
            }
        }
    }
}
