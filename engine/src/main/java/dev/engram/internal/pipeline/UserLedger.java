package dev.engram.internal.pipeline;

import dev.engram.IngestionStatus;
import dev.engram.extraction.extract.Turn;
import dev.engram.memory.MemoryId;
import dev.engram.memory.UserId;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One user's ingestion bookkeeping: the status of each ingestion, idempotency keys, the hashes of
 * recent turns (duplicate detection), the session's recent turns (extraction context) and the
 * counters behind session consistency. Rebuilt from the user's journal notes plus the replayed
 * events of unfinished ingestions, so it is derived state.
 *
 * <p>Thread-safe: every method synchronizes on the ledger; {@link #awaitDone} waits on it.
 */
final class UserLedger {
    /** Statuses kept per user; older ones are forgotten (their memories stay). */
    static final int MAX_STATUSES = 10_000;
    static final int MAX_TURN_HASHES = 10_000;
    static final int RECENT_TURNS = 12;

    final UserId user;
    private final Map<String, IngestionStatus> statuses = new LinkedHashMap<>(16, 0.75f, false);
    private final Map<String, String> keys = new HashMap<>();
    private final Map<Long, Long> lastSeen = new HashMap<>();
    private final ArrayDeque<long[]> seenOrder = new ArrayDeque<>();
    private final Map<String, ArrayDeque<Turn>> sessionTurns = new HashMap<>();
    private long accepted;
    private long done;

    UserLedger(UserId user) {
        this.user = user;
    }

    /** Loads a journal note (at open). */
    synchronized void load(IngestionCodec.Note n) {
        IngestionStatus.State state = n.kind() == IngestionCodec.APPLIED ? IngestionStatus.State.APPLIED
                : IngestionStatus.State.FAILED;
        put(new IngestionStatus(n.id(), state, n.memories(), n.duplicates(), n.attempts(), n.error(), n.acceptedAt(),
                n.finishedAt()), n.idempotencyKey());
        for (int i = 0; i < n.turnHashes().length; i++) remember(n.turnHashes()[i], n.turnTimes()[i]);
    }

    /** Whether this ingestion already has an outcome (applied or failed). */
    synchronized boolean isDone(String id) {
        IngestionStatus s = statuses.get(id);
        return s != null && s.done();
    }

    synchronized IngestionStatus status(String id) {
        return statuses.get(id);
    }

    /** The ingestion id first accepted with this key, or null. */
    synchronized String idForKey(String key) {
        return keys.get(key);
    }

    /** Records an accepted ingestion (new, or replayed after a crash). */
    synchronized void accepted(Ingestion in) {
        accepted++;
        put(new IngestionStatus(in.id(), IngestionStatus.State.ACCEPTED, List.of(), 0, 0, null, in.acceptedAt(), null),
                in.idempotencyKey());
    }

    /** Records a retry. */
    synchronized void attempted(String id, int attempts, String error) {
        IngestionStatus s = statuses.get(id);
        if (s != null && !s.done()) {
            statuses.put(id, new IngestionStatus(id, s.state(), s.memories(), s.duplicates(), attempts, error,
                    s.acceptedAt(), null));
        }
    }

    /** Records an outcome and wakes session-consistent readers. */
    synchronized void finished(IngestionCodec.Note n, Ingestion in, List<Turn> kept) {
        load(n);
        for (Turn t : kept) {
            if (in.sessionId() == null) continue;
            ArrayDeque<Turn> recent = sessionTurns.computeIfAbsent(in.sessionId(), k -> new ArrayDeque<>());
            recent.addLast(t);
            while (recent.size() > RECENT_TURNS) recent.removeFirst();
        }
        done++;
        notifyAll();
    }

    /** The number of ingestions accepted so far: the target for session consistency. */
    synchronized long acceptedCount() {
        return accepted;
    }

    /** Waits until {@code target} ingestions are done; false on timeout. */
    synchronized boolean awaitDone(long target, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (done < target) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return false;
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    /** Waits until the ingestion has an outcome; false on timeout. */
    synchronized boolean awaitDone(String id, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!isDone(id)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return false;
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    /** The session's recent turns (context for the extractor), oldest first. */
    synchronized List<Turn> recentTurns(String sessionId) {
        ArrayDeque<Turn> recent = sessionId == null ? null : sessionTurns.get(sessionId);
        return recent == null ? List.of() : new ArrayList<>(recent);
    }

    /** Whether a turn with the same normalized content was seen within {@code window} before {@code at}. */
    synchronized boolean seenWithin(long hash, Instant at, Duration window) {
        Long last = lastSeen.get(hash);
        return last != null && Math.abs(at.toEpochMilli() - last) <= window.toMillis();
    }

    synchronized void remember(long hash, long epochMillis) {
        Long prev = lastSeen.put(hash, epochMillis);
        if (prev != null && prev > epochMillis) lastSeen.put(hash, prev);
        seenOrder.addLast(new long[] {hash, epochMillis});
        while (seenOrder.size() > MAX_TURN_HASHES) {
            long[] old = seenOrder.removeFirst();
            Long t = lastSeen.get(old[0]);
            if (t != null && t == old[1]) lastSeen.remove(old[0]);
        }
    }

    private void put(IngestionStatus s, String key) {
        statuses.put(s.id(), s);
        if (key != null) keys.put(key, s.id());
        while (statuses.size() > MAX_STATUSES) {
            String oldest = statuses.keySet().iterator().next();
            statuses.remove(oldest);
            keys.values().remove(oldest);
        }
    }

    /**
     * The duplicate-detection hash of a turn: FNV-1a over its content lower-cased, with
     * everything but letters and digits collapsed to single spaces, and its role.
     */
    static long turnHash(Turn t) {
        StringBuilder sb = new StringBuilder(t.content().length());
        boolean space = true;
        for (char c : t.content().toLowerCase(Locale.ROOT).toCharArray()) {
            if (Character.isLetterOrDigit(c)) {
                sb.append(c);
                space = false;
            } else if (!space) {
                sb.append(' ');
                space = true;
            }
        }
        String norm = t.role().name() + ":" + sb.toString().strip();
        long h = 0xcbf29ce484222325L;
        for (byte b : norm.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

}
