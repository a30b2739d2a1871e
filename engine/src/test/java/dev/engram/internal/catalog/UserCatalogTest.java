package dev.engram.internal.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.internal.lexical.TextAnalyzer;
import dev.engram.internal.store.UserDirectoryLayout;
import dev.engram.internal.store.UserStore;
import dev.engram.internal.store.UserSummary;
import dev.engram.io.FileStorage;
import dev.engram.memory.InvalidUserIdException;
import dev.engram.memory.Memory;
import dev.engram.memory.RandomMemories;
import dev.engram.memory.UserId;
import dev.engram.testkit.Seeded;
import dev.engram.testkit.TestRandom;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Seeded
class UserCatalogTest {
    private static final TextAnalyzer A = new TextAnalyzer();
    private static final Instant T = Instant.parse("2026-11-24T12:00:00.123456789Z");

    @TempDir
    Path tmp;

    @AfterAll
    static void closeAnalyzer() {
        A.close();
    }

    private Path catalogDir() {
        return tmp.resolve("data").resolve("catalog");
    }

    private Path data() {
        return tmp.resolve("data");
    }

    private static CatalogEntry entry(UserId u, long n) {
        return new CatalogEntry(CatalogEntry.directoryOf(u), n, 2 * n, 1000 + n, T, T.plusSeconds(n), 4096 + n);
    }

    /** Creates users with real stores; returns the live entries an owner would have put. */
    private Map<UserId, CatalogEntry> createUsers(TestRandom random, int users, boolean checkpoint) throws IOException {
        RandomMemories gen = new RandomMemories(random);
        Map<UserId, CatalogEntry> live = new HashMap<>();
        try (FileStorage root = FileStorage.open(data())) {
            for (int i = 0; i < users; i++) {
                UserId u = UserId.of("u" + i + "-" + gen.user().value());
                try (UserStore s = UserStore.open(root, u, A, UserStore.Options.DEFAULT)) {
                    int n = random.between(1, 5);
                    for (int j = 0; j < n; j++) s.put(gen.storable(u));
                    if (random.nextInt(4) == 0) {
                        Memory m = gen.storable(u);
                        s.put(m);
                        s.delete(m.id(), m.updatedAt());
                    }
                    if (checkpoint) s.checkpointIndexes();
                    else s.flush();
                    live.put(u, CatalogEntry.of(s.summary(), 0, T, T));
                }
            }
        }
        return live;
    }

    private static Map<UserId, CatalogEntry> contents(UserCatalog c) {
        Map<UserId, CatalogEntry> m = new HashMap<>();
        c.forEach(m::put);
        assertEquals(m.size(), c.size());
        return m;
    }

    private static void assertSameState(Map<UserId, CatalogEntry> expected, Map<UserId, CatalogEntry> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        for (var e : expected.entrySet()) {
            assertTrue(e.getValue().sameState(actual.get(e.getKey())), e.getKey() + ": " + e.getValue() + " vs " + actual.get(e.getKey()));
        }
    }

    @Test
    void roundTripAcrossACleanCloseWithoutRebuild() throws IOException {
        Map<UserId, CatalogEntry> put = new HashMap<>();
        try (UserCatalog c = UserCatalog.open(catalogDir(), data(), 100)) {
            assertEquals("no valid marker", c.rebuiltOnOpen().orElseThrow().reason());
            assertEquals(0, c.size());
            for (int i = 0; i < 50; i++) {
                UserId u = UserId.of("user-" + i + "@example.com");
                c.put(u, entry(u, i));
                put.put(u, entry(u, i));
            }
            UserId gone = UserId.of("user-7@example.com");
            c.remove(gone);
            put.remove(gone);
            assertTrue(c.get(gone).isEmpty());
            assertEquals(entry(UserId.of("user-3@example.com"), 3), c.get(UserId.of("user-3@example.com")).orElseThrow());
            assertEquals(put, contents(c));
        }
        for (int round = 0; round < 2; round++) {
            UserCatalog c = UserCatalog.open(catalogDir(), data(), 100);
            assertTrue(c.rebuiltOnOpen().isEmpty(), "a cleanly closed catalog is trusted");
            assertEquals(put, contents(c)); // timestamps included: exact round trip
            c.close();
            c.close(); // idempotent
            assertThrows(IllegalStateException.class, () -> c.get(UserId.of("a")));
        }
    }

    @Test
    void crashWithoutMarkerRebuildsFromTheDirectories(TestRandom random) throws IOException {
        Map<UserId, CatalogEntry> live = createUsers(random, 30, true);
        UserCatalog c = UserCatalog.open(catalogDir(), data(), 100);
        assertEquals(30, c.rebuiltOnOpen().orElseThrow().users());
        // The owner's puts: some stale values that only a rebuild can correct.
        for (UserId u : live.keySet()) c.put(u, entry(u, 99));
        c.put(UserId.of("never-flushed"), entry(UserId.of("never-flushed"), 1));
        c.closeWithoutMarker(); // the process dies: no CLEAN marker
        try (UserCatalog r = UserCatalog.open(catalogDir(), data(), 100)) {
            RebuildReport report = r.rebuiltOnOpen().orElseThrow();
            assertEquals("not closed cleanly", report.reason());
            assertEquals(0, report.countsUnknown());
            assertSameState(live, contents(r));
        }
    }

    @Test
    void markCleanThenAMutationReopensTheGeneration(TestRandom random) throws IOException {
        UserId u = UserId.of("alice");
        UserCatalog c = UserCatalog.open(catalogDir(), data(), 10);
        c.put(u, entry(u, 1));
        c.markClean();
        assertTrue(CatalogMarker.read(FileStorage.open(catalogDir())).orElseThrow().clean());
        c.put(u, entry(u, 2)); // must first write an OPEN marker
        assertFalse(CatalogMarker.read(FileStorage.open(catalogDir())).orElseThrow().clean());
        c.closeWithoutMarker();
        try (UserCatalog r = UserCatalog.open(catalogDir(), data(), 10)) {
            assertEquals("not closed cleanly", r.rebuiltOnOpen().orElseThrow().reason());
            assertEquals(0, r.size()); // alice has no directory: the catalog follows the directories
        }
    }

    @Test
    void aMarkerOfAnotherGenerationForcesARebuild(TestRandom random) throws IOException {
        createUsers(random, 3, true);
        UserCatalog.open(catalogDir(), data(), 10).close();
        FileStorage dir = FileStorage.open(catalogDir());
        CatalogMarker m = CatalogMarker.read(dir).orElseThrow();
        new CatalogMarker(m.generation() + 5, true, m.mapLength(), m.mapCrc32c(), m.users()).write(dir);
        try (UserCatalog r = UserCatalog.open(catalogDir(), data(), 10)) {
            assertEquals("generation mismatch", r.rebuiltOnOpen().orElseThrow().reason());
            assertEquals(3, r.size());
        }
    }

    @RepeatedTest(8)
    void aDamagedMapOrMarkerIsRebuiltNeverACrash(TestRandom random) throws IOException {
        Map<UserId, CatalogEntry> live = createUsers(random, 5, true);
        UserCatalog.open(catalogDir(), data(), 10).close();
        Path map = catalogDir().resolve(UserCatalog.MAP_FILE);
        Path marker = catalogDir().resolve(CatalogMarker.FILE_NAME);
        long size = Files.size(map);
        switch (random.nextInt(4)) {
            case 0 -> { // truncate the map anywhere
                try (FileChannel ch = FileChannel.open(map, StandardOpenOption.WRITE)) {
                    ch.truncate(random.nextLong(0, size));
                }
            }
            case 1 -> flipBytes(map, random, 1 + random.nextInt(64));
            case 2 -> flipBytes(marker, random, 1 + random.nextInt(4));
            default -> Files.write(map, random.bytes((int) size)); // garbage of the same length
        }
        try (UserCatalog r = UserCatalog.open(catalogDir(), data(), 10)) {
            assertTrue(r.rebuiltOnOpen().isPresent());
            assertSameState(live, contents(r));
        }
        try (UserCatalog r = UserCatalog.open(catalogDir(), data(), 10)) {
            assertTrue(r.rebuiltOnOpen().isEmpty(), "the rebuilt catalog is trusted after a clean close");
        }
    }

    @Test
    void everySingleBitFlipInTheEntryRegionIsCaught(TestRandom random) throws IOException {
        // Beyond the whole-file CRC: values carry their own CRC bound to the key (defence while open).
        UserId u = UserId.of("bob");
        byte[] v = entry(u, 5).encode(u.value());
        for (int bit = 0; bit < v.length * 8; bit++) {
            byte[] w = v.clone();
            w[bit / 8] ^= (byte) (1 << (bit % 8));
            assertThrows(IllegalStateException.class, () -> CatalogEntry.decode(u.value(), w));
        }
        assertThrows(IllegalStateException.class, () -> CatalogEntry.decode("bob2", v));
        assertEquals(entry(u, 5), CatalogEntry.decode(u.value(), v));
    }

    @Test
    void aValueDamagedWhileOpenIsAMissAndForcesARebuild(TestRandom random) throws IOException {
        Map<UserId, CatalogEntry> live = createUsers(random, 3, true);
        UserId u = live.keySet().iterator().next();
        UserCatalog c = UserCatalog.open(catalogDir(), data(), 10);
        assertTrue(c.get(u).isPresent());
        // The map file is mapped shared: damage the value's bytes in the file under the open map.
        byte[] value = c.get(u).orElseThrow().encode(u.value());
        Path map = catalogDir().resolve(UserCatalog.MAP_FILE);
        byte[] file = Files.readAllBytes(map);
        int at = indexOf(file, value);
        assertTrue(at >= 0, "value not found in the map file");
        try (FileChannel ch = FileChannel.open(map, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {(byte) (file[at + 70] ^ 0x10)}), at + 70); // inside liveMemories
        }
        assertTrue(c.get(u).isEmpty(), "a damaged value is a miss, never a wrong entry");
        Map<UserId, CatalogEntry> listed = new HashMap<>();
        c.forEach(listed::put);
        assertFalse(listed.containsKey(u));
        c.close(); // must not write a CLEAN marker now
        try (UserCatalog r = UserCatalog.open(catalogDir(), data(), 10)) {
            assertEquals("not closed cleanly", r.rebuiltOnOpen().orElseThrow().reason());
            assertSameState(live, contents(r));
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }

    private static void flipBytes(Path file, TestRandom random, int n) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            for (int i = 0; i < n; i++) {
                long pos = random.nextLong(0, size);
                ByteBuffer b = ByteBuffer.allocate(1);
                ch.read(b, pos);
                b.put(0, (byte) (b.get(0) ^ (1 << random.nextInt(8))));
                b.flip();
                ch.write(b, pos);
            }
        }
    }

    @Test
    void aThousandRandomUsersRebuildEqualsLive(TestRandom random) throws IOException {
        Map<UserId, CatalogEntry> live = createUsers(random, 1000, true);
        try (UserCatalog c = UserCatalog.open(catalogDir(), data(), 2000)) {
            for (var e : live.entrySet()) c.put(e.getKey(), e.getValue());
            assertEquals(live, contents(c));
        }
        RebuildReport report = UserCatalog.rebuild(catalogDir(), data(), 2000);
        assertEquals(1000, report.users());
        assertEquals(List.of(), report.skipped());
        try (UserCatalog c = UserCatalog.open(catalogDir(), data(), 2000)) {
            assertTrue(c.rebuiltOnOpen().isEmpty());
            assertSameState(live, contents(c));
        }
    }

    @Test
    void usersWhoseBitmapsLagTheSegmentsHaveUnknownCounts(TestRandom random) throws IOException {
        Map<UserId, CatalogEntry> live = createUsers(random, 4, false);
        try (UserCatalog c = UserCatalog.open(catalogDir(), data(), 10)) {
            assertEquals(4, c.rebuiltOnOpen().orElseThrow().countsUnknown());
            c.forEach((u, e) -> {
                assertEquals(UserSummary.UNKNOWN, e.liveMemories());
                assertEquals(live.get(u).bytesOnDisk(), e.bytesOnDisk());
                assertEquals(live.get(u).directory(), e.directory());
            });
        }
    }

    @Test
    void hostileIdsAndDirectoriesNeverBecomePathsOrEntries(TestRandom random) throws IOException {
        for (String bad : new String[] {"../etc", "..", "a/b", "a\\b", "", "x\u0000y", "\u0430lice", "\uFF0Fx", "#meta"}) {
            assertThrows(InvalidUserIdException.class, () -> UserId.of(bad));
        }
        Map<UserId, CatalogEntry> live = createUsers(random, 2, true);
        UserId first = live.keySet().iterator().next();
        try (UserCatalog c = UserCatalog.open(catalogDir(), data(), 10)) {
            UserId other = UserId.of("mallory");
            assertThrows(IllegalArgumentException.class, () -> c.put(other, live.get(first))); // someone else's directory
        }
        // Planted directories: wrong names, a symlink, a manifest copied into another user's hash directory.
        Path users = data().resolve(UserDirectoryLayout.USERS);
        Files.createDirectories(users.resolve("..x"));
        Files.createDirectories(users.resolve("zz").resolve("00"));
        Files.createDirectories(users.resolve("ab").resolve("cd").resolve("not-hex"));
        Files.createSymbolicLink(users.resolve("ee"), tmp);
        Path src = UserDirectoryLayout.resolve(data(), first);
        String fakeHash = "abcd" + "0".repeat(28);
        Path copy = users.resolve("ab").resolve("cd").resolve(fakeHash);
        Files.createDirectories(copy);
        Files.copy(src.resolve("MANIFEST"), copy.resolve("MANIFEST"));
        RebuildReport report = UserCatalog.rebuild(catalogDir(), data(), 10);
        assertEquals(2, report.users());
        assertEquals(5, report.skipped().size(), report.skipped().toString());
        try (UserCatalog c = UserCatalog.open(catalogDir(), data(), 10)) {
            assertSameState(live, contents(c));
        }
    }

    @Test
    void manyUsersBeyondExpectedStillFit(TestRandom random) throws IOException {
        Set<UserId> users = new HashSet<>();
        try (UserCatalog c = UserCatalog.open(catalogDir(), data(), 100)) {
            for (int i = 0; i < 300; i++) {
                UserId u = UserId.of("tenant-" + random.nextInt(1_000_000) + "-" + i);
                users.add(u);
                c.put(u, entry(u, i));
            }
            assertEquals(users, contents(c).keySet());
        }
    }
}
