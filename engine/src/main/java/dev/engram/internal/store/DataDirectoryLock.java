package dev.engram.internal.store;

import dev.engram.DataDirectoryInUseException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive OS lock on {@code <data>/engram.lock}, held from {@code Engram.open} to its close:
 * two engines writing one WAL would corrupt it, so a second open of the directory — another
 * process, or another engine in this one — is refused before anything is read or written. The OS
 * releases the lock when the process exits, however it exits (kill -9 included), so a crash never
 * leaves a stale lock behind. The file itself is empty and stays. Not thread-safe; close once (a
 * second close is harmless).
 */
public final class DataDirectoryLock implements AutoCloseable {
    public static final String FILE = "engram.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock, creating the directory if needed.
     *
     * @throws DataDirectoryInUseException if another process (or this one) holds it
     * @throws IOException if the lock file cannot be created or locked
     */
    public static DataDirectoryLock acquire(Path data) throws IOException {
        Files.createDirectories(data);
        Path file = data.resolve(FILE);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw new DataDirectoryInUseException(data.toAbsolutePath().normalize() + " is in use by another Engram ("
                    + file + " is locked): close it, or use its server (HTTP API or /mcp) instead");
        }
        return new DataDirectoryLock(channel, lock);
    }

    @Override
    public void close() throws IOException {
        if (!channel.isOpen()) return;
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
