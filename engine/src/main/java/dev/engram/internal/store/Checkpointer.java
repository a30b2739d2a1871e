package dev.engram.internal.store;

import dev.engram.io.Storage;
import dev.engram.wal.Wal;
import dev.engram.wal.WalException;
import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The memory store's checkpoints: the procedure (read an LSN up to which every acknowledged record
 * is applied, flush the users, write the {@link StoreCheckpoint} marker, truncate the WAL) and the
 * policy (in the background once more than {@code triggerBytes} of WAL were appended since the
 * last one; explicitly; on close). Writes hold {@link #applyGate()} from their WAL append to their
 * application, which a checkpoint takes exclusively for an instant. Thread-safe; one checkpoint
 * runs at a time.
 */
final class Checkpointer {
    private final Wal wal;
    private final Storage root;
    private final OpenUsers users;
    private final FailStop failStop;
    private final MemoryStore.EventSink sink;
    private final long triggerBytes;
    private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
    private final ReentrantLock running = new ReentrantLock();
    private final AtomicLong walBytes = new AtomicLong();
    private final AtomicLong count = new AtomicLong();
    private final AtomicBoolean queued = new AtomicBoolean();
    private final ExecutorService background =
            Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().daemon().name("engram-checkpoint").unstarted(r));
    private volatile StoreCheckpoint marker;
    private volatile boolean stopped;

    Checkpointer(Wal wal, Storage root, OpenUsers users, FailStop failStop, MemoryStore.EventSink sink, long triggerBytes,
            StoreCheckpoint marker) {
        this.wal = wal;
        this.root = root;
        this.users = users;
        this.failStop = failStop;
        this.sink = sink;
        this.triggerBytes = triggerBytes;
        this.marker = marker;
    }

    /** Held (shared) by a write from its WAL append until it is applied to the user's store. */
    Lock applyGate() {
        return gate.readLock();
    }

    /** Counts WAL bytes appended (payload plus the 24-byte record header) toward the next checkpoint. */
    void appended(long bytes) {
        walBytes.addAndGet(bytes);
    }

    /** Runs a checkpoint now, in the calling thread (waiting for one already running). */
    void checkpoint() throws IOException {
        running.lock();
        try {
            failStop.check();
            long applied;
            gate.writeLock().lock();
            try {
                applied = wal.lastLsn(); // every record up to it is applied: writers hold the gate's read side
                walBytes.set(0);
            } finally {
                gate.writeLock().unlock();
            }
            users.flushAll();
            StoreCheckpoint previous = marker;
            long retain = sink.retainFromLsn();
            long truncated = Math.max(previous.truncatedLsn(), Math.min(applied, retain <= 0 ? 0 : retain - 1));
            StoreCheckpoint next = new StoreCheckpoint(Math.max(applied, previous.appliedLsn()), truncated);
            try {
                if (!next.equals(previous)) next.write(root); // the marker before the truncation: a crash between only leaves extra records
                marker = next;
                wal.checkpoint(next.truncatedLsn());
            } catch (IOException | RuntimeException e) {
                throw failStop.fail("checkpoint failed", e instanceof WalException && e.getCause() != null ? e.getCause() : e);
            }
            count.incrementAndGet();
        } finally {
            running.unlock();
        }
    }

    /** Queues a checkpoint on the background thread if the WAL grew past the trigger since the last one. */
    void maybeInBackground() {
        if (walBytes.get() <= triggerBytes || stopped || failStop.failure() != null) return;
        if (!queued.compareAndSet(false, true)) return;
        try {
            background.execute(() -> {
                try {
                    if (!stopped) checkpoint();
                } catch (IOException | RuntimeException e) {
                    failStop.fail("background checkpoint failed", e); // later writes name it
                } finally {
                    queued.set(false);
                }
            });
        } catch (RejectedExecutionException e) {
            queued.set(false); // stopping
        }
    }

    /** Stops the background thread, waiting for a checkpoint it is running. Idempotent. */
    void stop() {
        stopped = true;
        background.shutdown();
        try {
            background.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Abandons the background thread at once (a failed open). */
    void stopNow() {
        stopped = true;
        background.shutdownNow();
    }

    StoreCheckpoint marker() {
        return marker;
    }

    long walBytesSinceCheckpoint() {
        return walBytes.get();
    }

    long checkpoints() {
        return count.get();
    }
}
