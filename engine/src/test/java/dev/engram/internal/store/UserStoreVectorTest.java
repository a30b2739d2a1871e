package dev.engram.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.index.IndexConfig;
import dev.engram.internal.lexical.TextAnalyzer;
import dev.engram.memory.Memory;
import dev.engram.memory.MemoryId;
import dev.engram.memory.MemoryStatus;
import dev.engram.memory.RandomMemories;
import dev.engram.memory.UserId;
import dev.engram.memory.ValidationException;
import dev.engram.io.FileStorage;
import dev.engram.io.Storage;
import dev.engram.testkit.InMemoryStorage;
import dev.engram.testkit.Seeded;
import dev.engram.testkit.TestRandom;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.roaringbitmap.RoaringBitmap;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-user vector index: embeddings in the segments, the index derived, persisted and rebuilt. */
@Seeded
class UserStoreVectorTest {
    private static final TextAnalyzer A = new TextAnalyzer();
    private static final int DIM = 16;
    private static final UserStore.Options OPTIONS = new UserStore.Options(512, 4096, IndexConfig.defaults(DIM));

    @AfterAll
    static void close() {
        A.close();
    }

    private static float[] unit(TestRandom r) {
        float[] v = new float[DIM];
        double sum = 0;
        for (int i = 0; i < DIM; i++) {
            v[i] = (float) r.nextGaussian();
            sum += v[i] * v[i];
        }
        float norm = (float) Math.sqrt(sum);
        for (int i = 0; i < DIM; i++) v[i] /= norm;
        return v;
    }

    private static Memory fresh(RandomMemories gen, UserId user) {
        Memory m = gen.storable(user);
        Instant t = Instant.parse("2026-01-01T00:00:00Z").plusNanos(Math.abs(m.createdAt().getNano()));
        return m.toBuilder().createdAt(t).updatedAt(t).validFrom(t).validTo(null).status(MemoryStatus.ACTIVE).build();
    }

    /** The truth: each live memory's current version and its embedding (null: none). */
    private static final class Model {
        final Map<MemoryId, Memory> current = new LinkedHashMap<>();
        final Map<MemoryId, float[]> vector = new LinkedHashMap<>();
        final Set<MemoryId> deleted = new HashSet<>();

        /** Brute force: every current version with an embedding, scored by dot product, best first. */
        List<MemoryId> topK(float[] q, int k) {
            return vector.entrySet().stream().filter(e -> e.getValue() != null)
                    .sorted(Comparator.comparingDouble((Map.Entry<MemoryId, float[]> e) -> -dot(q, e.getValue())))
                    .limit(k).map(Map.Entry::getKey).toList();
        }

        void check(UserStore s, TestRandom r) {
            for (int i = 0; i < 5; i++) {
                float[] q = unit(r);
                int k = r.between(1, 12);
                List<UserStore.Hit> hits = s.vectorSearch(q, k, null);
                assertEquals(topK(q, k), hits.stream().map(h -> h.memory().id()).toList());
                for (UserStore.Hit h : hits) {
                    assertEquals(current.get(h.memory().id()), h.memory(), "only current versions are returned");
                    assertEquals(dot(q, vector.get(h.memory().id())), h.score(), 1e-5);
                    assertFalse(deleted.contains(h.memory().id()));
                }
            }
            // Score completion's batch: every ordinal ever given (superseded, deleted, without an
            // embedding) and some past the end score what its stored embedding gives, NaN without one.
            float[] q = unit(r);
            int n = 3 * (current.size() + deleted.size()) + 8;
            int[] ordinals = new int[n];
            for (int i = 0; i < n; i++) ordinals[i] = i;
            float[] scores = s.vectorScores(q, ordinals, n);
            assertEquals(n, scores.length);
            for (int i = 0; i < n; i++) {
                float[] e = s.embedding(i);
                if (e == null) assertTrue(Float.isNaN(scores[i]), "ordinal " + i + " has no embedding");
                else assertEquals(dot(q, e), scores[i], 1e-5, "ordinal " + i);
            }
        }
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    @RepeatedTest(3)
    void loadedAndRebuiltIndexesAnswerLikeBruteForceOverCurrentVersions(TestRandom random, @TempDir Path path) throws Exception {
        Storage root = FileStorage.open(path);
        RandomMemories gen = new RandomMemories(random);
        UserId user = gen.user();
        Model model = new Model();
        UserStore store = UserStore.open(root, user, A, OPTIONS);
        try {
            for (int step = 0; step < 400; step++) {
                int op = random.nextInt(100);
                if (op < 40 || model.current.isEmpty()) {
                    Memory m = fresh(gen, user);
                    float[] v = random.nextInt(8) == 0 ? null : unit(random);
                    assertTrue(store.put(m, v));
                    assertFalse(store.put(m, v), "an exact replay is a no-op");
                    model.current.put(m.id(), m);
                    model.vector.put(m.id(), v);
                } else if (op < 65) {
                    List<MemoryId> ids = List.copyOf(model.current.keySet());
                    MemoryId id = ids.get(random.nextInt(ids.size()));
                    Memory prev = model.current.get(id);
                    Memory next = prev.toBuilder().version(prev.version() + 1).content(gen.text(10))
                            .updatedAt(prev.updatedAt().plusMillis(random.between(1, 1000))).build();
                    float[] v = random.nextInt(8) == 0 ? null : unit(random);
                    assertTrue(store.put(next, v));
                    model.current.put(id, next);
                    model.vector.put(id, v);
                } else if (op < 77) {
                    List<MemoryId> ids = List.copyOf(model.current.keySet());
                    MemoryId id = ids.get(random.nextInt(ids.size()));
                    assertTrue(store.delete(id, Instant.now()));
                    model.current.remove(id);
                    model.vector.remove(id);
                    model.deleted.add(id);
                } else if (op < 87) {
                    store.flush();
                } else if (op < 93) {
                    store.checkpointIndexes();
                } else if (op < 98) {
                    store.close();
                    store = UserStore.open(root, user, A, OPTIONS);
                } else {
                    store.compact();
                }
                // Often, so the kept vector filter (UserState.vectorCandidates) is reused across
                // queries and must be dropped after every kind of change.
                if (step % 5 == 0) model.check(store, random);
                if (step % 40 == 0) assertTrue(store.derivedStateMatchesRebuild(), "rebuild differs from live at step " + step);
            }
            store.checkpointIndexes();
            store.close();
            store = UserStore.open(root, user, A, OPTIONS);
            assertFalse(store.vectorsRebuiltOnOpen(), "a checkpointed vector index loads");
            model.check(store, random);
            assertTrue(store.derivedStateMatchesRebuild());
            store.close();

            // Damage the vector file: open rebuilds it from the segments and answers the same.
            Path vec = only(UserDirectoryLayout.resolve(path, user), ".vec");
            byte[] bytes = Files.readAllBytes(vec);
            bytes[bytes.length / 2] ^= 0x5A;
            Files.write(vec, bytes);
            store = UserStore.open(root, user, A, OPTIONS);
            assertTrue(store.vectorsRebuiltOnOpen(), "a damaged vector file is rebuilt");
            model.check(store, random);
            store.close();

            // Missing file: rebuilt too.
            Files.delete(only(UserDirectoryLayout.resolve(path, user), ".vec"));
            store = UserStore.open(root, user, A, OPTIONS);
            assertTrue(store.vectorsRebuiltOnOpen());
            model.check(store, random);
        } finally {
            store.close();
        }
    }

    @Test
    void closePersistsTheIndexesWhenTheyAreFarBehind(@TempDir Path path) throws Exception {
        Storage root = FileStorage.open(path);
        TestRandom random = new TestRandom(3);
        RandomMemories gen = new RandomMemories(random);
        UserId user = UserId.of("grows");
        int few = (int) UserStore.CLOSE_CHECKPOINT_RECORDS / 2;
        try (UserStore s = UserStore.open(root, user, A, OPTIONS)) {
            for (int i = 0; i < few; i++) s.put(fresh(gen, user), unit(random));
        }
        try (UserStore s = UserStore.open(root, user, A, OPTIONS)) {
            assertTrue(s.indexesRebuiltOnOpen() && s.vectorsRebuiltOnOpen(), "fewer records than the threshold: not persisted at close");
            for (int i = few; i < UserStore.CLOSE_CHECKPOINT_RECORDS; i++) s.put(fresh(gen, user), unit(random));
        }
        Model model = new Model();
        try (UserStore s = UserStore.open(root, user, A, OPTIONS)) {
            assertFalse(s.indexesRebuiltOnOpen(), "the lexical index and bitmaps were persisted at close");
            assertFalse(s.vectorsRebuiltOnOpen(), "the vector index was persisted at close");
            assertTrue(s.derivedStateMatchesRebuild());
            for (MemoryId id : s.liveIds()) {
                model.current.put(id, s.history(id).getLast());
                model.vector.put(id, s.embedding(s.currentOrdinal(id)));
            }
            assertEquals(UserStore.CLOSE_CHECKPOINT_RECORDS, model.current.size());
            model.check(s, random);
        }
    }

    private static Path only(Path dir, String suffix) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> found = files.filter(p -> p.toString().endsWith(suffix)).toList();
            assertEquals(1, found.size(), "files " + suffix + " in " + dir);
            return found.getFirst();
        }
    }

    @Test
    void compactionRemovesADeletedMemorysVectorFromEveryFile(@TempDir Path path) throws Exception {
        Storage root = FileStorage.open(path);
        TestRandom random = new TestRandom(11);
        RandomMemories gen = new RandomMemories(random);
        UserId user = UserId.of("vec-erase");
        Memory keep = fresh(gen, user);
        Memory gone = fresh(gen, user);
        float[] keepVector = unit(random);
        float[] goneVector = unit(random);
        Path dir = UserDirectoryLayout.resolve(path, user);
        try (UserStore s = UserStore.open(root, user, A, OPTIONS)) {
            s.put(keep, keepVector);
            s.put(gone, goneVector);
            s.checkpointIndexes();
            assertTrue(containsVector(dir, goneVector), "the scan must see the vector while it is stored");
            assertEquals(gone.id(), s.vectorSearch(goneVector, 1, null).getFirst().memory().id());
            s.delete(gone.id(), Instant.now());
            assertEquals(List.of(keep.id()), s.vectorSearch(goneVector, 5, null).stream().map(h -> h.memory().id()).toList());
            s.checkpointIndexes();
            s.compact();
            assertFalse(containsVector(dir, goneVector), "a deleted memory's vector survives compaction");
            assertTrue(containsVector(dir, keepVector));
            assertEquals(List.of(keep.id()), s.vectorSearch(goneVector, 5, null).stream().map(h -> h.memory().id()).toList());
        }
        try (UserStore s = UserStore.open(root, user, A, OPTIONS)) {
            assertFalse(s.vectorsRebuiltOnOpen());
            assertEquals(List.of(keep.id()), s.vectorSearch(goneVector, 5, null).stream().map(h -> h.memory().id()).toList());
        }
    }

    /** Whether the first 4 components, in either byte order, occur in any file of the directory. */
    private static boolean containsVector(Path dir, float[] v) throws Exception {
        List<byte[]> needles = new ArrayList<>();
        for (ByteOrder order : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
            ByteBuffer b = ByteBuffer.allocate(16).order(order);
            for (int i = 0; i < 4; i++) b.putFloat(v[i]);
            needles.add(b.array());
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                byte[] hay = Files.readAllBytes(p);
                for (byte[] n : needles) if (indexOf(hay, n) >= 0) return true;
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
    void badEmbeddingsAndQueriesAreValidationErrorsAndChangeNothing() throws Exception {
        RandomMemories gen = new RandomMemories(new TestRandom(3));
        UserId user = UserId.of("vec-bad");
        TestRandom r = new TestRandom(4);
        try (UserStore s = UserStore.open(new InMemoryStorage(), user, A, OPTIONS)) {
            Memory m = fresh(gen, user);
            float[] nan = unit(r);
            nan[3] = Float.NaN;
            float[] longer = new float[DIM + 1];
            longer[0] = 1;
            float[] notUnit = unit(r);
            notUnit[0] += 0.5f;
            for (float[] bad : new float[][] {nan, longer, notUnit}) {
                assertEquals("embedding", assertThrows(ValidationException.class, () -> s.put(m, bad)).field());
            }
            assertTrue(s.liveIds().isEmpty());
            float[] v = unit(r);
            assertTrue(s.put(m, v));
            assertThrows(ValidationException.class, () -> s.put(m, unit(r)), "same version, other embedding");
            assertThrows(ValidationException.class, () -> s.put(m), "same version without its embedding");
            assertThrows(ValidationException.class, () -> s.vectorSearch(new float[DIM], 3, null));
            assertThrows(ValidationException.class, () -> s.vectorSearch(longer, 3, null));
            assertEquals(m.id(), s.vectorSearch(v, 3, null).getFirst().memory().id());
            assertTrue(s.derivedStateMatchesRebuild());
        }
    }

    @Test
    void filterRestrictsAndOnNonFileStorageTheIndexIsRebuiltOnOpen() throws Exception {
        Storage root = new InMemoryStorage();
        RandomMemories gen = new RandomMemories(new TestRandom(5));
        TestRandom r = new TestRandom(6);
        UserId user = UserId.of("vec-mem");
        Memory a = fresh(gen, user);
        Memory b = fresh(gen, user);
        float[] va = unit(r);
        float[] vb = unit(r);
        try (UserStore s = UserStore.open(root, user, A, OPTIONS)) {
            s.put(a, va);
            s.put(b, vb);
            int ordinalOfB = s.vectorSearch(vb, 1, null).getFirst().ordinal();
            RoaringBitmap onlyB = RoaringBitmap.bitmapOf(ordinalOfB);
            assertEquals(List.of(b.id()), s.vectorSearch(va, 5, onlyB).stream().map(h -> h.memory().id()).toList());
            s.checkpointIndexes();
        }
        try (UserStore s = UserStore.open(root, user, A, OPTIONS)) {
            assertTrue(s.vectorsRebuiltOnOpen(), "no file-system path: the vector index lives in memory only");
            assertEquals(a.id(), s.vectorSearch(va, 1, null).getFirst().memory().id());
        }
    }

    @Test
    void staleOrUnlistedVectorFilesAreNeverUsedAndAnotherDimensionIsRefused(@TempDir Path path) throws Exception {
        Storage root = FileStorage.open(path);
        TestRandom r = new TestRandom(8);
        RandomMemories gen = new RandomMemories(r);
        UserId user = UserId.of("vec-stale");
        Path dir = UserDirectoryLayout.resolve(path, user);
        Memory a = fresh(gen, user);
        Memory b = fresh(gen, user);
        float[] va = unit(r);
        float[] vb = unit(r);
        Path old = path.resolve("old.vec");
        try (UserStore s = UserStore.open(root, user, A, OPTIONS)) {
            s.put(a, va);
            s.checkpointIndexes();
            Files.copy(only(dir, ".vec"), old);
            s.put(b, vb);
            s.delete(a.id(), Instant.now());
            s.checkpointIndexes();
        }
        // An older index under the listed name (e.g. restored by hand): its CRC differs, so it is
        // rebuilt instead of serving the deleted memory a.
        Path listed = only(dir, ".vec");
        Files.copy(old, listed, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        // An unlisted index (a crash between save and the manifest swap) is ignored by a read and
        // deleted before the first write (so no new file can meet its name).
        Path orphan = dir.resolve("999.vec");
        Files.copy(old, orphan);
        try (UserStore s = UserStore.open(root, user, A, OPTIONS)) {
            assertTrue(s.vectorsRebuiltOnOpen());
            assertEquals(List.of(b.id()), s.vectorSearch(va, 5, null).stream().map(h -> h.memory().id()).toList());
            assertTrue(Files.exists(orphan));
            s.checkpointIndexes();
            assertFalse(Files.exists(orphan));
        }
        UserStore.Options other = new UserStore.Options(512, 4096, IndexConfig.defaults(DIM * 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UserStore.open(root, user, A, other));
        assertTrue(e.getMessage().contains("dimension " + DIM), e.getMessage());
    }

    /** Past the exact crossover the graph is walked: recall against brute force, never a stale hit. */
    @Test
    void graphSearchOnALargeUserKeepsRecallAndNeverReturnsDeletedOrSupersededVersions(@TempDir Path path) throws Exception {
        Storage root = FileStorage.open(path);
        TestRandom r = new TestRandom(12);
        RandomMemories gen = new RandomMemories(r);
        UserId user = UserId.of("vec-large");
        Model model = new Model();
        try (UserStore s = UserStore.open(root, user, A, OPTIONS)) {
            for (int i = 0; i < 3_400; i++) {
                Memory m = fresh(gen, user);
                float[] v = unit(r);
                s.put(m, v);
                model.current.put(m.id(), m);
                model.vector.put(m.id(), v);
            }
            List<MemoryId> ids = List.copyOf(model.current.keySet());
            for (int i = 0; i < 300; i++) {
                MemoryId id = ids.get(i);
                s.delete(id, Instant.now());
                model.current.remove(id);
                model.vector.remove(id);
                model.deleted.add(id);
            }
            for (int i = 300; i < 600; i++) {
                Memory prev = model.current.get(ids.get(i));
                Memory next = prev.toBuilder().version(2).updatedAt(prev.updatedAt().plusSeconds(1)).build();
                float[] v = unit(r);
                s.put(next, v);
                model.current.put(next.id(), next);
                model.vector.put(next.id(), v);
            }
            s.checkpointIndexes();
        }
        for (boolean rebuild : new boolean[] {false, true}) {
            if (rebuild) Files.delete(only(UserDirectoryLayout.resolve(path, user), ".vec"));
            try (UserStore s = UserStore.open(root, user, A, OPTIONS)) {
                assertEquals(rebuild, s.vectorsRebuiltOnOpen());
                int found = 0;
                int queries = 30;
                for (int q = 0; q < queries; q++) {
                    float[] query = unit(r);
                    List<MemoryId> truth = model.topK(query, 10);
                    List<UserStore.Hit> hits = s.vectorSearch(query, 10, null);
                    assertEquals(10, hits.size());
                    for (UserStore.Hit h : hits) {
                        assertEquals(model.current.get(h.memory().id()), h.memory(), "a deleted or superseded version was returned");
                        if (truth.contains(h.memory().id())) found++;
                    }
                }
                double recall = found / (queries * 10.0);
                assertTrue(recall >= 0.9, "recall@10 " + recall + (rebuild ? " (rebuilt)" : " (loaded)"));
            }
        }
    }
}
