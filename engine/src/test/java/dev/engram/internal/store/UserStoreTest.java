package dev.engram.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.internal.format.BlockFileReader;
import dev.engram.io.CorruptFileException;
import dev.engram.internal.lexical.TextAnalyzer;
import dev.engram.internal.segment.SegmentReader;
import dev.engram.internal.segment.SegmentRecord;
import dev.engram.memory.Memory;
import dev.engram.memory.MemoryId;
import dev.engram.memory.MemoryStatus;
import dev.engram.memory.RandomMemories;
import dev.engram.memory.UserId;
import dev.engram.memory.ValidationException;
import dev.engram.testkit.Seeded;
import dev.engram.testkit.TestRandom;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import dev.engram.io.FileStorage;
import dev.engram.io.Storage;
import dev.engram.testkit.FaultInjectingStorage;
import dev.engram.testkit.InMemoryStorage;

@Seeded
class UserStoreTest {
    private static final TextAnalyzer A = new TextAnalyzer();
    private static final UserStore.Options SMALL = new UserStore.Options(512, 4096);

    @AfterAll
    static void close() {
        A.close();
    }

    /** What the store must answer: every version of every live memory, in order. */
    private static final class Model {
        final Map<MemoryId, List<Memory>> live = new LinkedHashMap<>();
        final Set<MemoryId> deleted = new HashSet<>();

        void check(UserStore s) {
            for (Map.Entry<MemoryId, List<Memory>> e : live.entrySet()) {
                assertEquals(e.getValue(), s.history(e.getKey()));
                assertEquals(e.getValue().getLast(), s.current(e.getKey()).orElseThrow());
                Memory first = e.getValue().getFirst();
                assertEquals(first, s.asOf(e.getKey(), first.updatedAt()).orElseThrow());
                assertTrue(s.asOf(e.getKey(), first.updatedAt().minusNanos(1)).isEmpty());
                assertEquals(e.getValue().getLast(), s.asOf(e.getKey(), Instant.MAX).orElseThrow());
            }
            for (MemoryId id : deleted) {
                assertTrue(s.current(id).isEmpty());
                assertTrue(s.history(id).isEmpty());
                assertTrue(s.asOf(id, Instant.MAX).isEmpty());
            }
            assertEquals(live.keySet().stream().sorted().toList(), s.liveIds());
        }
    }

    private static Memory nextVersion(RandomMemories gen, Memory previous, TestRandom r) {
        Instant t = previous.updatedAt().plusMillis(r.between(1, 100_000));
        return previous.toBuilder().version(previous.version() + 1).content(gen.text(20)).updatedAt(t)
                .status(r.nextInt(4) == 0 ? MemoryStatus.SUPERSEDED : MemoryStatus.ACTIVE).build();
    }

    private static Memory fresh(RandomMemories gen, UserId user) {
        // Versions must have increasing updatedAt for asOf; start from a fixed epoch.
        Memory m = gen.storable(user);
        Instant t = Instant.parse("2026-01-01T00:00:00Z").plusNanos(Math.abs(m.createdAt().getNano()));
        return m.toBuilder().createdAt(t).updatedAt(t).validFrom(t).validTo(null).build();
    }

    @RepeatedTest(6)
    void randomWorkloadMatchesTheModelAcrossFlushesReopensCheckpointsAndCompactions(TestRandom random) throws Exception {
        Storage root = new InMemoryStorage();
        RandomMemories gen = new RandomMemories(random);
        UserId user = gen.user();
        Model model = new Model();
        UserStore store = UserStore.open(root, user, A, SMALL);
        try {
            for (int step = 0; step < 600; step++) {
                int op = random.nextInt(100);
                if (op < 40 || model.live.isEmpty()) {
                    Memory m = fresh(gen, user);
                    assertTrue(store.put(m));
                    model.live.put(m.id(), new ArrayList<>(List.of(m)));
                } else if (op < 70) {
                    List<MemoryId> ids = List.copyOf(model.live.keySet());
                    MemoryId id = ids.get(random.nextInt(ids.size()));
                    List<Memory> versions = model.live.get(id);
                    Memory next = nextVersion(gen, versions.getLast(), random);
                    assertTrue(store.put(next));
                    assertFalse(store.put(next), "an exact replay is a no-op");
                    versions.add(next);
                } else if (op < 80) {
                    List<MemoryId> ids = List.copyOf(model.live.keySet());
                    MemoryId id = ids.get(random.nextInt(ids.size()));
                    assertTrue(store.delete(id, Instant.now()));
                    assertFalse(store.delete(id, Instant.now()));
                    model.live.remove(id);
                    model.deleted.add(id);
                } else if (op < 90) {
                    store.flush();
                } else if (op < 94) {
                    store.checkpointIndexes();
                } else if (op < 97) {
                    store.close();
                    store.close();
                    store = UserStore.open(root, user, A, SMALL);
                } else {
                    store.compact();
                }
                if (step % 50 == 0) {
                    model.check(store);
                    assertTrue(store.derivedStateMatchesRebuild(), "rebuilt derived state differs from live at step " + step);
                }
            }
            model.check(store);
            store.checkpointIndexes();
            store.close();
            store = UserStore.open(root, user, A, SMALL);
            assertFalse(store.indexesRebuiltOnOpen(), "checkpointed indexes should load, not rebuild");
            model.check(store);
            assertTrue(store.derivedStateMatchesRebuild());
        } finally {
            store.close();
        }
    }

    @Test
    void badPutsAreRejectedAndChangeNothing() throws Exception {
        Storage root = new InMemoryStorage();
        RandomMemories gen = new RandomMemories(new TestRandom(1));
        UserId alice = UserId.of("alice");
        try (UserStore s = UserStore.open(root, alice, A, SMALL)) {
            Memory m = fresh(gen, alice);
            assertThrows(ValidationException.class, () -> s.put(fresh(gen, UserId.of("bob"))));
            ValidationException deleted = assertThrows(ValidationException.class,
                    () -> s.put(m.toBuilder().status(MemoryStatus.DELETED).build()));
            assertEquals("status", deleted.field());
            assertThrows(ValidationException.class, () -> s.put(m.toBuilder().version(2).build()));
            assertTrue(s.put(m));
            assertThrows(ValidationException.class, () -> s.put(m.toBuilder().content("changed").build()));
            assertThrows(ValidationException.class, () -> s.put(m.toBuilder().version(3).build()));
            assertThrows(ValidationException.class,
                    () -> s.put(m.toBuilder().version(2).updatedAt(m.updatedAt().minusNanos(1)).createdAt(m.updatedAt().minusSeconds(9)).build()));
            assertTrue(s.delete(m.id(), Instant.now()));
            assertThrows(ValidationException.class, () -> s.put(m.toBuilder().version(2).build()));
            assertEquals(List.of(), s.liveIds());
            assertTrue(s.derivedStateMatchesRebuild());
        }
    }

    @Test
    void anUncommittedTailIsCutOffAndCommittedDataSurvives(@TempDir Path path) throws Exception {
        Storage root = FileStorage.open(path);
        RandomMemories gen = new RandomMemories(new TestRandom(2));
        UserId u = UserId.of("tail");
        List<Memory> written = new ArrayList<>();
        try (UserStore s = UserStore.open(root, u, A, UserStore.Options.DEFAULT)) {
            for (int i = 0; i < 10; i++) {
                Memory m = fresh(gen, u);
                s.put(m);
                written.add(m);
            }
        }
        Path dir = UserDirectoryLayout.resolve(path, u);
        Path segment;
        try (Stream<Path> files = Files.list(dir)) {
            segment = files.filter(p -> p.toString().endsWith(".seg")).findFirst().orElseThrow();
        }
        long committed = Files.size(segment);
        Files.write(segment, gen.memory(u).content().getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
        try (UserStore s = UserStore.open(root, u, A, UserStore.Options.DEFAULT)) {
            // A read-only open never touches the segment: the tail is ignored, then cut at the first flush.
            for (Memory m : written) assertEquals(m, s.current(m.id()).orElseThrow());
            assertTrue(Files.size(segment) > committed, "a read leaves the file alone");
            Memory more = fresh(gen, u);
            s.put(more);
            written.add(more);
            s.flush(); // resumes the segment: cuts the tail, appends after the committed bytes (else the reopen below fails its CRC)
        }
        try (UserStore s = UserStore.open(root, u, A, UserStore.Options.DEFAULT)) {
            for (Memory m : written) assertEquals(m, s.current(m.id()).orElseThrow());
            assertTrue(s.derivedStateMatchesRebuild());
        }
        try (UserStore s = UserStore.open(root, u, A, UserStore.Options.DEFAULT)) {
            for (Memory m : written) assertEquals(m, s.current(m.id()).orElseThrow());
        }
        // Damage inside the committed part refuses to open, naming the file.
        byte[] bytes = Files.readAllBytes(segment);
        bytes[bytes.length / 2] ^= 0x10;
        Files.write(segment, bytes);
        CorruptFileException e = assertThrows(CorruptFileException.class, () -> UserStore.open(root, u, A, UserStore.Options.DEFAULT));
        assertTrue(e.getMessage().contains(segment.getFileName().toString()), e.getMessage());
    }

    @Test
    void damagedOrMissingIndexFilesAreRebuiltFromTheSegments(@TempDir Path path) throws Exception {
        Storage root = FileStorage.open(path);
        RandomMemories gen = new RandomMemories(new TestRandom(3));
        UserId u = UserId.of("idx");
        try (UserStore s = UserStore.open(root, u, A, SMALL)) {
            for (int i = 0; i < 30; i++) s.put(fresh(gen, u));
            s.checkpointIndexes();
            for (int i = 0; i < 5; i++) s.put(fresh(gen, u)); // after the checkpoint: replayed on open
        }
        try (UserStore s = UserStore.open(root, u, A, SMALL)) {
            assertFalse(s.indexesRebuiltOnOpen());
            assertTrue(s.derivedStateMatchesRebuild());
        }
        Path dir = UserDirectoryLayout.resolve(path, u);
        Path lex;
        try (Stream<Path> files = Files.list(dir)) {
            lex = files.filter(p -> p.toString().endsWith(".lex")).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(lex);
        bytes[bytes.length - 30] ^= 1;
        Files.write(lex, bytes);
        try (UserStore s = UserStore.open(root, u, A, SMALL)) {
            assertTrue(s.indexesRebuiltOnOpen());
            assertTrue(s.derivedStateMatchesRebuild());
            assertEquals(35, s.liveIds().size());
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) if (p.toString().endsWith(".bmp")) Files.delete(p);
        }
        try (UserStore s = UserStore.open(root, u, A, SMALL)) {
            assertTrue(s.indexesRebuiltOnOpen(), "a missing index file is rebuilt");
            assertTrue(s.derivedStateMatchesRebuild());
            assertEquals(35, s.liveIds().size());
        }
    }

    @Test
    void compactionPhysicallyDropsTheContentOfDeletedMemories(@TempDir Path path) throws Exception {
        Storage root = FileStorage.open(path);
        TestRandom random = new TestRandom(4);
        RandomMemories gen = new RandomMemories(random);
        UserId u = UserId.of("canary-user");
        // Incompressible and unique: LZ4 stores it as literals, so a raw scan finds it while it exists.
        String canary = "zq" + java.util.HexFormat.of().formatHex(random.bytes(20));
        MemoryId victim;
        try (UserStore s = UserStore.open(root, u, A, SMALL)) {
            for (int i = 0; i < 20; i++) s.put(fresh(gen, u));
            Memory secret = fresh(gen, u).toBuilder().content("my secret is " + canary).build();
            victim = secret.id();
            s.put(secret);
            s.put(secret.toBuilder().version(2).content("updated secret " + canary + " again").updatedAt(secret.updatedAt().plusSeconds(1)).build());
            for (int i = 0; i < 20; i++) s.put(fresh(gen, u));
            s.checkpointIndexes();
            assertTrue(scan(path, canary), "the scanner must see the canary before deletion");
            assertEquals(victim, s.searchLexical(canary, 1, null).getFirst().memory().id());
            assertTrue(s.delete(victim, Instant.now()));
            assertTrue(s.searchLexical(canary, 5, null).isEmpty(), "deleted content is not served at once");
            s.flush();
            s.compact();
            assertFalse(scan(path, canary), "deleted content survived compaction");
            assertTrue(s.derivedStateMatchesRebuild());
            assertEquals(40, s.liveIds().size());
        }
        try (UserStore s = UserStore.open(root, u, A, SMALL)) {
            assertTrue(s.history(victim).isEmpty());
            ValidationException e = assertThrows(ValidationException.class,
                    () -> s.put(gen.memory(u, victim, 1).toBuilder().status(MemoryStatus.ACTIVE).build()));
            assertEquals("id", e.field(), "a deleted memory takes no new version");
            assertFalse(scan(path, canary));
        }
    }

    /** Every byte of every file under root, raw and with segment blocks decompressed. */
    private static boolean scan(Path root, String canary) throws IOException {
        byte[] needle = canary.getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                byte[] data = Files.readAllBytes(p);
                if (indexOf(data, needle) >= 0) return true;
                if (p.toString().endsWith(".seg")) {
                    try {
                        var c = SegmentReader.read(data, data.length, p.toString(), UserId.of("canary-user"), BlockFileReader.Mode.RECOVER);
                        for (SegmentRecord r : c.records()) {
                            if (r instanceof SegmentRecord.Version v && v.memory().content().contains(canary)) return true;
                        }
                    } catch (CorruptFileException e) {
                        throw new AssertionError(e);
                    }
                }
            }
        }
        return false;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }

    @Test
    void usersAreIsolatedOnDisk(@TempDir Path path) throws Exception {
        Storage root = FileStorage.open(path);
        RandomMemories gen = new RandomMemories(new TestRandom(5));
        UserId alice = UserId.of("alice");
        UserId bob = UserId.of("bob");
        Memory a = fresh(gen, alice);
        try (UserStore sa = UserStore.open(root, alice, A, SMALL); UserStore sb = UserStore.open(root, bob, A, SMALL)) {
            sa.put(a);
            sb.put(fresh(gen, bob));
            assertTrue(sb.current(a.id()).isEmpty());
            assertTrue(sb.searchLexical(a.content(), 10, null).stream().noneMatch(h -> h.memory().user().equals(alice)));
        }
        // Copying alice's files over bob's directory is detected, not served as bob's.
        Path da = UserDirectoryLayout.resolve(path, alice);
        Path db = UserDirectoryLayout.resolve(path, bob);
        try (Stream<Path> files = Files.list(da)) {
            for (Path p : files.toList()) Files.copy(p, db.resolve(p.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        CorruptFileException e = assertThrows(CorruptFileException.class, () -> UserStore.open(root, bob, A, SMALL));
        assertTrue(e.getMessage().contains("belongs to user 'alice'"), e.getMessage());
    }

    @Test
    void aFailedWriteStopsTheStoreForGood() throws Exception {
        RandomMemories gen = new RandomMemories(new TestRandom(6));
        UserId u = UserId.of("doomed");
        FaultInjectingStorage root = FaultInjectingStorage.wrap(new InMemoryStorage());
        UserStore s = UserStore.open(root, u, A, SMALL);
        s.put(fresh(gen, u));
        root.failOnce(root.operations() + 2); // the segment's sync
        IOException first = assertThrows(IOException.class, s::flush);
        IOException later = assertThrows(IOException.class, () -> s.put(fresh(gen, u)));
        assertThrows(IOException.class, s::flush, "no retry after a failed sync: the store stays stopped");
        assertTrue(later.getMessage().contains("earlier I/O failure"), later.getMessage());
        assertEquals(first, later.getCause());
        s.close();
        s.close();
        assertThrows(IllegalStateException.class, () -> s.current(MemoryId.parse("0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b")));
    }
}
