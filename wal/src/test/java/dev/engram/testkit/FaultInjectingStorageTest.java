package dev.engram.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.io.FileOutput;
import dev.engram.io.Storage;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** The wrapper keeps the storage contract, and its fault and power-loss model behaves as documented. */
@Seeded
class FaultInjectingStorageTest extends StorageContract {
    @Override
    protected Storage newStorage() throws IOException {
        return FaultInjectingStorage.wrap(new InMemoryStorage());
    }

    private FaultInjectingStorage fault() {
        return (FaultInjectingStorage) storage;
    }

    @Test
    void failOnceFailsExactlyThatOperation() throws IOException {
        long base = fault().operations();
        fault().failOnce(base + 2);
        FileOutput out = storage.create("a"); // base + 1
        IOException e = assertThrows(IOException.class, () -> out.write(new byte[4])); // base + 2
        assertTrue(e.getMessage().contains("injected fault at operation " + (base + 2)), e.getMessage());
        out.write(new byte[4]); // base + 3: fine again
        assertEquals(4, out.size());
    }

    @Test
    void failFromFailsEverythingAfter() throws IOException {
        fault().failFrom(fault().operations() + 1);
        assertThrows(IOException.class, () -> storage.create("a"));
        assertThrows(IOException.class, () -> storage.list());
        fault().clearFaults();
        assertEquals(0, storage.list().size());
    }

    @RepeatedTest(20)
    void powerLossKeepsSyncedBytesAndDirectoryEntries(TestRandom random) throws IOException {
        byte[] synced = bytes(700, 1);
        byte[] unsynced = bytes(2000, 2);
        try (FileOutput out = storage.create("log")) {
            out.write(synced);
            out.sync();
            storage.syncDirectory();
            out.write(unsynced);
        }
        write("new-file-not-in-directory", bytes(10, 3));
        fault().powerLoss(random);
        byte[] after = read("log");
        assertTrue(after.length >= synced.length && after.length <= synced.length + unsynced.length, "length " + after.length);
        assertArrayEquals(synced, Arrays.copyOf(after, synced.length), "synced bytes must survive unchanged");
        assertFalse(storage.list().contains("log-x"));
    }

    @Test
    void powerLossCanDropUnsyncedEntriesAndTearUnsyncedBytes(TestRandom random) throws IOException {
        Set<String> outcomes = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            storage = newStorage();
            write("base", bytes(10, 0));
            storage.syncDirectory();
            try (FileOutput out = storage.openAppend("base")) {
                out.write(bytes(1500, 9));
            }
            write("fresh", bytes(10, 1)); // synced data, unsynced directory entry
            fault().powerLoss(random.fork());
            byte[] base = read("base");
            byte[] live = new byte[1510];
            System.arraycopy(bytes(10, 0), 0, live, 0, 10);
            System.arraycopy(bytes(1500, 9), 0, live, 10, 1500);
            boolean prefix = Arrays.equals(base, Arrays.copyOf(live, base.length));
            outcomes.add(base.length == 10 ? "dropped" : base.length == 1510 && prefix ? "kept" : prefix ? "cut" : "torn");
            outcomes.add(storage.exists("fresh") ? "entry kept" : "entry lost");
        }
        assertEquals(Set.of("dropped", "kept", "cut", "torn", "entry kept", "entry lost"), outcomes);
    }

    @Test
    void crashAtStopsEverythingUntilPowerLoss(TestRandom random) throws IOException {
        FileOutput out = storage.create("a");
        fault().crashAt(fault().operations() + 1);
        assertThrows(IOException.class, () -> out.write(new byte[1]));
        assertTrue(fault().crashed());
        assertThrows(IOException.class, () -> storage.list());
        fault().powerLoss(random);
        assertFalse(fault().crashed());
        assertThrows(IOException.class, () -> out.write(new byte[1]), "handles from before the outage are dead");
        // Created but its directory never synced: the entry may be lost; if kept, it holds nothing.
        if (storage.exists("a")) assertEquals(0, storage.size("a"));
    }

    @Test
    void renameIsAtomicAcrossPowerLoss(TestRandom random) throws IOException {
        for (int i = 0; i < 50; i++) {
            storage = newStorage();
            write("manifest", bytes(10, 1));
            storage.syncDirectory();
            write("manifest.tmp", bytes(20, 2));
            storage.rename("manifest.tmp", "manifest");
            fault().powerLoss(random.fork());
            byte[] m = read("manifest");
            assertTrue(Arrays.equals(m, bytes(10, 1)) || Arrays.equals(m, bytes(20, 2)), "rename not atomic");
        }
    }
}
