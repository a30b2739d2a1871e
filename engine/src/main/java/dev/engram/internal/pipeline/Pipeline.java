package dev.engram.internal.pipeline;

import dev.engram.IngestionStatus;
import dev.engram.OverloadedException;
import dev.engram.extraction.embed.Embedder;
import dev.engram.extraction.extract.Candidate;
import dev.engram.extraction.extract.ExtractionException;
import dev.engram.extraction.extract.ExtractionRequest;
import dev.engram.extraction.extract.Extractor;
import dev.engram.extraction.extract.KnownMemory;
import dev.engram.extraction.extract.Turn;
import dev.engram.internal.pipeline.StoreAccess.Change;
import dev.engram.internal.store.UserStore;
import dev.engram.memory.MemoryId;
import dev.engram.memory.MemoryStatus;
import dev.engram.memory.UserId;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.roaringbitmap.RoaringBitmap;

/**
 * The asynchronous half of ingestion: a bounded queue of accepted ingestions, worker threads that
 * drop duplicate turns, extract, embed, reconcile and write the outcome, and the per-user ledgers
 * behind statuses, idempotency and session consistency (docs/pipeline.md).
 *
 * <p>Ordering: one user's ingestions are applied one at a time in acceptance order; different
 * users proceed in parallel. Durability: an ingestion's accepted event is in the WAL before
 * {@link #accept} returns; its outcome (the memory versions and an applied note, or a failed note)
 * is one atomic write, so after a crash {@link #replayed} + {@link #resume} apply each unfinished
 * ingestion exactly once. The WAL keeps every event from {@link #retainFromLsn()} on.
 *
 * <p>Thread-safe.
 */
public final class Pipeline implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Pipeline.class.getName());
    private static final Pattern FORGET = Pattern.compile("\\b(forget|delete|erase|don'?t remember)\\b");
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final int MAX_LEDGERS = 100_000;

    private final StoreAccess store;
    private final Extractor extractor;
    private final Embedder embedder;
    private final PipelineSettings settings;
    private final Clock clock;
    private final Reconciler reconciler;
    private final ReconcileStats reconcileStats = new ReconcileStats();
    private final Supplier<String> ingestionIds;
    private final Map<UserId, UserLedger> ledgers = new ConcurrentHashMap<>();
    private final Map<UserId, Map<String, MemoryId>> slots = new ConcurrentHashMap<>();

    // Queue state, guarded by `lock`.
    private final Object lock = new Object();
    private final Map<UserId, ArrayDeque<Ingestion>> queues = new HashMap<>();
    private final ArrayDeque<UserId> ready = new ArrayDeque<>();
    private final Set<UserId> running = new HashSet<>();
    private final TreeMap<Long, Integer> pendingLsns = new TreeMap<>();
    private int pending;
    private final Map<UserId, Integer> accepting = new HashMap<>(); // accepts between slot reservation and enqueue
    private final Set<UserId> purging = new HashSet<>();
    private final Map<UserId, Integer> held = new HashMap<>(); // users a lifecycle job holds (see whileHeld)
    private boolean closed;
    private final List<Ingestion> replayed = new ArrayList<>();
    private final List<Thread> workers = new ArrayList<>();
    // Outcome counters since open (metrics: extraction coverage); see counters().
    private final LongAdder acceptedCount = new LongAdder();
    private final LongAdder appliedCount = new LongAdder();
    private final LongAdder failedCount = new LongAdder();
    private final LongAdder productiveCount = new LongAdder();
    private final LongAdder memoriesCount = new LongAdder();

    public Pipeline(StoreAccess store, Extractor extractor, Embedder embedder, PipelineSettings settings, Clock clock,
                    Supplier<MemoryId> memoryIds) {
        this.store = store;
        this.extractor = extractor;
        this.embedder = embedder;
        this.settings = settings;
        this.clock = clock;
        this.reconciler = new Reconciler(settings.thresholds(), memoryIds, embedder::embed, embedder.modelId(),
                extractor::reconcile, reconcileStats);
        this.ingestionIds = () -> memoryIds.get().toString();
    }

    // ---------------------------------------------------------------- recovery

    /** Called by the store while it replays the WAL at open: collects accepted events. */
    public void replayed(UserId user, long lsn, byte[] payload) {
        if (payload.length == 0 || payload[0] != IngestionCodec.ACCEPTED) return;
        try {
            Ingestion in = IngestionCodec.readAccepted(payload, lsn);
            if (in.user().equals(user)) replayed.add(in);
        } catch (IOException e) {
            // The WAL's CRC passed, so this is a bug or a foreign event: say so, never crash recovery.
            LOG.log(System.Logger.Level.WARNING, "skipping an undecodable pipeline event at LSN " + lsn + ": " + e.getMessage());
        }
    }

    /** After the store is open: queues every replayed ingestion that has no outcome yet, then starts the workers. */
    public void resume() throws IOException {
        for (Ingestion in : replayed) {
            UserLedger l = ledger(in.user());
            if (l.isDone(in.id()) || l.status(in.id()) != null) continue;
            l.accepted(in);
            enqueue(in, true);
        }
        replayed.clear();
        for (int i = 0; i < settings.workers(); i++) {
            Thread t = Thread.ofPlatform().name("engram-pipeline-" + i).daemon(true).unstarted(this::work);
            workers.add(t);
            t.start();
        }
    }

    /** The lowest WAL position an unfinished ingestion needs; {@code Long.MAX_VALUE} if none. */
    public long retainFromLsn() {
        synchronized (lock) {
            return pendingLsns.isEmpty() ? Long.MAX_VALUE : pendingLsns.firstKey();
        }
    }

    // ---------------------------------------------------------------- ingest path

    /** What {@link #accept} did. */
    public record Accepted(String id, boolean replayed) {}

    /**
     * Makes an ingestion durable and queues it. An idempotency key seen before returns the first
     * id and writes nothing. Throws {@link OverloadedException} (nothing written) when the queue is full.
     */
    public Accepted accept(UserId user, String sessionId, List<Turn> turns, String idempotencyKey,
                           Map<String, String> metadata, Instant now) throws IOException {
        UserLedger l = ledger(user);
        synchronized (l) { // one user's accepts are ordered: keys stay unique, counters match queue order
            if (idempotencyKey != null) {
                String first = l.idForKey(idempotencyKey);
                if (first != null) return new Accepted(first, true);
            }
            synchronized (lock) {
                if (closed) throw new dev.engram.EngramClosedException();
                if (purging.contains(user)) {
                    throw new dev.engram.PurgeInProgressException("user " + user + " is being purged; nothing was accepted");
                }
                if (pending >= settings.queueCapacity()) {
                    throw new OverloadedException("ingestion queue full (" + pending + " waiting); retry later",
                            Duration.ofSeconds(1));
                }
                pending++; // reserve the slot before the WAL write, so the bound holds under concurrency
                accepting.merge(user, 1, Integer::sum);
            }
            Ingestion in = new Ingestion(ingestionIds.get(), user, sessionId, turns, idempotencyKey, now, 0, metadata);
            long lsn;
            try {
                lsn = store.write(user, List.of(new Change.Event(IngestionCodec.accepted(in))));
            } catch (IOException | RuntimeException e) {
                synchronized (lock) {
                    pending--;
                    doneAccepting(user);
                }
                throw e;
            }
            in = in.withLsn(lsn);
            acceptedCount.increment();
            l.accepted(in);
            synchronized (lock) {
                enqueue(in, false);
                doneAccepting(user);
            }
            return new Accepted(in.id(), false);
        }
    }

    public IngestionStatus status(UserId user, String id) throws IOException {
        return ledger(user).status(id);
    }

    /** The user's ledger, loaded from the user's journal on first use. */
    UserLedger ledger(UserId user) throws IOException {
        UserLedger l = ledgers.get(user);
        if (l != null) return l;
        UserLedger fresh = new UserLedger(user);
        if (store.exists(user)) {
            for (byte[] note : store.journal(user)) {
                IngestionCodec.Note n = IngestionCodec.readNote(note);
                if (n != null) fresh.load(n);
            }
        }
        l = ledgers.putIfAbsent(user, fresh);
        if (ledgers.size() > MAX_LEDGERS) trimLedgers();
        return l != null ? l : fresh;
    }

    /**
     * Waits until every ingestion of the user accepted so far is applied or failed; false on
     * timeout. A user without a loaded ledger has had nothing accepted since open (replayed
     * ingestions load theirs), so there is nothing to wait for.
     */
    public boolean awaitSession(UserId user, Duration timeout) throws InterruptedException {
        UserLedger l = ledgers.get(user);
        return l == null || l.awaitDone(l.acceptedCount(), timeout);
    }

    /** Waits until the ingestion is applied or failed; false on timeout. */
    public boolean awaitApplied(UserId user, String id, Duration timeout) throws InterruptedException, IOException {
        return ledger(user).awaitDone(id, timeout);
    }

    private void trimLedgers() {
        synchronized (lock) {
            ledgers.keySet().removeIf(u -> !queues.containsKey(u) && !running.contains(u) && ledgers.size() > MAX_LEDGERS / 2);
        }
    }

    /** Forgets derived state of a user (after a purge). */
    public void forget(UserId user) {
        ledgers.remove(user);
        slots.remove(user);
    }

    private void doneAccepting(UserId user) {
        accepting.computeIfPresent(user, (u, n) -> n == 1 ? null : n - 1);
        lock.notifyAll();
    }

    // ---------------------------------------------------------------- holds (lifecycle consolidation)

    /** An action run while a user is held. */
    public interface HeldAction<T> {
        T run() throws IOException;
    }

    /**
     * Runs {@code action} while no worker applies an ingestion of {@code user}: waits for the
     * ingestion a worker runs for it now (if any), keeps its queued ones queued (accepts go on),
     * runs the action, then puts the user back in line. Lifecycle consolidation writes new versions
     * of a user's memories; a reconciliation planned on the state before them would then fail its
     * write and leave its ingestion pending. Thread-safe; holds of one user may overlap.
     */
    public <T> T whileHeld(UserId user, HeldAction<T> action) throws IOException, InterruptedException {
        synchronized (lock) {
            held.merge(user, 1, Integer::sum);
            try {
                while (running.contains(user)) lock.wait(100);
            } catch (InterruptedException e) {
                release(user);
                throw e;
            }
        }
        try {
            return action.run();
        } finally {
            synchronized (lock) {
                release(user);
            }
        }
    }

    private void release(UserId user) {
        if (held.merge(user, -1, Integer::sum) == 0) held.remove(user);
        if (held.containsKey(user) || running.contains(user) || ready.contains(user) || purging.contains(user)) return;
        ArrayDeque<Ingestion> q = queues.get(user);
        if (q != null && !q.isEmpty() && !closed) {
            ready.addLast(user);
            lock.notify();
        }
    }

    // ---------------------------------------------------------------- purge

    /**
     * Drops everything the pipeline holds of {@code user} before a purge: from now on (until
     * {@link #purged}) its ingestions are refused with {@link dev.engram.PurgeInProgressException};
     * waits for accepts of the user in flight and for the ingestion a worker runs for it (a retry
     * back-off is cut short, the ingestion then stays unapplied), then removes its queued ingestions
     * (they are never applied: the store's purge voids their WAL events), its ledger and slots.
     * Returns the number of ingestions dropped.
     */
    public int purge(UserId user) throws InterruptedException {
        synchronized (lock) {
            purging.add(user);
            lock.notifyAll(); // wakes a worker sleeping in a back-off for this user
            while (accepting.containsKey(user) || running.contains(user)) lock.wait(100);
            ArrayDeque<Ingestion> q = queues.remove(user);
            ready.remove(user);
            int dropped = 0;
            if (q != null) {
                for (Ingestion in : q) {
                    pending--;
                    pendingLsns.computeIfPresent(in.lsn(), (k, v) -> v == 1 ? null : v - 1);
                    dropped++;
                }
            }
            ledgers.remove(user);
            slots.remove(user);
            return dropped;
        }
    }

    /** The purge of {@code user} is over: its ingestions are accepted again (into an empty ledger). */
    public void purged(UserId user) {
        synchronized (lock) {
            purging.remove(user);
            ledgers.remove(user);
            slots.remove(user);
        }
    }

    /**
     * Re-appends the accepted event of every unfinished ingestion whose event is at or below
     * {@code upToLsn} (a purge is about to delete the WAL segments holding it) and moves its WAL
     * position to the new record. A crash in between leaves two copies of the event; recovery
     * queues the first and skips the second (same ingestion id).
     */
    public void relocate(long upToLsn) throws IOException {
        synchronized (lock) {
            while (!accepting.isEmpty()) { // an accept between its WAL write and its enqueue
                try {
                    lock.wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while relocating pipeline events", e);
                }
            }
            for (ArrayDeque<Ingestion> q : queues.values()) {
                List<Ingestion> moved = new ArrayList<>(q.size());
                for (Ingestion in : q) {
                    if (in.lsn() > upToLsn) {
                        moved.add(in);
                        continue;
                    }
                    long lsn = store.write(in.user(), List.of(new Change.Event(IngestionCodec.accepted(in))));
                    pendingLsns.computeIfPresent(in.lsn(), (k, v) -> v == 1 ? null : v - 1);
                    pendingLsns.merge(lsn, 1, Integer::sum);
                    moved.add(in.withLsn(lsn));
                }
                q.clear();
                q.addAll(moved);
            }
        }
    }

    private void enqueue(Ingestion in, boolean fromReplay) {
        synchronized (lock) {
            if (fromReplay) pending++;
            pendingLsns.merge(in.lsn(), 1, Integer::sum);
            ArrayDeque<Ingestion> q = queues.computeIfAbsent(in.user(), u -> new ArrayDeque<>());
            q.addLast(in);
            if (q.size() == 1 && !running.contains(in.user())) {
                ready.addLast(in.user());
                lock.notify();
            }
        }
    }

    /**
     * Ingestion outcomes since this pipeline started: accepted (new, not idempotent replays),
     * applied, failed, applied with at least one memory version written, and memory versions
     * written by applied ingestions. Ingestions replayed from the WAL at open count when they
     * finish, not as accepted. Thread-safe; the five values are read one after the other.
     */
    public record Counters(long accepted, long applied, long failed, long productive, long memories) {}

    /** The current {@link Counters}. */
    public Counters counters() {
        return new Counters(acceptedCount.sum(), appliedCount.sum(), failedCount.sum(), productiveCount.sum(), memoriesCount.sum());
    }

    /** Ingestions accepted and not yet finished. */
    public int pending() {
        synchronized (lock) {
            return pending;
        }
    }

    // ---------------------------------------------------------------- workers

    private void work() {
        if (!BackgroundPriority.lowerCurrentThread()) LOG.log(System.Logger.Level.DEBUG, "pipeline worker runs at normal CPU priority");
        while (true) {
            UserId user;
            Ingestion in;
            synchronized (lock) {
                while (ready.isEmpty() && !closed) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) return;
                user = ready.removeFirst();
                if (purging.contains(user)) continue; // its queue is about to be dropped
                if (held.containsKey(user)) continue; // whileHeld puts it back in line when it lets go
                running.add(user);
                in = queues.get(user).peekFirst();
            }
            boolean finished = false;
            try {
                finished = process(in);
            } catch (RuntimeException | Error e) {
                LOG.log(System.Logger.Level.ERROR, "pipeline worker failed on ingestion " + in.id(), e);
            }
            synchronized (lock) {
                running.remove(user);
                ArrayDeque<Ingestion> q = queues.get(user);
                if (finished) {
                    Ingestion done = q.removeFirst(); // its LSN, not in's: a purge may have relocated its event
                    pending--;
                    pendingLsns.computeIfPresent(done.lsn(), (k, v) -> v == 1 ? null : v - 1);
                }
                lock.notifyAll(); // a purge may wait for this user
                if (q.isEmpty()) {
                    queues.remove(user);
                } else if (!closed && finished && !purging.contains(user)) {
                    ready.addLast(user); // back of the line: users take turns
                    lock.notify();
                }
                // Not finished (store failure or shutdown): the ingestion stays queued and in the WAL;
                // the next open replays it.
            }
        }
    }

    /** Applies one ingestion. Returns false when it must stay pending (storage failed, or shutting down). */
    private boolean process(Ingestion in) {
        UserLedger l;
        try {
            l = ledger(in.user());
        } catch (IOException e) {
            LOG.log(System.Logger.Level.ERROR, "cannot read the ledger of a user; ingestion " + in.id() + " stays pending", e);
            return false;
        }
        if (l.isDone(in.id())) return true;
        // Duplicate turns: same normalized content (and role) from this user within the window.
        List<Turn> kept = new ArrayList<>();
        List<long[]> hashes = new ArrayList<>();
        Set<Long> inThis = new HashSet<>();
        int duplicates = 0;
        for (Turn t : in.turns()) {
            if (t.content().isBlank()) continue;
            long h = UserLedger.turnHash(t);
            if (!inThis.add(h) || l.seenWithin(h, t.timestamp(), settings.dedupWindow())) {
                duplicates++;
                continue;
            }
            kept.add(t);
            hashes.add(new long[] {h, t.timestamp().toEpochMilli()});
        }
        int attempts = 0;
        List<Candidate> candidates = List.of();
        String error = null;
        while (!kept.isEmpty()) {
            attempts++;
            try {
                candidates = extract(in, kept, l);
                error = null;
                break;
            } catch (ExtractionException e) {
                error = e.reason() + ": " + e.getMessage();
                if (!e.reason().retriable() || attempts >= settings.maxAttempts()) break;
            } catch (IOException e) {
                LOG.log(System.Logger.Level.ERROR, "storage failed while preparing ingestion " + in.id() + "; it stays pending", e);
                return false;
            } catch (RuntimeException e) {
                error = "extractor failed: " + e;
                if (attempts >= settings.maxAttempts()) break;
            }
            l.attempted(in.id(), attempts, error);
            if (!sleep(backoff(attempts), in.user())) return false;
        }
        Instant finishedAt = clock.instant();
        if (error != null) {
            IngestionCodec.Note n = new IngestionCodec.Note(IngestionCodec.FAILED, in.id(), in.idempotencyKey(),
                    in.acceptedAt(), finishedAt, attempts, duplicates, List.of(), new long[0], new long[0], error);
            return writeOutcome(in, l, List.of(), n, List.of());
        }
        List<float[]> vectors = candidates.isEmpty() ? List.of()
                : embedder.embedBatch(candidates.stream().map(Candidate::text).toList());
        boolean forget = kept.stream().anyMatch(t -> FORGET.matcher(t.content().toLowerCase(Locale.ROOT)).find());
        Instant now = kept.stream().map(Turn::timestamp).max(Instant::compareTo).orElse(in.acceptedAt());
        Reconciler.Plan plan;
        try {
            Map<String, MemoryId> userSlots = slotsOf(in.user());
            final List<Candidate> cs = candidates;
            plan = store.read(in.user(), s -> {
                Reconciler.Plan p = new Reconciler.Plan(in.user(), userSlots, in.sessionId(), extractor.id(), now, forget,
                        in.id(), in.metadata());
                for (int i = 0; i < cs.size(); i++) reconciler.reconcile(s, cs.get(i), vectors.get(i), p);
                return p;
            });
        } catch (IOException e) {
            slots.remove(in.user());
            LOG.log(System.Logger.Level.ERROR, "storage failed while reconciling ingestion " + in.id() + "; it stays pending", e);
            return false;
        }
        long[] h = new long[hashes.size()];
        long[] t = new long[hashes.size()];
        for (int i = 0; i < h.length; i++) {
            h[i] = hashes.get(i)[0];
            t[i] = hashes.get(i)[1];
        }
        IngestionCodec.Note n = new IngestionCodec.Note(IngestionCodec.APPLIED, in.id(), in.idempotencyKey(),
                in.acceptedAt(), finishedAt, attempts, duplicates, plan.touched(), h, t, null);
        return writeOutcome(in, l, plan.changes, n, kept);
    }

    private boolean writeOutcome(Ingestion in, UserLedger l, List<Change> changes, IngestionCodec.Note note, List<Turn> kept) {
        List<Change> all = new ArrayList<>(changes);
        all.add(new Change.Journal(IngestionCodec.note(note)));
        try {
            store.write(in.user(), all);
        } catch (IOException | RuntimeException e) {
            slots.remove(in.user()); // the planned slot changes did not happen
            LOG.log(System.Logger.Level.ERROR, "could not write the outcome of ingestion " + in.id() + "; it stays pending", e);
            return false;
        }
        l.finished(note, in, kept);
        if (note.kind() == IngestionCodec.APPLIED) {
            appliedCount.increment();
            memoriesCount.add(note.memories().size());
            if (!note.memories().isEmpty()) productiveCount.increment();
        } else {
            failedCount.increment();
        }
        return true;
    }

    private List<Candidate> extract(Ingestion in, List<Turn> kept, UserLedger l) throws IOException {
        List<KnownMemory> similar = similar(in.user(), kept);
        List<Turn> recent = l.recentTurns(in.sessionId());
        return extractor.extract(new ExtractionRequest(kept, recent, similar));
    }

    /** Context for the extractor: the user's slot holders and the best lexical matches of the new turns. */
    private List<KnownMemory> similar(UserId user, List<Turn> turns) throws IOException {
        if (!store.exists(user)) return List.of();
        StringBuilder q = new StringBuilder();
        for (Turn t : turns) q.append(t.content(), 0, Math.min(t.content().length(), 2000)).append(' ');
        Map<String, MemoryId> userSlots = slotsOf(user);
        return store.read(user, s -> {
            Map<MemoryId, KnownMemory> out = new java.util.LinkedHashMap<>();
            for (MemoryId id : userSlots.values()) s.current(id).ifPresent(m -> out.put(m.id(), Reconciler.known(m)));
            RoaringBitmap active = s.withBitmaps(b -> b.withStatus(MemoryStatus.ACTIVE).clone());
            if (!active.isEmpty() && !q.isEmpty()) {
                for (UserStore.Hit h : s.searchLexical(q.toString(), 8, active)) out.putIfAbsent(h.memory().id(), Reconciler.known(h.memory()));
            }
            return List.copyOf(out.values());
        });
    }

    /**
     * How reconciliation decisions were made since open, by outcome: {@code model}, {@code rules},
     * {@code fallback.<reason>} (docs/pipeline.md). Counts candidates.
     */
    public Map<String, Long> reconcileOutcomes() {
        return reconcileStats.snapshot();
    }

    /** The user's slot key → ACTIVE memory map, built by one scan on first use and kept by the reconciler. */
    private Map<String, MemoryId> slotsOf(UserId user) throws IOException {
        Map<String, MemoryId> m = slots.get(user);
        if (m != null) return m;
        Map<String, MemoryId> built = new ConcurrentHashMap<>();
        if (store.exists(user)) {
            store.read(user, s -> {
                for (MemoryId id : s.liveIds()) {
                    s.current(id).ifPresent(mem -> {
                        String slot = mem.metadata().get(Reconciler.SLOT);
                        if (slot != null && mem.status() == MemoryStatus.ACTIVE) built.put(slot, id);
                    });
                }
                return null;
            });
        }
        Map<String, MemoryId> prev = slots.putIfAbsent(user, built);
        return prev != null ? prev : built;
    }

    private Duration backoff(int attempt) {
        long base = settings.retryBackoff().toMillis() << Math.min(20, attempt - 1);
        long capped = Math.min(base, MAX_BACKOFF.toMillis());
        double jitter = 0.8 + 0.4 * ThreadLocalRandom.current().nextDouble();
        return Duration.ofMillis((long) (capped * jitter));
    }

    private boolean sleep(Duration d, UserId user) {
        long deadline = System.nanoTime() + d.toNanos();
        synchronized (lock) {
            while (!closed && !purging.contains(user)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return true;
                try {
                    lock.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return false;
        }
    }

    /**
     * Stops the workers: each finishes (or abandons, if it is waiting to retry) its current
     * ingestion; everything not applied stays in the WAL and is applied after the next open.
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) return;
            closed = true;
            lock.notifyAll();
        }
        for (Thread t : workers) {
            try {
                t.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
