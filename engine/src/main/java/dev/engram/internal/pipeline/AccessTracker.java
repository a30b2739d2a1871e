package dev.engram.internal.pipeline;

import dev.engram.internal.pipeline.StoreAccess.Change;
import dev.engram.memory.Memory;
import dev.engram.memory.MemoryId;
import dev.engram.memory.UserId;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Access statistics (how often and when each memory was returned by a retrieval), kept off the
 * retrieval path: {@link #record} only updates an in-memory map; {@link #flush} writes each user's
 * new counts as one journal note (so they are exported and purged with the user) — the engine
 * flushes every 30 s and at close, so a crash loses at most the last period's counts. Stored
 * versions are not rewritten: {@link #overlay} puts the totals on the memories the API returns.
 *
 * <p>Note layout: {@code 'X' u8 version=1 | i32 n | n × (i64 msb, i64 lsb, i64 count, i64 lastAccessMillis)}.
 * Thread-safe.
 */
public final class AccessTracker {
    static final byte ACCESS = 'X';
    private static final int VERSION = 1;

    private final Map<UserId, Map<MemoryId, long[]>> pending = new ConcurrentHashMap<>();
    private final Map<UserId, Map<MemoryId, long[]>> totals = new ConcurrentHashMap<>();

    /** Counts one access of each memory at {@code millis}. */
    public void record(UserId user, List<MemoryId> ids, long millis) {
        if (ids.isEmpty()) return;
        Map<MemoryId, long[]> p = pending.computeIfAbsent(user, u -> new ConcurrentHashMap<>());
        for (MemoryId id : ids) {
            p.compute(id, (k, v) -> v == null ? new long[] {1, millis} : new long[] {v[0] + 1, Math.max(v[1], millis)});
        }
    }

    /** The memory with its access count and last access including everything recorded. */
    public Memory overlay(StoreAccess store, Memory m) throws IOException {
        long[] t = totals(store, m.user()).get(m.id());
        long[] p = pending.getOrDefault(m.user(), Map.of()).get(m.id());
        if (t == null && p == null) return m;
        long count = m.accessCount() + (t == null ? 0 : t[0]) + (p == null ? 0 : p[0]);
        long last = Math.max(t == null ? 0 : t[1], p == null ? 0 : p[1]);
        Instant lastAccess = m.lastAccess() == null || m.lastAccess().toEpochMilli() < last ? Instant.ofEpochMilli(last) : m.lastAccess();
        return m.toBuilder().accessCount(count).lastAccess(lastAccess).build();
    }

    /** Writes every user's pending counts as one journal note each. A failed write keeps them pending. */
    public void flush(StoreAccess store) throws IOException {
        IOException first = null;
        for (UserId user : List.copyOf(pending.keySet())) {
            Map<MemoryId, long[]> p = pending.remove(user);
            if (p == null || p.isEmpty()) continue;
            Map<MemoryId, long[]> batch = new HashMap<>(p);
            try {
                Map<MemoryId, long[]> t = totals(store, user);
                store.write(user, List.of(new Change.Journal(encode(batch))));
                synchronized (t) {
                    batch.forEach((id, v) -> t.merge(id, v, (a, b) -> new long[] {a[0] + b[0], Math.max(a[1], b[1])}));
                }
            } catch (IOException e) {
                batch.forEach((id, v) -> record(user, id, v)); // keep them for the next flush
                if (first == null) first = e;
            }
        }
        if (first != null) throw first;
    }

    private void record(UserId user, MemoryId id, long[] v) {
        pending.computeIfAbsent(user, u -> new ConcurrentHashMap<>())
                .merge(id, v, (a, b) -> new long[] {a[0] + b[0], Math.max(a[1], b[1])});
    }

    /** Forgets a user's statistics (after a purge). */
    public void forget(UserId user) {
        pending.remove(user);
        totals.remove(user);
    }

    private Map<MemoryId, long[]> totals(StoreAccess store, UserId user) throws IOException {
        Map<MemoryId, long[]> t = totals.get(user);
        if (t != null) return t;
        Map<MemoryId, long[]> loaded = new HashMap<>();
        if (store.exists(user)) {
            for (byte[] note : store.journal(user)) {
                if (note.length < 2 || note[0] != ACCESS) continue;
                decode(note).forEach((id, v) -> loaded.merge(id, v, (a, b) -> new long[] {a[0] + b[0], Math.max(a[1], b[1])}));
            }
        }
        Map<MemoryId, long[]> prev = totals.putIfAbsent(user, loaded);
        return prev != null ? prev : loaded;
    }

    static byte[] encode(Map<MemoryId, long[]> counts) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(8 + counts.size() * 32);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(ACCESS);
            out.writeByte(VERSION);
            out.writeInt(counts.size());
            for (Map.Entry<MemoryId, long[]> e : counts.entrySet()) {
                out.writeLong(e.getKey().mostSignificantBits());
                out.writeLong(e.getKey().leastSignificantBits());
                out.writeLong(e.getValue()[0]);
                out.writeLong(e.getValue()[1]);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static Map<MemoryId, long[]> decode(byte[] note) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(note))) {
            if (in.readByte() != ACCESS || in.readUnsignedByte() != VERSION) throw new IOException("access note: bad header");
            int n = in.readInt();
            if (n < 0 || n > (note.length - 6) / 32) throw new IOException("access note: bad count " + n);
            Map<MemoryId, long[]> out = new HashMap<>(n * 2);
            for (int i = 0; i < n; i++) {
                MemoryId id;
                try {
                    id = new MemoryId(in.readLong(), in.readLong());
                } catch (RuntimeException e) {
                    throw new IOException("access note: bad memory id", e);
                }
                out.put(id, new long[] {in.readLong(), in.readLong()});
            }
            return out;
        }
    }
}
