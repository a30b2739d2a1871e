package dev.engram.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.io.FileInput;
import dev.engram.io.FileOutput;
import dev.engram.io.Storage;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link Storage} contract, stated once; each implementation's test extends this class and
 * supplies a fresh, empty storage. Durability under power loss is not observable here (see
 * {@code FaultInjectingStorageTest}); everything else in the contract is.
 */
public abstract class StorageContract {
    protected Storage storage;

    /** A new, empty storage. */
    protected abstract Storage newStorage() throws IOException;

    @BeforeEach
    void setUp() throws IOException {
        storage = newStorage();
    }

    @AfterEach
    void tearDown() throws IOException {
        storage.close();
        storage.close(); // idempotent
    }

    protected static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i * 31 + seed);
        return b;
    }

    protected byte[] read(String name) throws IOException {
        try (FileInput in = storage.openInput(name)) {
            byte[] b = new byte[(int) in.size()];
            in.readFully(0, b, 0, b.length);
            return b;
        }
    }

    protected void write(String name, byte[] content) throws IOException {
        try (FileOutput out = storage.create(name)) {
            out.write(content);
            out.sync();
        }
    }

    @Test
    void createAppendReadBack() throws IOException {
        try (FileOutput out = storage.create("a")) {
            assertEquals(0, out.size());
            out.write(bytes(100, 1));
            out.write(ByteBuffer.wrap(bytes(50, 2)));
            assertEquals(150, out.size());
            out.sync();
        }
        byte[] all = read("a");
        assertEquals(150, all.length);
        assertArrayEquals(bytes(100, 1), java.util.Arrays.copyOf(all, 100));
        assertEquals(150, storage.size("a"));
        try (FileOutput out = storage.openAppend("a")) {
            assertEquals(150, out.size());
            out.write(bytes(10, 3));
        }
        assertEquals(160, storage.size("a"));
        FileOutput twice = storage.openAppend("a");
        twice.close();
        twice.close(); // idempotent
    }

    @Test
    void inputSeesLaterAppendsAndPositionalReads() throws IOException {
        try (FileOutput out = storage.create("f"); FileInput in = storage.openInput("f")) {
            out.write(bytes(10, 0));
            assertEquals(10, in.size());
            out.write(bytes(10, 5));
            assertEquals(20, in.size());
            byte[] b = new byte[10];
            in.readFully(10, b, 0, 10);
            assertArrayEquals(bytes(10, 5), b);
            assertEquals(-1, in.read(20, ByteBuffer.allocate(4)));
            assertThrows(EOFException.class, () -> in.readFully(15, new byte[10], 0, 10));
        }
    }

    @Test
    void missingAndExistingFilesThrowTypedErrors() throws IOException {
        assertThrows(NoSuchFileException.class, () -> storage.openInput("nope"));
        assertThrows(NoSuchFileException.class, () -> storage.openAppend("nope"));
        write("x", bytes(3, 0));
        assertThrows(FileAlreadyExistsException.class, () -> storage.create("x"));
        assertFalse(storage.delete("nope"));
    }

    @Test
    void listDeleteExists() throws IOException {
        write("b", bytes(1, 0));
        write("a", bytes(1, 0));
        storage.subdirectory("d");
        assertEquals(List.of("a", "b", "d"), storage.list());
        assertTrue(storage.exists("a"));
        assertTrue(storage.isDirectory("d"));
        assertFalse(storage.isDirectory("a"));
        assertTrue(storage.delete("a"));
        assertFalse(storage.exists("a"));
        storage.syncDirectory();
        assertEquals(List.of("b", "d"), storage.list());
    }

    @Test
    void renameReplacesAtomically() throws IOException {
        write("target", bytes(10, 1));
        write("tmp", bytes(20, 2));
        storage.rename("tmp", "target");
        storage.syncDirectory();
        assertFalse(storage.exists("tmp"));
        assertArrayEquals(bytes(20, 2), read("target"));
    }

    @Test
    void truncateShortens() throws IOException {
        write("t", bytes(100, 0));
        storage.truncate("t", 40);
        storage.sync("t");
        assertArrayEquals(java.util.Arrays.copyOf(bytes(100, 0), 40), read("t"));
        storage.truncate("t", 400); // never extends
        assertEquals(40, storage.size("t"));
    }

    @Test
    void inputSurvivesDeletion() throws IOException {
        write("gone", bytes(30, 7));
        try (FileInput in = storage.openInput("gone")) {
            assertTrue(storage.delete("gone"));
            byte[] b = new byte[30];
            in.readFully(0, b, 0, 30);
            assertArrayEquals(bytes(30, 7), b);
        }
    }

    @Test
    void subdirectoriesAreSeparateAndDeletable() throws IOException {
        Storage sub = storage.subdirectory("user-1");
        try (FileOutput out = sub.create("seg")) {
            out.write(bytes(5, 1));
        }
        assertFalse(storage.exists("seg"));
        assertArrayEquals(bytes(5, 1), readFrom(storage.subdirectory("user-1"), "seg"));
        assertTrue(storage.deleteDirectory("user-1"));
        assertFalse(storage.exists("user-1"));
        assertFalse(storage.deleteDirectory("user-1"));
    }

    @Test
    void badNamesAreRejected() {
        for (String bad : new String[] {"", ".", "..", "a/b", "a\\b", "a\0b", "x".repeat(256)}) {
            assertThrows(IllegalArgumentException.class, () -> storage.create(bad), bad);
            assertThrows(IllegalArgumentException.class, () -> storage.openInput(bad), bad);
        }
    }

    private static byte[] readFrom(Storage s, String name) throws IOException {
        try (FileInput in = s.openInput(name)) {
            byte[] b = new byte[(int) in.size()];
            in.readFully(0, b, 0, b.length);
            return b;
        }
    }
}
