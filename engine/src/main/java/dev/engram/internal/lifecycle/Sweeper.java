package dev.engram.internal.lifecycle;

import dev.engram.extraction.embed.Embedder;
import dev.engram.internal.pipeline.AccessTracker;
import dev.engram.internal.pipeline.StoreAccess;
import dev.engram.internal.pipeline.StoreAccess.Change;
import dev.engram.memory.Memory;
import dev.engram.memory.MemoryId;
import dev.engram.memory.MemoryStatus;
import dev.engram.memory.MemoryType;
import dev.engram.memory.UserId;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * The lifecycle sweep (docs/privacy.md, "Expiry" and "Archive"): visits every user of the store
 * one at a time ({@link StoreAccess#users()}: directories and manifests, so users are opened one
 * by one through the store's LRU, never all at once) and
 * <ul>
 *   <li>deletes (tombstones) each memory whose current version has {@code expiresAt ≤ now}, then
 *       compacts that user so the content leaves its segments;</li>
 *   <li>archives (a new version with status ARCHIVED; nothing deleted) each ACTIVE memory that is
 *       not PROCEDURAL, has importance below the threshold, was last changed at least
 *       {@code archiveAfter} ago and was never returned by a retrieval (access count 0, with the
 *       {@link AccessTracker}'s counts not yet written included).</li>
 * </ul>
 * A user whose read or write fails is counted and skipped (the next sweep retries it); a failed
 * store (fail-stop) ends the sweep. One sweep runs at a time; thread-safe.
 */
public final class Sweeper {
    /** Changes per store write (one WAL record each). */
    static final int BATCH = 256;

    /** Receives one entry per user and kind of change (counts only). */
    public interface Audit {
        void record(UserId user, boolean archived, long memories);
    }

    /**
     * @param archiveImportanceBelow archive only below this importance
     * @param archiveAfter           archive only memories unchanged for at least this long
     */
    public record Rules(boolean expire, boolean archive, double archiveImportanceBelow, Duration archiveAfter) {}

    public record Result(long users, long deleted, long archived, long compacted, long failedUsers) {}

    private final StoreAccess store;
    private final AccessTracker access;
    private final Embedder embedder;
    private final Clock clock;
    private final Audit audit;
    private final ReentrantLock running = new ReentrantLock();
    // Held for one user's visit; a purge holds it too, so a sweep never writes to a user being or just purged.
    private final ReentrantLock visit = new ReentrantLock();

    public Sweeper(StoreAccess store, AccessTracker access, Embedder embedder, Clock clock, Audit audit) {
        this.store = store;
        this.access = access;
        this.embedder = embedder;
        this.clock = clock;
        this.audit = audit;
    }

    /**
     * One sweep over every user; {@code stop} is checked between users and batches (engine closing).
     *
     * @throws IOException if listing the users fails or the store stopped (fail-stop)
     */
    public Result sweep(Rules rules, BooleanSupplier stop) throws IOException {
        running.lock();
        try {
            long users = 0, deleted = 0, archived = 0, compacted = 0, failed = 0;
            for (UserId user : store.users()) {
                if (stop.getAsBoolean()) break;
                users++;
                visit.lock();
                try {
                    long[] r = sweepUser(user, rules, stop);
                    deleted += r[0];
                    archived += r[1];
                    compacted += r[2];
                } catch (IOException e) {
                    throw e; // the store failed: every later user would fail too
                } catch (RuntimeException e) {
                    failed++; // e.g. a purge started meanwhile, or a concurrent update took the version first
                } finally {
                    visit.unlock();
                }
            }
            return new Result(users, deleted, archived, compacted, failed);
        } finally {
            running.unlock();
        }
    }

    /**
     * The lock a user's visit holds: a purge takes it for its whole run, so the sweeper never writes
     * (a tombstone, an archived version) to a user being purged or already purged (which would
     * create the user's directory again). A purge waits at most for one user's visit.
     */
    public ReentrantLock visitLock() {
        return visit;
    }

    /** Returns {deleted, archived, compacted (0/1)}. */
    private long[] sweepUser(UserId user, Rules rules, BooleanSupplier stop) throws IOException {
        if (!store.exists(user)) return new long[3];
        Instant now = clock.instant();
        List<MemoryId> expired = new ArrayList<>();
        List<Memory> stale = new ArrayList<>();
        store.read(user, s -> {
            for (MemoryId id : s.liveIds()) {
                Optional<Memory> cur = s.current(id);
                if (cur.isEmpty()) continue;
                Memory m = cur.get();
                if (m.expiresAt() != null && !m.expiresAt().isAfter(now)) {
                    if (rules.expire()) expired.add(id);
                } else if (rules.archive() && archivable(m, rules, now)) {
                    stale.add(m);
                }
            }
            return null;
        });
        long deleted = 0;
        for (int from = 0; from < expired.size() && !stop.getAsBoolean(); from += BATCH) {
            List<Change> batch = new ArrayList<>();
            for (MemoryId id : expired.subList(from, Math.min(expired.size(), from + BATCH))) batch.add(new Change.Delete(id, now));
            store.write(user, batch);
            deleted += batch.size();
        }
        if (deleted > 0) audit.record(user, false, deleted);
        long archived = 0;
        List<Memory> unused = new ArrayList<>();
        for (Memory m : stale) if (access.overlay(store, m).accessCount() == 0) unused.add(m);
        for (int from = 0; from < unused.size() && !stop.getAsBoolean(); from += BATCH) {
            List<Memory> page = unused.subList(from, Math.min(unused.size(), from + BATCH));
            List<float[]> vectors = embedder.embedBatch(page.stream().map(Memory::content).toList());
            List<Change> batch = new ArrayList<>(page.size());
            for (int i = 0; i < page.size(); i++) {
                Memory m = page.get(i);
                Memory next = m.toBuilder().version(m.version() + 1).status(MemoryStatus.ARCHIVED)
                        .updatedAt(m.updatedAt().isAfter(now) ? m.updatedAt() : now).build();
                batch.add(new Change.Put(next, vectors.get(i)));
            }
            store.write(user, batch);
            archived += batch.size();
        }
        if (archived > 0) audit.record(user, true, archived);
        long compacted = 0;
        if (deleted > 0 && !stop.getAsBoolean()) {
            store.compact(user);
            compacted = 1;
        }
        return new long[] {deleted, archived, compacted};
    }

    static boolean archivable(Memory m, Rules rules, Instant now) {
        return m.status() == MemoryStatus.ACTIVE
                && m.type() != MemoryType.PROCEDURAL
                && m.importance() < rules.archiveImportanceBelow()
                && !m.updatedAt().plus(rules.archiveAfter()).isAfter(now)
                && m.accessCount() == 0;
    }
}
