package dev.engram.wal;

import java.util.Iterator;

/**
 * Reads records in LSN order from a starting LSN (see {@link Wal#reader(long)}), while appends go on.
 * {@link #hasNext()} answers for the records acknowledged at the time of the call: it may return
 * {@code false} now and {@code true} later, after more appends (a tailing iterator).
 *
 * <p>Not thread-safe: one reader per thread. {@link #close()} is idempotent; close readers before the log.
 */
public interface WalReader extends Iterator<WalRecord>, AutoCloseable {
    @Override
    void close();
}
