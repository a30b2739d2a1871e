package dev.engram.wal.internal;

import dev.engram.io.FileOutput;
import dev.engram.io.Storage;
import dev.engram.wal.Durability;
import dev.engram.wal.WalClosedException;
import dev.engram.wal.WalFailedException;
import dev.engram.wal.WalOptions;
import dev.engram.wal.WalStats;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The group-commit engine. Appenders enqueue requests; whoever holds the lock — a blocking SYNC
 * appender that found nobody writing (leader/follower), or else the dedicated writer thread — drains
 * everything queued, assigns LSNs in queue order, encodes the batch into one buffer, writes it with one
 * call, fsyncs once (SYNC), and only then acknowledges: the leader returns, other appenders' futures
 * complete (through a second thread when the batch has several, so that waking them overlaps the next
 * fsync). A batch costs one write and one fsync however many appenders it carries. Async appends,
 * checkpoints, close and the INTERVAL/NONE modes go through the writer thread.
 *
 * <p>Any I/O error in the writer is tragic: the first one is kept, every pending and later request
 * fails with {@link WalFailedException} carrying it, and the writer stops. Nothing is retried.
 *
 * <p>Thread-safe: {@link #submit}, {@link #control} and the getters may be called from any thread.
 */
public final class LogWriter {
    private static final int MAX_BATCH = 8192;
    private static final int QUEUE_CAPACITY = 65536;
    private static final int MAX_BUFFER = 4 << 20;

    private sealed interface Request permits Append, Control {}

    private static final class Append implements Request {
        final int type;
        final byte[] payload;
        final CompletableFuture<Long> future;
        volatile long lsn;
        volatile boolean acked; // durable under the mode and acknowledged; set before the future completes

        Append(int type, byte[] payload, CompletableFuture<Long> future) {
            this.type = type;
            this.payload = payload;
            this.future = future;
        }
    }

    enum ControlKind { CHECKPOINT, ROLL, CLOSE }

    private record Control(ControlKind kind, long arg, CompletableFuture<Void> future) implements Request {}

    private final Storage storage;
    private final WalOptions options;
    private final boolean syncMode;
    private final long intervalNanos;
    private final LinkedBlockingQueue<Request> queue = new LinkedBlockingQueue<>(QUEUE_CAPACITY);
    private final Thread thread;
    /** Guards the writer state below and the consumption of the queue (so LSN order is queue order). */
    private final ReentrantLock lock = new ReentrantLock();
    private volatile boolean writerParked;
    private final List<Request> batch = new ArrayList<>();
    private Control pendingControl;
    private final List<Append> unacked = new ArrayList<>();

    /** A durable batch whose futures the completer thread completes, in LSN order. */
    private record Completion(Append[] appends, long firstLsn) {}

    private static final Completion STOP = new Completion(new Append[0], 0);
    private final LinkedBlockingQueue<Completion> completions = new LinkedBlockingQueue<>();
    private final AtomicInteger completionsPending = new AtomicInteger();
    private final Thread completer;

    // Writer state: guarded by `lock` (the writer thread or a leading appender holds it).
    private FileOutput active;
    private long activeFirstLsn;
    private long activeSize;
    private long nextLsn;
    private long lastWrittenLsn;
    private long lastSyncNanos;
    // Direct, so the channel writes it without a copy; grows (up to MAX_BUFFER, or one record) when batches overflow it.
    private ByteBuffer buf = ByteBuffer.allocateDirect(64 << 10).order(ByteOrder.BIG_ENDIAN);

    // Published state.
    private volatile List<Long> segments;
    private volatile long ackedLsn;
    private volatile long durableLsn;
    private volatile Throwable failure;
    private volatile boolean closing;
    private volatile boolean stopped;
    private volatile long appends, batches, syncs, syncNanos, bytesWritten, rolls;

    /**
     * Takes over the recovered log: appends continue in the newest segment (or a new one if there is
     * none). Runs on the caller's thread; I/O errors propagate.
     */
    public LogWriter(Storage storage, WalOptions options, Recovery.Result recovered) throws IOException {
        this.storage = storage;
        this.options = options;
        this.syncMode = options.durability() instanceof Durability.Sync;
        this.intervalNanos = options.durability() instanceof Durability.Interval(var period) ? period.toNanos() : -1;
        this.nextLsn = recovered.nextLsn();
        this.lastWrittenLsn = nextLsn - 1;
        this.ackedLsn = nextLsn - 1;
        this.durableLsn = nextLsn - 1;
        List<Long> segs = recovered.segments();
        if (segs.isEmpty()) {
            this.segments = List.of();
            openNewSegment();
        } else {
            this.segments = segs;
            activeFirstLsn = segs.getLast();
            active = storage.openAppend(SegmentFormat.fileName(activeFirstLsn));
            activeSize = active.size();
        }
        this.lastSyncNanos = System.nanoTime();
        this.thread = Thread.ofPlatform().name("engram-wal-writer").daemon(true).unstarted(this::run);
        this.completer = Thread.ofPlatform().name("engram-wal-ack").daemon(true).unstarted(this::complete);
        completer.start();
        thread.start();
    }

    /** Enqueues an append (validated by the caller); the future completes with its LSN once acknowledged. */
    public CompletableFuture<Long> submit(int type, byte[] payload) {
        checkUsable();
        CompletableFuture<Long> f = new CompletableFuture<>();
        enqueue(new Append(type, payload, f), true);
        return f;
    }

    /**
     * Appends and waits (SYNC mode's blocking path). Leader/follower on top of the writer thread: if no
     * one is writing, the caller writes and fsyncs the queued batch (its own record included) itself,
     * saving two thread hand-offs; otherwise it leaves the work to the current leader or the writer.
     */
    public long appendAndWait(int type, byte[] payload) {
        checkUsable();
        Append a = new Append(type, payload, new CompletableFuture<>());
        enqueue(a, false);
        if (syncMode && lock.tryLock()) {
            try {
                while (!a.acked && !stopped && processAvailable()) {
                    // one pass normally suffices: the drained batch holds our record
                }
            } finally {
                lock.unlock();
            }
            if (!queue.isEmpty()) wakeWriter();
        } else {
            wakeWriter();
        }
        if (a.acked) return a.lsn;
        return a.future.join();
    }

    /** Runs a checkpoint on the writer thread, after every append queued before it. */
    public CompletableFuture<Void> checkpoint(long upToLsn) {
        checkUsable();
        CompletableFuture<Void> f = new CompletableFuture<>();
        enqueue(new Control(ControlKind.CHECKPOINT, upToLsn, f), true);
        return f;
    }

    /** Seals the active segment (if it holds any record) and starts the next one, on the writer thread. */
    public CompletableFuture<Void> requestRoll() {
        checkUsable();
        CompletableFuture<Void> f = new CompletableFuture<>();
        enqueue(new Control(ControlKind.ROLL, 0, f), true);
        return f;
    }

    /** Stops accepting appends, writes and fsyncs what is queued, stops the writer, closes the segment. */
    public void close() throws IOException {
        if (!closing) {
            closing = true;
            CompletableFuture<Void> f = new CompletableFuture<>();
            enqueue(new Control(ControlKind.CLOSE, 0, f), true);
        }
        boolean interrupted = false;
        for (Thread t : new Thread[] {thread, completer}) { // the writer stops the completer when it ends
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        FileOutput out = active;
        active = null;
        if (out != null) out.close();
    }

    private void enqueue(Request r, boolean wake) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    if (queue.offer(r, 10, TimeUnit.MILLISECONDS)) break;
                } catch (InterruptedException e) {
                    interrupted = true; // an append is not interruptible; keep the flag for the caller
                }
                wakeWriter();
                if (stopped) break;
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
        if (wake) wakeWriter();
        // `stopped` is set before the last drain; a request enqueued after that drain is seen here.
        if (stopped) failQueued();
    }

    /** Unparks the writer if it waits for work (it sets the flag, then re-checks the queue, then parks). */
    private void wakeWriter() {
        if (writerParked) LockSupport.unpark(thread);
    }

    private void checkUsable() {
        Throwable t = failure;
        if (t != null) throw new WalFailedException("write-ahead log has failed and accepts no more writes", t);
        if (closing) throw new WalClosedException("write-ahead log is closed");
    }

    private RuntimeException stoppedError() {
        Throwable t = failure;
        return t != null ? new WalFailedException("write-ahead log has failed and accepts no more writes", t)
                : new WalClosedException("write-ahead log is closed");
    }

    private void failQueued() {
        List<Request> rest = new ArrayList<>();
        queue.drainTo(rest);
        for (Request r : rest) {
            switch (r) {
                case Append a -> a.future.completeExceptionally(stoppedError());
                case Control c -> {
                    if (c.kind == ControlKind.CLOSE) c.future.complete(null);
                    else c.future.completeExceptionally(stoppedError());
                }
            }
        }
    }

    /** The writer thread: processes whatever callers did not, runs interval fsyncs, ends on close or failure. */
    private void run() {
        long waitNanos = -1;
        while (true) {
            awaitWork(waitNanos);
            lock.lock();
            try {
                if (!stopped) {
                    processAvailable();
                    waitNanos = -1;
                    if (intervalNanos > 0 && !stopped) {
                        try {
                            syncIfIntervalDue();
                            if (lastWrittenLsn > durableLsn) waitNanos = Math.max(1, intervalNanos - (System.nanoTime() - lastSyncNanos));
                        } catch (Throwable t) {
                            fail(t);
                        }
                    }
                }
                if (stopped) {
                    failQueued();
                    completions.add(STOP); // under the lock: no leader can add a completion after it
                    return;
                }
            } finally {
                lock.unlock();
            }
        }
    }

    private void awaitWork(long waitNanos) {
        if (!queue.isEmpty() || stopped) return;
        writerParked = true;
        try {
            if (queue.isEmpty() && !stopped) {
                if (waitNanos > 0) LockSupport.parkNanos(this, waitNanos);
                else LockSupport.park(this);
            }
        } finally {
            writerParked = false;
        }
    }

    /**
     * Takes what is queued (up to a batch) and writes it, fsyncs under SYNC, acknowledges. Caller holds
     * the lock. Returns false if nothing was queued. An I/O error fail-stops the log.
     */
    private boolean processAvailable() {
        if (stopped) return false;
        queue.drainTo(batch, MAX_BATCH);
        if (batch.isEmpty()) return false;
        try {
            boolean close = false;
            for (Request r : batch) {
                if (close) { // queued behind the close request: the log no longer takes it
                    if (r instanceof Append a) a.future.completeExceptionally(stoppedError());
                    else if (r instanceof Control c) c.future.completeExceptionally(stoppedError());
                    continue;
                }
                switch (r) {
                    case Append a -> encode(a);
                    case Control c -> {
                        pendingControl = c;
                        flushAndAck();
                        if (c.kind == ControlKind.CHECKPOINT) {
                            doCheckpoint(c.arg);
                        } else if (c.kind == ControlKind.ROLL) {
                            if (lastWrittenLsn >= activeFirstLsn) roll();
                        } else {
                            if (lastWrittenLsn > durableLsn) sync();
                            close = true;
                        }
                        pendingControl = null;
                        c.future.complete(null);
                    }
                }
            }
            batch.clear();
            flushAndAck();
            if (close) {
                stopped = true;
                failQueued();
                wakeWriterAlways();
            }
        } catch (Throwable t) {
            fail(t);
        }
        return true;
    }

    /** The first tragic error: fail everything pending and stop (the writer thread then ends). */
    private void fail(Throwable t) {
        if (failure == null) failure = t;
        for (Append a : unacked) a.future.completeExceptionally(stoppedError());
        unacked.clear();
        for (Request r : batch) {
            if (r instanceof Append a) a.future.completeExceptionally(stoppedError());
            else if (r instanceof Control c) c.future.completeExceptionally(stoppedError());
        }
        batch.clear();
        if (pendingControl != null) pendingControl.future.completeExceptionally(stoppedError());
        pendingControl = null;
        stopped = true;
        failQueued();
        wakeWriterAlways();
    }

    private void wakeWriterAlways() {
        if (Thread.currentThread() != thread) LockSupport.unpark(thread);
    }

    /**
     * Completes the futures of durable batches, so that the writer can start the next write and fsync
     * while dozens of appender threads are being woken (on a small machine that takes as long as an fsync).
     */
    private void complete() {
        while (true) {
            Completion c;
            try {
                c = completions.take();
            } catch (InterruptedException e) {
                continue; // nobody interrupts this thread; the writer's STOP ends it
            }
            if (c == STOP) return;
            for (int i = 0; i < c.appends.length; i++) c.appends[i].future.complete(c.firstLsn + i);
            completionsPending.decrementAndGet();
        }
    }

    private void syncIfIntervalDue() throws IOException {
        if (intervalNanos > 0 && lastWrittenLsn > durableLsn && System.nanoTime() - lastSyncNanos >= intervalNanos) sync();
    }

    private void encode(Append a) throws IOException {
        int len = SegmentFormat.recordLength(a.payload.length);
        long used = activeSize + buf.position();
        if (used + len > options.segmentSize() && used > SegmentFormat.HEADER_LENGTH) {
            writeBuffer();
            roll();
        }
        if (buf.remaining() < len) {
            writeBuffer();
            if (buf.capacity() < len || buf.capacity() < MAX_BUFFER) {
                int cap = Math.max(len, Math.min(MAX_BUFFER, buf.capacity() * 2));
                buf = ByteBuffer.allocateDirect(cap).order(ByteOrder.BIG_ENDIAN);
            }
        }
        long lsn = nextLsn++;
        a.lsn = lsn;
        SegmentFormat.encode(buf, lsn, a.type, a.payload, durableLsn);
        unacked.add(a);
        appends = appends + 1;
    }

    private void writeBuffer() throws IOException {
        if (buf.position() == 0) return;
        buf.flip();
        int n = buf.remaining();
        active.write(buf);
        buf.clear();
        activeSize += n;
        bytesWritten = bytesWritten + n;
        lastWrittenLsn = nextLsn - 1;
    }

    /** Writes the buffer, fsyncs under SYNC, then acknowledges every encoded append in LSN order. */
    private void flushAndAck() throws IOException {
        if (unacked.isEmpty() && buf.position() == 0) return;
        writeBuffer();
        batches = batches + 1;
        if (syncMode && lastWrittenLsn > durableLsn) sync();
        long first = lastWrittenLsn - unacked.size() + 1;
        ackedLsn = lastWrittenLsn; // readers may see a record once its append returns
        for (Append a : unacked) a.acked = true;
        if (unacked.size() == 1 && completionsPending.get() == 0) {
            unacked.getFirst().future.complete(first); // a lone appender: no extra hand-off
        } else {
            completionsPending.incrementAndGet();
            completions.add(new Completion(unacked.toArray(new Append[0]), first));
        }
        unacked.clear();
    }

    private void sync() throws IOException {
        long t0 = System.nanoTime();
        active.sync();
        long t1 = System.nanoTime();
        syncs = syncs + 1;
        syncNanos = syncNanos + (t1 - t0);
        lastSyncNanos = t1;
        durableLsn = lastWrittenLsn;
        java.util.function.LongConsumer listener = options.syncListener();
        if (listener != null) {
            try {
                listener.accept(t1 - t0);
            } catch (RuntimeException ignored) {
                // an observer's failure is not the log's
            }
        }
    }

    /** Seals the active segment (always fsynced, whatever the mode) and starts the next one. */
    private void roll() throws IOException {
        if (lastWrittenLsn > durableLsn) sync();
        FileOutput old = active;
        active = null;
        old.close();
        openNewSegment();
    }

    private void openNewSegment() throws IOException {
        long first = nextLsn;
        String name = SegmentFormat.fileName(first);
        FileOutput out = storage.create(name);
        boolean ok = false;
        try {
            out.write(SegmentFormat.header(first));
            out.sync();
            storage.syncDirectory();
            ok = true;
        } finally {
            if (!ok) out.close();
        }
        active = out;
        activeFirstLsn = first;
        activeSize = SegmentFormat.HEADER_LENGTH;
        List<Long> segs = new ArrayList<>(segments);
        segs.add(first);
        segments = List.copyOf(segs);
        rolls = rolls + 1;
    }

    /** Deletes whole segments whose records are all at or below {@code upTo}; rolls first if that covers the active one. */
    private void doCheckpoint(long upTo) throws IOException {
        if (upTo >= lastWrittenLsn && lastWrittenLsn >= activeFirstLsn) {
            roll();
        }
        List<Long> segs = segments;
        int drop = 0;
        while (drop < segs.size() - 1 && segs.get(drop + 1) <= upTo + 1) drop++;
        if (drop == 0) return;
        segments = List.copyOf(segs.subList(drop, segs.size()));
        for (int i = 0; i < drop; i++) storage.delete(SegmentFormat.fileName(segs.get(i)));
        storage.syncDirectory();
    }

    /** Whether the caller is one of the log's own threads (where a blocking call would deadlock). */
    public boolean isLogThread() {
        Thread t = Thread.currentThread();
        return t == thread || t == completer;
    }

    public List<Long> segments() {
        return segments;
    }

    /** The last acknowledged LSN (0 if none). */
    public long ackedLsn() {
        return ackedLsn;
    }

    /** The last fsynced LSN. */
    public long durableLsn() {
        return durableLsn;
    }

    public Throwable failure() {
        return failure;
    }

    public boolean closing() {
        return closing;
    }

    public Storage storage() {
        return storage;
    }

    public WalStats stats() {
        return new WalStats(appends, batches, syncs, syncNanos, bytesWritten, rolls);
    }
}
