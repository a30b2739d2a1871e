package dev.engram.internal.store;

import dev.engram.internal.catalog.CatalogEntry;
import dev.engram.internal.catalog.UserCatalog;
import dev.engram.memory.UserId;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.function.LongSupplier;

/**
 * Keeps the {@link UserCatalog} (derived state: user → directory, counts, bytes, last LSN,
 * timestamps) current for a {@link MemoryStore} on a file system.
 *
 * <p>Opening the catalog can take seconds (Chronicle Map generates code on its first map in a
 * JVM, and a rebuild reads every user's manifest), so it opens on a background thread and never
 * delays {@code MemoryStore.open}. Until it is ready, updates are buffered (the latest per user)
 * and applied when it is. Entries are written when a user is opened and after each flush
 * (checkpoint); a purge removes the entry. Any catalog failure is logged and makes the catalog
 * stale: it is then not marked clean at close, so the next open rebuilds it from the directories.
 * A catalog still opening at close is waited for and closed unclean (rebuilt next time).
 *
 * <p>Thread-safe.
 */
final class CatalogKeeper implements OpenUsers.Listener, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(CatalogKeeper.class.getName());
    /** Sizing hint for a new map; Chronicle Map grows to a multiple of it (see UserCatalog). */
    static final int EXPECTED_USERS = 100_000;
    private static final Object REMOVED = new Object();

    private final LongSupplier lastLsn;
    private final Clock clock = Clock.systemUTC();
    private final Map<UserId, Object> buffered = new ConcurrentHashMap<>();
    private final CountDownLatch ready = new CountDownLatch(1);
    private volatile UserCatalog catalog;
    private volatile boolean stale;
    private volatile boolean closed;

    private CatalogKeeper(LongSupplier lastLsn) {
        this.lastLsn = lastLsn;
    }

    /** Starts opening the catalog in {@code dataDir/catalog} (rebuilding it from {@code dataDir/users} if needed). */
    static CatalogKeeper start(Path dataDir, LongSupplier lastLsn) {
        CatalogKeeper k = new CatalogKeeper(lastLsn);
        Thread.ofPlatform().daemon().name("engram-catalog-open").start(() -> k.open(dataDir));
        return k;
    }

    private void open(Path dataDir) {
        UserCatalog c = null;
        try {
            c = UserCatalog.open(dataDir.resolve("catalog"), dataDir, EXPECTED_USERS);
            synchronized (this) {
                if (closed) {
                    c.close(); // not marked clean: the store may have changed meanwhile
                    return;
                }
                catalog = c;
            }
            drain();
        } catch (IOException | RuntimeException | LinkageError e) {
            stale = true;
            LOG.log(System.Logger.Level.WARNING, "user catalog unavailable (users are still served; it is rebuilt at the next open): " + e);
            if (c != null && catalog == null) {
                try {
                    c.close();
                } catch (IOException | RuntimeException ignored) {
                    // already failing
                }
            }
        } finally {
            ready.countDown();
        }
    }

    @Override
    public void opened(UserId user, UserStore store) {
        update(user, store);
    }

    @Override
    public void flushed(UserId user, UserStore store) {
        update(user, store);
    }

    private void update(UserId user, UserStore store) {
        UserSummary s;
        try {
            s = store.summary();
        } catch (RuntimeException e) {
            stale = true;
            return;
        }
        buffered.put(user, s);
        if (catalog != null) drain();
    }

    /** Forgets a purged user. */
    void removed(UserId user) {
        buffered.put(user, REMOVED);
        if (catalog != null) drain();
    }

    private synchronized void drain() {
        UserCatalog c = catalog;
        if (c == null || closed) return;
        for (UserId u : new ArrayList<>(buffered.keySet())) {
            Object v = buffered.remove(u);
            if (v == null) continue;
            try {
                if (v == REMOVED) {
                    c.remove(u);
                } else {
                    UserSummary s = (UserSummary) v;
                    Instant now = clock.instant();
                    Optional<CatalogEntry> old = c.get(u);
                    c.put(u, old.map(e -> e.updatedTo(s, lastLsn.getAsLong(), now))
                            .orElseGet(() -> CatalogEntry.of(s, lastLsn.getAsLong(), now, now)));
                }
            } catch (IOException | RuntimeException e) {
                stale = true;
                LOG.log(System.Logger.Level.WARNING, "user catalog update failed (rebuilt at the next open): " + e);
            }
        }
    }

    /** The catalog once it is open (waiting up to {@code millis}), else empty. */
    Optional<UserCatalog> await(long millis) throws InterruptedException {
        ready.await(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
        return Optional.ofNullable(catalog);
    }

    /** Whether a failure made the catalog untrustworthy until the next open rebuilds it. */
    boolean stale() {
        return stale;
    }

    /**
     * Writes what is buffered, marks the catalog clean if every update reached it, and closes it.
     * A catalog still opening is waited for (a rebuild of a large data directory can take tens of
     * seconds), then closed unclean, so that no thread touches the directory after this returns.
     */
    @Override
    public void close() throws IOException {
        try {
            ready.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeNow();
    }

    private synchronized void closeNow() throws IOException {
        if (closed) return;
        UserCatalog c = catalog;
        if (c != null) {
            drain();
            closed = true;
            try {
                if (!stale && buffered.isEmpty()) c.markClean();
            } finally {
                c.close();
            }
        } else {
            closed = true; // still opening: the opener closes it unclean
        }
    }
}
