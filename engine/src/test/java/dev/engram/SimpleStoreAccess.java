package dev.engram;

import dev.engram.index.IndexConfig;
import dev.engram.internal.lexical.TextAnalyzer;
import dev.engram.internal.pipeline.ReplaySink;
import dev.engram.internal.pipeline.StoreAccess;
import dev.engram.internal.store.UserStore;
import dev.engram.memory.UserId;
import dev.engram.testkit.InMemoryStorage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A test {@link StoreAccess} without a WAL: every write is applied to the user's store and
 * flushed at once, events go to an in-memory "log" that a reopened instance replays in full.
 * {@link Disk} is what survives a simulated restart. Thread-safe (coarsely: one lock).
 */
final class SimpleStoreAccess implements StoreAccess {
    static final TextAnalyzer ANALYZER = new TextAnalyzer();

    /** What survives a restart. */
    static final class Disk {
        final InMemoryStorage root = new InMemoryStorage();
        final InMemoryStorage audit = new InMemoryStorage();
        final List<Object[]> events = new ArrayList<>();
        final Map<UserId, List<byte[]>> journals = new HashMap<>();
        final java.util.Set<UserId> users = new java.util.HashSet<>();
        long lsn;
        volatile boolean failWrites;
    }

    private final Disk disk;
    private volatile boolean dead;
    private final Map<UserId, UserStore> open = new HashMap<>();
    private final UserStore.Options options = new UserStore.Options(4096, 1 << 20, IndexConfig.defaults(384));

    private SimpleStoreAccess(Disk disk) {
        this.disk = disk;
    }

    static SimpleStoreAccess open(Disk disk, ReplaySink sink) {
        synchronized (disk) {
            for (Object[] e : disk.events) sink.replayed((UserId) e[0], (Long) e[1], (byte[]) e[2]);
        }
        return new SimpleStoreAccess(disk);
    }

    @Override
    public long write(UserId user, List<Change> changes) throws IOException {
        synchronized (disk) {
            if (dead) throw new IOException("process killed");
            if (disk.failWrites) throw new IOException("injected write failure");
            disk.users.add(user);
            UserStore s = store(user);
            long lsn = ++disk.lsn;
            for (Change c : changes) {
                switch (c) {
                    case Change.Put p -> s.put(p.memory(), p.embedding());
                    case Change.Delete d -> s.delete(d.id(), d.at());
                    case Change.Event e -> disk.events.add(new Object[] {user, lsn, e.payload()});
                    case Change.Journal j -> disk.journals.computeIfAbsent(user, u -> new ArrayList<>()).add(j.payload());
                }
            }
            s.flush();
            return lsn;
        }
    }

    @Override
    public <T> T read(UserId user, Function<UserStore, T> f) throws IOException {
        UserStore s;
        synchronized (disk) {
            s = store(user);
        }
        return f.apply(s);
    }

    @Override
    public boolean exists(UserId user) {
        synchronized (disk) {
            return disk.users.contains(user);
        }
    }

    @Override
    public List<byte[]> journal(UserId user) {
        synchronized (disk) {
            return List.copyOf(disk.journals.getOrDefault(user, List.of()));
        }
    }

    private UserStore store(UserId user) throws IOException {
        UserStore s = open.get(user);
        if (s == null) {
            s = UserStore.open(disk.root, user, ANALYZER, options);
            open.put(user, s);
        }
        return s;
    }

    /** Simulates the death of the process: every later write fails, nothing is flushed. */
    void kill() {
        dead = true;
    }

    @Override
    public void close() throws IOException {
        if (dead) return;
        synchronized (disk) {
            for (UserStore s : open.values()) s.close();
            open.clear();
        }
    }
}
