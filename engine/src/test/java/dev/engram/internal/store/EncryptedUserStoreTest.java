package dev.engram.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.internal.crypto.FileCiphers;
import dev.engram.internal.crypto.KeyDestroyedException;
import dev.engram.internal.crypto.KeyStore;
import dev.engram.internal.crypto.MasterKey;
import dev.engram.internal.crypto.UserKey;
import dev.engram.internal.lexical.TextAnalyzer;
import dev.engram.io.CorruptFileException;
import dev.engram.io.FileStorage;
import dev.engram.memory.Memory;
import dev.engram.memory.MemoryId;
import dev.engram.memory.RandomMemories;
import dev.engram.memory.UserId;
import dev.engram.testkit.InMemoryStorage;
import dev.engram.testkit.TestRandom;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One encrypted user's store on disk through every path — put, update (history), delete, flush,
 * index checkpoint, reopen with the index files loaded, compaction, reopen — with the raw bytes of
 * every file checked for the canary contents and vectors (none, at any point), the vector file
 * written encrypted and loaded from it, derived state equal to a rebuild; a tampered segment refused; and the user unreadable
 * ({@link KeyDestroyedException}) once its key is destroyed. Also the encrypted WAL payload codec.
 */
class EncryptedUserStoreTest {
    private static final TextAnalyzer A = new TextAnalyzer();
    private static final UserId ANN = UserId.of("ann");

    @TempDir
    Path tmp;

    @AfterAll
    static void close() {
        A.close();
    }

    @Test
    void everyPathRoundTripsAndNoFileHoldsAnyCanary() throws IOException {
        long seed = Long.getLong("engram.seed", System.nanoTime());
        System.out.println("EncryptedUserStoreTest seed 0x" + Long.toHexString(seed) + " (-Dengram.seed=" + seed + ")");
        TestRandom r = new TestRandom(seed);
        RandomMemories gen = new RandomMemories(r);
        Path data = tmp.resolve("data");
        List<String> canaries = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        List<Memory> written = new ArrayList<>();
        try (KeyStore keys = KeyStore.open(FileStorage.open(tmp.resolve("keys")), MasterKey.random(), true);
                FileStorage root = FileStorage.open(data)) {
            FileCiphers ciphers = FileCiphers.of(keys, ANN);
            MemoryId deleted;
            MemoryId updated;
            try (UserStore s = UserStore.open(root, ANN, A, StoreWorkload.USER_OPTIONS, ciphers)) {
                for (int i = 0; i < 40; i++) {
                    String canary = "cnry" + HexFormat.of().formatHex(r.bytes(12));
                    canaries.add(canary);
                    Memory m = gen.storable(ANN).toBuilder().content("secret " + canary + " and more").categories(java.util.Set.of("cat" + canary))
                            .metadata(java.util.Map.of("k", "meta" + canary)).build();
                    float[] v = StoreWorkload.unit(r);
                    vectors.add(v);
                    assertTrue(s.put(m, v));
                    written.add(m);
                    if (i % 10 == 9) s.flush();
                }
                Memory first = written.getFirst();
                updated = first.id();
                String canary = "cnry" + HexFormat.of().formatHex(r.bytes(12));
                canaries.add(canary);
                s.put(first.toBuilder().version(2).content("updated " + canary).updatedAt(first.updatedAt().plusSeconds(1)).build(),
                        StoreWorkload.unit(r));
                deleted = written.get(1).id();
                assertTrue(s.delete(deleted, written.get(1).updatedAt().plusSeconds(5)));
                s.checkpointIndexes();
                assertTrue(s.derivedStateMatchesRebuild());
            }
            assertNoCanary(data, canaries, vectors, "after checkpoint");
            assertNoCanary(tmp.resolve("keys"), canaries, vectors, "in the key store");
            try (UserStore s = UserStore.open(root, ANN, A, StoreWorkload.USER_OPTIONS, ciphers)) {
                assertFalse(s.indexesRebuiltOnOpen(), "encrypted index files load");
                assertFalse(s.vectorsRebuiltOnOpen(), "the encrypted vector file loads (decrypted into an off-heap copy)");
                assertEquals(2, s.history(updated).size());
                assertTrue(s.isDeleted(deleted));
                Memory third = written.get(2);
                assertEquals(third, s.current(third.id()).orElseThrow());
                String word = canaries.get(2);
                assertEquals(third.id(), s.searchLexical(word, 1, null).getFirst().memory().id());
                assertEquals(third.id(), s.vectorSearch(vectors.get(2), 1, null).getFirst().memory().id());
                s.compact();
                assertTrue(s.derivedStateMatchesRebuild());
            }
            assertNoCanary(data, canaries, vectors, "after compaction");
            try (Stream<Path> files = Files.walk(data)) {
                List<Path> vec = files.filter(p -> p.toString().endsWith(".vec")).toList();
                assertEquals(1, vec.size(), "one vector file");
                assertEquals(UserFiles.VECTORS_MAGIC, ByteBuffer.wrap(Files.readAllBytes(vec.getFirst())).getInt(0),
                        "the encrypted vector format, not index-hnsw's clear one");
            }
            try (UserStore s = UserStore.open(root, ANN, A, StoreWorkload.USER_OPTIONS, ciphers)) {
                assertEquals(written.get(3), s.current(written.get(3).id()).orElseThrow());
                assertTrue(s.current(deleted).isEmpty());
                assertEquals(39, s.liveIds().size());
            }
            // Tamper with one byte inside a segment's ciphertext: refused (CRC or GCM), never served.
            Path dir = UserDirectoryLayout.resolve(data, ANN);
            Path seg;
            try (Stream<Path> files = Files.list(dir)) {
                seg = files.filter(p -> p.toString().endsWith(".seg")).findFirst().orElseThrow();
            }
            byte[] original = Files.readAllBytes(seg);
            byte[] bad = original.clone();
            bad[original.length / 2] ^= 0x10;
            Files.write(seg, bad);
            assertThrows(CorruptFileException.class, () -> UserStore.open(root, ANN, A, StoreWorkload.USER_OPTIONS, ciphers).close());
            Files.write(seg, original);
            // Key destroyed: nobody can read the user any more, with or without the master key.
            assertTrue(keys.destroy(ANN));
            KeyDestroyedException e = assertThrows(KeyDestroyedException.class,
                    () -> UserStore.open(root, ANN, A, StoreWorkload.USER_OPTIONS, ciphers).close());
            assertTrue(e.getMessage().contains("no longer exists"), e.getMessage());
        }
    }

    @Test
    void theWalPayloadIsEncryptedAuthenticatedAndSkippedOnceItsKeyIsGone() throws IOException {
        TestRandom r = new TestRandom(42);
        RandomMemories gen = new RandomMemories(r);
        try (KeyStore keys = KeyStore.open(new InMemoryStorage(), MasterKey.random(), true)) {
            UserKey key = keys.obtain(ANN);
            String canary = "cnry" + HexFormat.of().formatHex(r.bytes(12));
            Memory m = gen.storable(ANN).toBuilder().content("secret " + canary).build();
            List<MemoryStore.Mutation> muts = List.of(new MemoryStore.Mutation.Put(m, StoreWorkload.unit(r)),
                    new MemoryStore.Mutation.Event(("event " + canary).getBytes(StandardCharsets.UTF_8)),
                    new MemoryStore.Mutation.Journal(("journal " + canary).getBytes(StandardCharsets.UTF_8)));
            byte[] payload = WalPayload.encode(ANN, muts, key);
            assertEquals(-1, indexOf(payload, canary.getBytes(StandardCharsets.UTF_8)));
            assertEquals(1, payload[1], "flags bit 0: body encrypted");
            WalPayload.Decoded d = WalPayload.decode(payload, 7, "log", keys::get);
            assertFalse(d.keyDestroyed());
            assertEquals(m, ((MemoryStore.Mutation.Put) d.mutations().getFirst()).memory());
            assertEquals(WalPayload.records(ANN, muts, 7), WalPayload.records(ANN, d.mutations(), 7));
            // Every byte after the user id changed: refused (a changed key id reads as a destroyed key).
            int header = 2 + 1 + ANN.value().length();
            for (int i = header; i < payload.length; i++) {
                byte[] bad = payload.clone();
                bad[i] ^= 1;
                if (i < header + 8) {
                    assertTrue(WalPayload.decode(bad, 7, "log", keys::get).keyDestroyed());
                } else {
                    int at = i;
                    CorruptFileException e = assertThrows(CorruptFileException.class, () -> WalPayload.decode(bad, 7, "log", keys::get),
                            "byte " + at);
                    assertTrue(e.getMessage().contains("authenticate"), e.getMessage());
                }
            }
            // An unencrypted store refuses encrypted records and the reverse.
            assertThrows(CorruptFileException.class, () -> WalPayload.decode(payload, 7, "log"));
            assertThrows(CorruptFileException.class, () -> WalPayload.decode(WalPayload.encode(ANN, muts), 7, "log", keys::get));
            // Once the key is destroyed the record decodes as purged, never as an error.
            keys.destroy(ANN);
            WalPayload.Decoded gone = WalPayload.decode(payload, 7, "log", keys::get);
            assertTrue(gone.keyDestroyed());
            assertTrue(gone.mutations().isEmpty());
            // A user id used again after its purge: its new key does not read the old records either.
            keys.obtain(ANN);
            assertTrue(WalPayload.decode(payload, 7, "log", keys::get).keyDestroyed());
        }
    }

    static void assertNoCanary(Path root, List<String> canaries, List<float[]> vectors, String when) throws IOException {
        List<byte[]> files = new ArrayList<>();
        List<Path> names = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                files.add(Files.readAllBytes(p));
                names.add(p);
            }
        }
        assertFalse(files.isEmpty());
        for (int i = 0; i < files.size(); i++) {
            for (String c : canaries) {
                assertEquals(-1, indexOf(files.get(i), c.substring(0, 12).getBytes(StandardCharsets.UTF_8)),
                        when + ": canary " + c + " in clear in " + names.get(i));
            }
            for (float[] v : vectors) {
                for (ByteOrder order : List.of(ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN)) {
                    ByteBuffer b = ByteBuffer.allocate(12).order(order);
                    for (int k = 0; k < 3; k++) b.putFloat(v[k]);
                    assertEquals(-1, indexOf(files.get(i), b.array()), when + ": a vector in clear in " + names.get(i));
                }
            }
        }
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }

}
