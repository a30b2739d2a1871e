package dev.engram.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.testkit.StorageContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileStorageTest extends StorageContract {
    @TempDir
    Path dir;

    @Override
    protected Storage newStorage() throws IOException {
        return FileStorage.open(dir.resolve("store"));
    }

    @Test
    void filesLiveInTheDirectoryAndLocationsAreAbsolutePaths() throws IOException {
        write("seg-1", bytes(10, 0));
        storage.syncDirectory();
        assertTrue(Files.exists(dir.resolve("store/seg-1")));
        assertEquals(dir.resolve("store/seg-1").toAbsolutePath().toString(), storage.location("seg-1"));
    }
}
