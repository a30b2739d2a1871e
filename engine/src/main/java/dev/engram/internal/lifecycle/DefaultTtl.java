package dev.engram.internal.lifecycle;

import dev.engram.internal.pipeline.StoreAccess;
import dev.engram.internal.store.UserStore;
import dev.engram.memory.Memory;
import dev.engram.memory.MemoryType;
import dev.engram.memory.UserId;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Gives new memories without an expiry the default time-to-live of their type
 * ({@code expiresAt = createdAt + ttl}). As a {@link StoreAccess} decorator it covers every memory
 * the pipeline creates (a version 1 put) without the pipeline knowing; {@link #apply} serves
 * {@code Engram.add}. Later versions keep whatever expiry the memory has. Thread-safe.
 */
public final class DefaultTtl implements StoreAccess {
    private final StoreAccess store;
    private final Map<MemoryType, Duration> ttl;

    public DefaultTtl(StoreAccess store, Map<MemoryType, Duration> ttl) {
        this.store = store;
        this.ttl = Map.copyOf(ttl);
    }

    /** {@code m} with its type's default expiry if it is a new memory without one; else {@code m}. */
    public static Memory apply(Memory m, Map<MemoryType, Duration> ttl) {
        Duration d = ttl.get(m.type());
        if (d == null || m.version() != 1 || m.expiresAt() != null) return m;
        return m.toBuilder().expiresAt(m.createdAt().plus(d)).build();
    }

    @Override
    public long write(UserId user, List<Change> changes) throws IOException {
        if (ttl.isEmpty()) return store.write(user, changes);
        List<Change> out = new ArrayList<>(changes.size());
        for (Change c : changes) {
            out.add(c instanceof Change.Put p ? new Change.Put(apply(p.memory(), ttl), p.embedding()) : c);
        }
        return store.write(user, out);
    }

    @Override
    public <T> T read(UserId user, Function<UserStore, T> f) throws IOException {
        return store.read(user, f);
    }

    @Override
    public boolean exists(UserId user) throws IOException {
        return store.exists(user);
    }

    @Override
    public List<byte[]> journal(UserId user) throws IOException {
        return store.journal(user);
    }

    @Override
    public Purged purge(UserId user) throws IOException {
        return store.purge(user);
    }

    @Override
    public int completePurges() throws IOException {
        return store.completePurges();
    }

    @Override
    public List<UserId> users() throws IOException {
        return store.users();
    }

    @Override
    public void compact(UserId user) throws IOException {
        store.compact(user);
    }

    /** Closes nothing: the engine closes the store it wraps. */
    @Override
    public void close() {}
}
