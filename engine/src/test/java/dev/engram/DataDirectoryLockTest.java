package dev.engram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.memory.UserId;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One engine per data directory: a second open is refused until the first is closed. */
class DataDirectoryLockTest {
    @TempDir
    Path dir;

    @Test
    void aSecondOpenOfTheSameDirectoryIsRefusedUntilTheFirstCloses() throws Exception {
        Path data = dir.resolve("data");
        UserId alice = UserId.of("alice");
        try (Engram first = Engram.builder(data).embedder(new EngramPurgeTest.HashEmbedder()).open()) {
            first.add(alice, NewMemory.of("I play the cello."));
            DataDirectoryInUseException e = assertThrows(DataDirectoryInUseException.class,
                    () -> Engram.builder(data).embedder(new EngramPurgeTest.HashEmbedder()).open());
            assertTrue(e.getMessage().contains("engram.lock"), e.getMessage());
            // the refused open touched nothing: the first engine still works
            first.add(alice, NewMemory.of("I live in Lisbon."));
        }
        assertTrue(Files.exists(data.resolve("engram.lock")));
        try (Engram again = Engram.builder(data).embedder(new EngramPurgeTest.HashEmbedder()).open()) {
            assertEquals(2, again.list(ListRequest.of(alice)).memories().size());
        }
    }

    @Test
    void aFailedOpenReleasesTheLock() throws Exception {
        Path data = dir.resolve("data");
        try (Engram plain = Engram.builder(data).embedder(new EngramPurgeTest.HashEmbedder()).open()) {
            plain.add(UserId.of("bob"), NewMemory.of("plain text"));
        }
        // A master key for a directory holding unencrypted data fails inside the store's open, after
        // the lock was taken: the lock must not stay held.
        Path key = dir.resolve("master.key");
        Files.writeString(key, "00".repeat(32) + "\n");
        EncryptionKeyException e = assertThrows(EncryptionKeyException.class,
                () -> Engram.builder(data).embedder(new EngramPurgeTest.HashEmbedder()).masterKey(key).keyStore(dir.resolve("keys")).open());
        assertEquals(EncryptionKeyException.Reason.NOT_ENCRYPTED, e.reason());
        try (Engram again = Engram.builder(data).embedder(new EngramPurgeTest.HashEmbedder()).open()) {
            assertEquals(1, again.list(ListRequest.of(UserId.of("bob"))).memories().size());
        }
    }
}
