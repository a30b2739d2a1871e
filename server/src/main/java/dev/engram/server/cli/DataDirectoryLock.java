package dev.engram.server.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive OS lock on {@code <data>/engram.lock}, held while a command has the data
 * directory open: the engine takes no lock of its own, and two processes writing one WAL would
 * corrupt it. An MCP client may start {@code engram mcp} more than once on one directory; the
 * second start fails with a clear message instead. The lock is released when the process exits,
 * however it exits. Not thread-safe; close once (a second close is harmless).
 */
final class DataDirectoryLock implements AutoCloseable {
    static final String FILE = "engram.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock, creating the directory if needed.
     *
     * @throws IllegalStateException if another process (or this one) holds it
     * @throws IOException if the lock file cannot be created or locked
     */
    static DataDirectoryLock acquire(Path data) throws IOException {
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
            throw new IllegalStateException(data.toAbsolutePath().normalize() + " is in use by another Engram process ("
                    + file + " is locked); stop it, or use its HTTP endpoint /mcp instead");
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
