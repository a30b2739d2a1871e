package dev.engram.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.io.CorruptFileException;
import dev.engram.io.FileInput;
import dev.engram.io.FileOutput;
import dev.engram.io.Storage;
import dev.engram.memory.UserId;
import dev.engram.testkit.FaultInjectingStorage;
import dev.engram.testkit.InMemoryStorage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The key store: create / get / destroy round trips through a reopen, a wrong master key refused
 * with nothing modified, a key file moved to another user's name refused, malformed master keys
 * refused without echoing them, and crash safety of key creation and destruction: a power loss or
 * an I/O error at every storage operation leaves either the old or the new state, never a key that
 * does not unwrap, and an acknowledged creation or destruction always survives.
 */
class KeyStoreTest {
    static final MasterKey MASTER = MasterKey.parse("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    static final UserId ANN = UserId.of("ann@example.com");
    static final UserId BOB = UserId.of("bob");

    @Test
    void keysAreCreatedOnceAndSurviveAReopenAndDestroyIsFinal() throws IOException {
        InMemoryStorage mem = new InMemoryStorage();
        long annId;
        try (KeyStore ks = KeyStore.open(mem.subdirectory("keys"), MASTER, true)) {
            assertTrue(ks.get(ANN).isEmpty());
            UserKey k = ks.obtain(ANN);
            assertEquals(k.id(), ks.obtain(ANN).id(), "obtain returns the existing key");
            annId = k.id();
            ks.obtain(BOB);
            assertNotEquals(annId, ks.get(BOB).orElseThrow().id());
        }
        try (KeyStore ks = KeyStore.open(mem.subdirectory("keys"), MASTER, false)) {
            UserKey k = ks.get(ANN).orElseThrow();
            assertEquals(annId, k.id());
            byte[] box = k.seal(new byte[] {1}, "hello".getBytes(StandardCharsets.UTF_8), 0, 5);
            assertEquals("hello", new String(k.open(new byte[] {1}, box, 0, box.length), StandardCharsets.UTF_8));
            assertTrue(ks.destroy(ANN));
            assertFalse(ks.destroy(ANN), "idempotent");
            assertTrue(ks.get(ANN).isEmpty());
            assertTrue(ks.get(BOB).isPresent());
            UserKey again = ks.obtain(ANN);
            assertNotEquals(annId, again.id(), "a user id used again gets a new key");
            // The old key's ciphertext does not open under the new key.
            assertEquals(null, again.open(new byte[] {1}, box, 0, box.length));
        }
    }

    @Test
    void aWrongMasterKeyIsRefusedAndNothingIsModified() throws IOException {
        InMemoryStorage mem = new InMemoryStorage();
        try (KeyStore ks = KeyStore.open(mem.subdirectory("keys"), MASTER, true)) {
            ks.obtain(ANN);
        }
        String before = snapshot(mem);
        KeyStoreException e = assertThrows(KeyStoreException.class,
                () -> KeyStore.open(mem.subdirectory("keys"), MasterKey.random(), true));
        assertEquals(KeyStoreException.Reason.WRONG_MASTER_KEY, e.reason());
        assertEquals(before, snapshot(mem));
        assertThrows(KeyStoreException.class, () -> KeyStore.open(new InMemoryStorage(), MASTER, false), "no key store");
    }

    @Test
    void aKeyFileRenamedToAnotherUserDoesNotUnwrap() throws IOException {
        InMemoryStorage mem = new InMemoryStorage();
        try (KeyStore ks = KeyStore.open(mem.subdirectory("keys"), MASTER, true)) {
            ks.obtain(ANN);
        }
        String ann = KeyStore.hashName(ANN);
        String bob = KeyStore.hashName(BOB);
        byte[] file;
        try (Storage keys = mem.subdirectory("keys"); Storage a = keys.subdirectory(ann.substring(0, 2))) {
            file = read(a, ann);
        }
        try (Storage keys = mem.subdirectory("keys"); Storage b = keys.subdirectory(bob.substring(0, 2))) {
            try (FileOutput out = b.create(bob)) {
                out.write(file);
            }
        }
        try (KeyStore ks = KeyStore.open(mem.subdirectory("keys"), MASTER, false)) {
            CorruptFileException e = assertThrows(CorruptFileException.class, () -> ks.get(BOB));
            assertTrue(e.getMessage().contains("does not unwrap"), e.getMessage());
            assertTrue(ks.get(ANN).isPresent());
        }
    }

    @Test
    void malformedMasterKeysAreRefusedWithoutEchoingThem() {
        String secretish = "not-a-key-zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MasterKey.parse(secretish));
        assertFalse(e.getMessage().contains(secretish));
        assertThrows(IllegalArgumentException.class, () -> MasterKey.parse("abcd"));
        assertThrows(IllegalArgumentException.class, () -> MasterKey.of(new byte[31]));
        MasterKey k = MasterKey.random();
        assertEquals(k.toHex(), MasterKey.parse(k.toHex()).toHex());
        assertEquals(k.toHex(), MasterKey.parse(java.util.Base64.getEncoder().encodeToString(
                java.util.HexFormat.of().parseHex(k.toHex()))).toHex());
        assertFalse(k.toString().contains(k.toHex()));
    }

    /**
     * Every storage operation of: open a new key store, create ANN's key, create BOB's key, destroy
     * ANN's key — failed once (then the process dies) or cut by a power loss. Reopening always
     * works with the right master key; a key acknowledged created is there (and unwraps), a key
     * acknowledged destroyed is gone, and a key whose operation was cut is either absent or intact.
     */
    @Test
    void creationAndDestructionSurviveAFaultAtEveryOperation() throws IOException {
        FaultInjectingStorage probe = FaultInjectingStorage.wrap(new InMemoryStorage());
        int[] steps = run(probe);
        assertEquals(4, steps[0]);
        long total = probe.operations();
        for (boolean powerLoss : new boolean[] {false, true}) {
            for (long n = 1; n <= total; n++) {
                FaultInjectingStorage root = FaultInjectingStorage.wrap(new InMemoryStorage());
                if (powerLoss) root.crashAt(n);
                else root.failOnce(n);
                int done = run(root)[0];
                if (powerLoss) root.powerLoss(new Random(n));
                else root.clearFaults();
                String context = (powerLoss ? "power loss" : "failure") + " at operation " + n + " of " + total + ", " + done
                        + " steps acknowledged";
                if (done == 0 && !root.isDirectory("keys")) continue;
                KeyStore ks;
                try {
                    ks = KeyStore.open(root.subdirectory("keys"), MASTER, true);
                } catch (IOException e) {
                    throw new AssertionError(context + ": reopen failed", e);
                }
                try (ks) {
                    Optional<UserKey> ann = ks.get(ANN);
                    Optional<UserKey> bob = ks.get(BOB);
                    if (done == 2) assertTrue(ann.isPresent(), context + ": ANN's acknowledged key");
                    // done == 3: ANN's destruction was in flight: present (and unwrapping) or gone
                    if (done >= 4) assertTrue(ann.isEmpty(), context + ": ANN's acknowledged destruction");
                    if (done >= 3) assertTrue(bob.isPresent(), context + ": BOB's acknowledged key");
                    if (done < 1) assertTrue(ann.isEmpty() && bob.isEmpty(), context);
                    // It takes writes again, and what it returns unwraps.
                    ks.obtain(ANN);
                    ks.obtain(BOB);
                } catch (IOException e) {
                    throw new AssertionError(context + ": reading keys failed", e);
                }
            }
        }
    }

    /** Open, create ANN, create BOB, destroy ANN; returns {steps acknowledged}. */
    private static int[] run(FaultInjectingStorage root) {
        int done = 0;
        try {
            boolean existed = root.isDirectory("keys");
            Storage dir = root.subdirectory("keys");
            if (!existed) root.syncDirectory();
            try (KeyStore ks = KeyStore.open(dir, MASTER, true)) {
                done = 1;
                ks.obtain(ANN);
                done = 2;
                ks.obtain(BOB);
                done = 3;
                ks.destroy(ANN);
                done = 4;
            }
        } catch (IOException | RuntimeException e) {
            // the fault; the process dies
        }
        return new int[] {done};
    }

    private static byte[] read(Storage dir, String name) throws IOException {
        try (FileInput in = dir.openInput(name)) {
            byte[] b = new byte[(int) in.size()];
            in.readFully(0, b, 0, b.length);
            return b;
        }
    }

    /** Every file's path and bytes (hex), recursively. */
    static String snapshot(Storage dir) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String n : dir.list()) {
            if (dir.isDirectory(n)) {
                try (Storage sub = dir.subdirectory(n)) {
                    sb.append(n).append("/{").append(snapshot(sub)).append("}");
                }
            } else {
                sb.append(n).append('=').append(java.util.HexFormat.of().formatHex(read(dir, n))).append(';');
            }
        }
        return sb.toString();
    }
}
