package dev.engram.wal;

import dev.engram.io.Closeables;
import dev.engram.io.FileStorage;
import dev.engram.io.Storage;
import dev.engram.wal.internal.LogReader;
import dev.engram.wal.internal.LogWriter;
import dev.engram.wal.internal.Recovery;
import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Engram's global write-ahead log: a segmented, append-only log of opaque typed records with
 * monotonically increasing LSNs (1, 2, 3, …), CRC32C-framed, group-committed.
 *
 * <ul>
 *   <li><b>Append</b>: {@link #append} returns the record's LSN once it is acknowledged under the
 *       {@link Durability} mode (under {@code SYNC}, the default: once it is fsynced). Many threads may
 *       append at once; one fsync covers a whole batch.</li>
 *   <li><b>Recovery</b> runs in {@link #open}: a torn tail is truncated, mid-log damage refuses to open
 *       with {@link CorruptLogException} (file + offset) unless salvage mode is on. See
 *       {@link #recoveryReport()}.</li>
 *   <li><b>Fail-stop</b>: after any failed write or fsync, every call throws {@link WalFailedException}
 *       whose cause is the original error. The log never retries an fsync.</li>
 *   <li><b>Checkpoint</b>: {@link #checkpoint(long)} deletes whole segments whose records are all
 *       persisted elsewhere.</li>
 * </ul>
 * The file format and the durability contract are in {@code docs/wal.md}.
 *
 * <p><b>Thread-safety:</b> thread-safe; every method may be called from any thread. {@link #close()}
 * is idempotent.
 */
public final class Wal implements AutoCloseable {
    private final WalOptions options;
    private final Storage storage;
    private final boolean ownsStorage;
    private final LogWriter writer;
    private final RecoveryReport report;
    private volatile boolean closed;

    private Wal(WalOptions options, Storage storage, boolean ownsStorage, LogWriter writer, RecoveryReport report) {
        this.options = options;
        this.storage = storage;
        this.ownsStorage = ownsStorage;
        this.writer = writer;
        this.report = report;
    }

    /**
     * Opens the log, creating it if the directory has none, and runs recovery.
     *
     * @throws CorruptLogException if the log is damaged before its tail and salvage mode is off
     * @throws IOException         if the storage fails
     */
    public static Wal open(WalOptions options) throws IOException {
        Objects.requireNonNull(options, "options");
        boolean owns = options.storage() == null;
        Storage storage = owns ? FileStorage.open(options.directory()) : options.storage();
        boolean ok = false;
        try {
            Recovery.Result recovered = Recovery.run(storage, options.salvage());
            LogWriter writer = new LogWriter(storage, options, recovered);
            ok = true;
            return new Wal(options, storage, owns, writer, recovered.report());
        } finally {
            if (!ok && owns) Closeables.closeQuietly(storage);
        }
    }

    /**
     * Appends a record and waits until it is acknowledged (under SYNC: fsynced). Not interruptible: an
     * interrupted caller keeps waiting and finds its interrupt flag set afterwards.
     *
     * @param type    the caller's record type (stored as is)
     * @param payload the record's bytes; the log keeps no reference after this returns
     * @return the record's LSN
     * @throws RecordTooLargeException if the payload is larger than {@link WalOptions#maxRecordSize()}; nothing is written
     * @throws WalFailedException      if the log failed (now or earlier); the record may or may not be in the log
     * @throws WalClosedException      if the log is closed
     */
    public long append(int type, byte[] payload) {
        Objects.requireNonNull(payload, "payload");
        if (payload.length > options.maxRecordSize()) throw new RecordTooLargeException(payload.length, options.maxRecordSize());
        checkOpen();
        checkNotLogThread();
        try {
            return writer.appendAndWait(type, payload);
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw e;
        }
    }

    /**
     * Appends a record without waiting: the future completes with its LSN once acknowledged, or
     * exceptionally with {@link WalFailedException} / {@link WalClosedException}. Futures complete in
     * LSN order, on the log's own threads: dependent actions must be quick and must not call the
     * blocking methods of this log (use the {@code ...Async} variants of {@link CompletableFuture} for
     * real work). The payload must not change until the future completes.
     *
     * @throws RecordTooLargeException at once, if the payload is too large (nothing is written)
     */
    public CompletableFuture<Long> appendAsync(int type, byte[] payload) {
        Objects.requireNonNull(payload, "payload");
        if (payload.length > options.maxRecordSize()) throw new RecordTooLargeException(payload.length, options.maxRecordSize());
        checkOpen();
        return writer.submit(type, payload);
    }

    /**
     * A reader of the acknowledged records with LSN &gt;= {@code fromLsn} (records below the oldest kept
     * segment were checkpointed; the reader then starts at the oldest kept record). Works while appends
     * continue; close it before the log.
     *
     * @throws IllegalArgumentException if {@code fromLsn} is negative or beyond {@code lastLsn() + 1}
     */
    public WalReader reader(long fromLsn) {
        checkOpen();
        if (fromLsn < 0 || fromLsn > writer.ackedLsn() + 1) {
            throw new IllegalArgumentException("fromLsn " + fromLsn + " is outside [0, " + (writer.ackedLsn() + 1) + "]");
        }
        return new LogReader(writer, fromLsn);
    }

    /**
     * Declares every record up to {@code upToLsn} persisted elsewhere, and deletes the segment files
     * that hold only such records (rolling to a new segment first when {@code upToLsn} covers the
     * active one, so that a purge can remove everything). Returns once the deletions are durable.
     *
     * @throws IllegalArgumentException if {@code upToLsn} is negative or beyond {@link #lastLsn()}
     * @throws WalFailedException       if the log failed (a failure here also fail-stops the log)
     */
    public void checkpoint(long upToLsn) throws IOException {
        checkOpen();
        checkNotLogThread();
        if (upToLsn < 0 || upToLsn > writer.ackedLsn()) {
            throw new IllegalArgumentException("cannot checkpoint up to LSN " + upToLsn + ": the last LSN is " + writer.ackedLsn());
        }
        try {
            writer.checkpoint(upToLsn).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the checkpoint (it still runs)", e);
        }
    }

    /**
     * Seals the active segment, if it holds any record, and starts a new one: afterwards every record
     * appended before the call is in a sealed segment, which a {@link #checkpoint} up to its last LSN
     * deletes. Returns once the roll is durable. A purge uses it to retire a user's records without
     * truncating the records appended after them.
     *
     * @throws WalFailedException if the log failed (a failure here also fail-stops the log)
     */
    public void roll() throws IOException {
        checkOpen();
        checkNotLogThread();
        try {
            writer.requestRoll().get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the roll (it still runs)", e);
        }
    }

    /** The number of segment files the log holds now (the active one included). */
    public int segmentCount() {
        return writer.segments().size();
    }

    /** The LSN of the last acknowledged record (0 if none). */
    public long lastLsn() {
        return writer.ackedLsn();
    }

    /** The LSN up to which records are known to be fsynced (equals {@link #lastLsn()} under SYNC). */
    public long durableLsn() {
        return writer.durableLsn();
    }

    /** What recovery found and repaired when this log was opened. */
    public RecoveryReport recoveryReport() {
        return report;
    }

    /** Counters since open (appends, batches, fsyncs and their time, bytes, segments). */
    public WalStats stats() {
        return writer.stats();
    }

    public WalOptions options() {
        return options;
    }

    /**
     * Writes and fsyncs what is queued, stops the writer, and closes the files (and the storage if the
     * log opened it). Appends after this fail with {@link WalClosedException}. Idempotent.
     */
    @Override
    public void close() throws IOException {
        if (closed) return;
        closed = true;
        try {
            writer.close();
        } finally {
            if (ownsStorage) storage.close();
        }
    }

    private void checkNotLogThread() {
        if (writer.isLogThread()) {
            throw new IllegalStateException("blocking call on the write-ahead log from one of its own threads "
                    + "(a callback of an appendAsync future?) would deadlock; use appendAsync or a *Async callback");
        }
    }

    private void checkOpen() {
        Throwable t = writer.failure();
        if (t != null) throw new WalFailedException("write-ahead log has failed and accepts no more writes", t);
        if (closed) throw new WalClosedException("write-ahead log is closed");
    }
}
