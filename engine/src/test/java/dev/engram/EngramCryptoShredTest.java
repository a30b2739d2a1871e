package dev.engram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.internal.crypto.FileCiphers;
import dev.engram.internal.crypto.KeyDestroyedException;
import dev.engram.internal.crypto.KeyStore;
import dev.engram.internal.crypto.MasterKey;
import dev.engram.internal.format.BlockFileReader;
import dev.engram.internal.store.UserDirectoryLayout;
import dev.engram.io.CorruptFileException;
import dev.engram.io.FileStorage;
import dev.engram.memory.Memory;
import dev.engram.memory.UserId;
import dev.engram.wal.Durability;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Crypto-shredding through the embedded API. With a master key, canary strings and vectors written
 * for two users through every path (ingestion, add, update with history, delete, in the WAL only
 * or flushed to segments, indexes and bitmaps) are in no byte of the data directory in clear —
 * not even before a purge — while every read path returns them, across a reopen (replay or
 * checkpointed files). A copy of the data directory taken before a purge is useless afterwards:
 * opened with the same master key and key store, the purged user is {@link EncryptionKeyException}
 * KEY_DESTROYED (its blocks throw {@link KeyDestroyedException} when decryption is tried directly),
 * the other user is intact. A wrong master key, a missing one, a malformed one and turning
 * encryption on for an existing unencrypted directory are typed errors that modify nothing.
 */
class EngramCryptoShredTest {
    static final UserId ALICE = EngramPurgeTest.ALICE;
    static final UserId BOB = EngramPurgeTest.BOB;

    @TempDir
    Path tmp;

    Path data() {
        return tmp.resolve("data");
    }

    Path keys() {
        return tmp.resolve("keys");
    }

    Path keyFile(MasterKey k) throws IOException {
        Path f = tmp.resolve("master-" + k.toHex().substring(0, 8) + ".key");
        Files.writeString(f, k.toHex() + "\n");
        return f;
    }

    Engram open(Path dataDir, MasterKey master, long cacheBytes) throws IOException {
        EngramOptions.Builder b = Engram.builder(dataDir).embedder(new EngramPurgeTest.HashEmbedder())
                .extractor(new EngramPurgeTest.GatedExtractor()).durability(Durability.SYNC).cacheBytes(cacheBytes)
                .consistencyTimeout(Duration.ofSeconds(60)).sweepPeriod(Duration.ZERO);
        if (master != null) b.masterKey(keyFile(master)).keyStore(keys());
        return b.open();
    }

    /** What one user wrote: canaries (text), vectors, and the state to compare after reopen. */
    record Written(List<String> canaries, List<float[]> vectors, TreeMap<String, String> state) {}

    static String canary(Random r) {
        return EngramPurgeTest.canary(r);
    }

    static Written write(Engram e, UserId u, Random r) {
        EngramPurgeTest.HashEmbedder emb = new EngramPurgeTest.HashEmbedder();
        List<String> cs = new ArrayList<>();
        List<float[]> vs = new ArrayList<>();
        String c1 = canary(r);
        cs.add(c1);
        e.ingest(IngestRequest.of(u, "s1", List.of(Message.user("my code is " + c1))).waitingForApply());
        vs.add(emb.embed("The user said my code is " + c1));
        String c2 = canary(r);
        String c3 = canary(r);
        String c4 = canary(r);
        cs.addAll(List.of(c2, c3, c4));
        Memory m = e.add(u, NewMemory.of("note " + c2));
        vs.add(emb.embed("note " + c2));
        e.update(u, m.id(), MemoryUpdate.content("note " + c3));
        vs.add(emb.embed("note " + c3));
        Memory gone = e.add(u, NewMemory.of("to delete " + c4));
        vs.add(emb.embed("to delete " + c4));
        assertTrue(e.delete(u, gone.id()));
        return new Written(cs, vs, state(e, u));
    }

    /** Every live memory's id → content and version count. */
    static TreeMap<String, String> state(Engram e, UserId u) {
        TreeMap<String, String> out = new TreeMap<>();
        for (Memory m : e.list(ListRequest.of(u)).memories()) {
            out.put(m.id().toString(), m.content() + " / versions " + e.history(u, m.id()).size());
        }
        return out;
    }

    static void assertNothingInClear(Path dir, List<Written> all, String when) throws IOException {
        DataDirScanner scan = new DataDirScanner(dir);
        for (Written w : all) {
            for (String c : w.canaries()) {
                List<String> where = scan.find(EngramPurgeTest.needle(c));
                assertTrue(where.isEmpty(), when + ": canary " + c + " in clear in " + where);
            }
            for (float[] v : w.vectors()) {
                List<String> where = scan.findVector(v);
                assertTrue(where.isEmpty(), when + ": a canary vector in clear in " + where);
            }
        }
    }

    @ParameterizedTest(name = "flushed={0}")
    @ValueSource(booleans = {false, true})
    void noCanaryIsInClearAnywhereAndEveryPathRoundTrips(boolean flushed) throws Exception {
        MasterKey master = MasterKey.random();
        Random r = new Random(0x5EED + (flushed ? 1 : 0));
        long cache = flushed ? 1 : 256L << 20;
        Written alice;
        Written bob;
        try (Engram e = open(data(), master, cache)) {
            alice = write(e, ALICE, r);
            bob = write(e, BOB, r);
            assertEquals(2, alice.state().size());
            assertTrue(alice.state().values().stream().anyMatch(s -> s.endsWith("versions 2")), alice.state().toString());
            assertEquals(1, e.retrieve(RetrieveRequest.of(ALICE, "note " + alice.canaries().get(2)).limit(1)).memories().size());
            assertNothingInClear(data(), List.of(alice, bob), "while open");
            assertNothingInClear(keys(), List.of(alice, bob), "key store");
        }
        assertNothingInClear(data(), List.of(alice, bob), "after close");
        if (flushed) {
            // Positive control: the canaries are in the user's files — encrypted. Decrypting with the key store finds them.
            assertTrue(decryptedContains(ALICE, master, EngramPurgeTest.needle(alice.canaries().get(2))),
                    "the decrypted segments hold the canary");
        }
        try (Engram e = open(data(), master, cache)) {
            assertEquals(alice.state(), state(e, ALICE));
            assertEquals(bob.state(), state(e, BOB));
            String top = e.retrieve(RetrieveRequest.of(ALICE, "note " + alice.canaries().get(2)).limit(1)).memories()
                    .getFirst().memory().content();
            assertTrue(top.contains(alice.canaries().get(2)), top);
        }
        assertNothingInClear(data(), List.of(alice, bob), "after reopen");
    }

    @Test
    void aCopyOfTheDataDirectoryTakenBeforeThePurgeIsUselessAfterIt() throws Exception {
        MasterKey master = MasterKey.random();
        Random r = new Random(77);
        Path backup = tmp.resolve("backup");
        Written alice;
        Written bob;
        try (Engram e = open(data(), master, 1)) { // one-byte cache: segments, indexes and bitmaps on disk
            alice = write(e, ALICE, r);
            bob = write(e, BOB, r);
            copy(data(), backup); // WAL records not yet checkpointed and the user directories, as a backup would hold them
            assertTrue(Files.exists(keyPath(ALICE)));
            PurgeReceipt receipt = e.purge(ALICE);
            assertTrue(receipt.files() > 0, receipt.toString());
            assertFalse(Files.exists(keyPath(ALICE)), "the purge destroyed the key");
            assertTrue(Files.exists(keyPath(BOB)));
        }
        assertNothingInClear(backup, List.of(alice, bob), "backup");
        // Decrypting the backup's files directly, with the master key and the key store: impossible.
        Path aliceDir = UserDirectoryLayout.resolve(backup, ALICE);
        int tried = 0;
        try (KeyStore ks = KeyStore.open(FileStorage.open(keys()), master, false); Stream<Path> files = Files.list(aliceDir)) {
            for (Path f : files.filter(p -> p.toString().matches(".*\\.(seg|lex|bmp)$")).toList()) {
                byte[] bytes = Files.readAllBytes(f);
                BlockFileReader.Parsed p = parse(bytes, f, FileCiphers.of(ks, ALICE));
                for (int i = 0; i < p.blocks().size(); i++) {
                    int block = i;
                    assertThrows(KeyDestroyedException.class, () -> p.payload(block), f.toString());
                    tried++;
                }
            }
        }
        assertTrue(tried > 0, "the backup holds blocks of the purged user");
        // Opening the backup with the same master key and key store: the purged user's WAL records are
        // skipped as purged, its directory is unreadable (typed), the other user is intact.
        try (Engram e = open(backup, master, 256L << 20)) {
            EncryptionKeyException k = assertThrows(EncryptionKeyException.class, () -> e.list(ListRequest.of(ALICE)));
            assertEquals(EncryptionKeyException.Reason.KEY_DESTROYED, k.reason());
            assertEquals(bob.state(), state(e, BOB));
        }
        assertNothingInClear(backup, List.of(alice, bob), "backup after it was opened");
    }

    @Test
    void wrongMissingOrMalformedKeysAreTypedErrorsThatModifyNothing() throws Exception {
        MasterKey master = MasterKey.random();
        try (Engram e = open(data(), master, 256L << 20)) {
            write(e, ALICE, new Random(3));
        }
        String before = snapshot(data()) + snapshot(keys());
        EncryptionKeyException wrong = assertThrows(EncryptionKeyException.class, () -> open(data(), MasterKey.random(), 1));
        assertEquals(EncryptionKeyException.Reason.WRONG_MASTER_KEY, wrong.reason());
        EncryptionKeyException missing = assertThrows(EncryptionKeyException.class, () -> open(data(), null, 1));
        assertEquals(EncryptionKeyException.Reason.MASTER_KEY_REQUIRED, missing.reason());
        Path bad = tmp.resolve("bad.key");
        Files.writeString(bad, "zzzz");
        EncryptionKeyException malformed = assertThrows(EncryptionKeyException.class,
                () -> Engram.builder(data()).embedder(new EngramPurgeTest.HashEmbedder()).masterKey(bad).keyStore(keys()).open());
        assertEquals(EncryptionKeyException.Reason.BAD_MASTER_KEY, malformed.reason());
        assertFalse(malformed.getMessage().contains("zzzz"));
        assertEquals(before, snapshot(data()) + snapshot(keys()), "nothing modified");
        // And the right key still opens it.
        try (Engram e = open(data(), master, 1)) {
            assertEquals(2, e.list(ListRequest.of(ALICE)).memories().size());
        }
        // Encryption cannot be turned on for a directory holding unencrypted data.
        Path plain = tmp.resolve("plain");
        try (Engram e = open(plain, null, 1)) {
            e.add(BOB, NewMemory.of("plain text"));
        }
        EncryptionKeyException notEncrypted = assertThrows(EncryptionKeyException.class, () -> open(plain, master, 1));
        assertEquals(EncryptionKeyException.Reason.NOT_ENCRYPTED, notEncrypted.reason());
        try (Engram e = open(plain, null, 1)) {
            assertEquals(1, e.list(ListRequest.of(BOB)).memories().size());
        }
    }

    @Test
    void theDefaultKeyStoreIsOutsideTheDataDirectory() throws Exception {
        MasterKey master = MasterKey.random();
        Path dataDir = tmp.resolve("d1");
        try (Engram e = Engram.builder(dataDir).embedder(new EngramPurgeTest.HashEmbedder()).masterKey(keyFile(master)).open()) {
            e.add(ALICE, NewMemory.of("hello"));
        }
        assertTrue(Files.exists(tmp.resolve("d1.keys").resolve(KeyStore.MARKER)));
        try (Stream<Path> files = Files.walk(dataDir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().equals(KeyStore.MARKER)));
        }
    }

    private Path keyPath(UserId u) {
        String h = KeyStore.hashName(u);
        return keys().resolve(h.substring(0, 2)).resolve(h);
    }

    private boolean decryptedContains(UserId u, MasterKey master, String needle) throws IOException {
        byte[] n = needle.getBytes(StandardCharsets.UTF_8);
        try (KeyStore ks = KeyStore.open(FileStorage.open(keys()), master, false);
                Stream<Path> files = Files.list(UserDirectoryLayout.resolve(data(), u))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".seg")).toList()) {
                BlockFileReader.Parsed p = parse(Files.readAllBytes(f), f, FileCiphers.of(ks, u));
                for (int i = 0; i < p.blocks().size(); i++) if (new String(p.payload(i), StandardCharsets.UTF_8).contains(needle)) return true;
            }
        }
        return n.length == 0;
    }

    private static BlockFileReader.Parsed parse(byte[] bytes, Path f, FileCiphers ciphers) throws IOException {
        int magic = ByteBuffer.wrap(bytes).getInt(0);
        int len = bytes[4] & 0xFF;
        String name = new String(bytes, 5, len, StandardCharsets.US_ASCII);
        int version = ByteBuffer.wrap(bytes).getInt(5 + len);
        try {
            return BlockFileReader.parse(bytes, bytes.length, f.toString(), magic, name, version, version,
                    BlockFileReader.Mode.RECOVER, ciphers.reading(f.getFileName().toString()));
        } catch (CorruptFileException e) {
            throw new AssertionError(f + " does not parse", e);
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        }
    }

    private static String snapshot(Path root) throws IOException {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted().toList()) {
                sb.append(root.relativize(p)).append(':');
                if (Files.isRegularFile(p)) sb.append(HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest(Files.readAllBytes(p))));
                sb.append('\n');
            }
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return sb.toString();
    }
}
