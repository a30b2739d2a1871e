package dev.engram.internal.store;

import dev.engram.memory.UserId;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The open users of a memory store: an LRU of {@link UserStore}s bounded by the sum of their
 * {@link UserStore#residentBytes()} estimates. A user is opened (cold, from its directory) on
 * first {@link #acquire} and pinned until {@link #release}; releasing may evict least recently
 * used unpinned users until the sum is within the bound again. Eviction flushes the user (its
 * records are in the WAL already, so this only shortens the next recovery) and closes it,
 * releasing its vector index's off-heap memory. A pinned user is never evicted, nor the user
 * whose release triggers the eviction, so the sum can exceed the bound by the users in use and
 * the last one used: one user larger than the whole bound stays open while it is the one in use,
 * instead of being closed and reopened at every call (which rebuilt its indexes each time). A user being evicted cannot be reopened until its close
 * finished (two stores never share a directory).
 *
 * <p>Each {@link Handle} carries the user's write lock: the memory store holds it from a write's
 * validation to its application (so a user's writes apply in LSN order), eviction holds it while
 * closing, a checkpoint while flushing. Lock order: a handle's write lock before this object's
 * monitor, never the reverse. Thread-safe.
 */
final class OpenUsers {
    /** Opens a user's store. */
    /** Told when a user's store is opened and after it is flushed (the catalog keeps itself current this way). */
    interface Listener {
        void opened(UserId user, UserStore store);

        void flushed(UserId user, UserStore store);

        Listener NONE = new Listener() {
            @Override
            public void opened(UserId user, UserStore store) {}

            @Override
            public void flushed(UserId user, UserStore store) {}
        };
    }

    private volatile Listener listener = Listener.NONE;

    /** Sets the listener (one; replaces the previous). */
    void listen(Listener l) {
        listener = l;
    }

    interface Opener {
        UserStore open(UserId user) throws IOException;
    }

    private enum State { OPENING, OPEN, CLOSING, CLOSED }

    /** One user's entry; the store is usable between acquire and release. */
    static final class Handle {
        final UserId user;
        final ReentrantLock writeLock = new ReentrantLock();
        private final CompletableFuture<UserStore> opened = new CompletableFuture<>();
        private final CompletableFuture<Void> closed = new CompletableFuture<>();
        private UserStore store;
        private State state = State.OPENING;
        private int pins;
        private long bytes;

        private Handle(UserId user) {
            this.user = user;
        }

        UserStore store() {
            return store;
        }
    }

    private final Opener opener;
    private final long maxBytes;
    private final FailStop failStop;
    private final LinkedHashMap<UserId, Handle> handles = new LinkedHashMap<>(16, 0.75f, true);
    private final java.util.Set<UserId> blocked = new java.util.HashSet<>();
    private long resident;
    private long evictions;

    OpenUsers(Opener opener, long maxBytes, FailStop failStop) {
        this.opener = opener;
        this.maxBytes = maxBytes;
        this.failStop = failStop;
    }

    /** The users open now and their stores (a snapshot; a store may close right after). */
    synchronized java.util.Map<UserId, UserStore> openStores() {
        java.util.Map<UserId, UserStore> out = new java.util.HashMap<>();
        for (Handle h : handles.values()) {
            if (h.state == State.OPEN && h.store != null) out.put(h.user, h.store);
        }
        return out;
    }

    /** The user's store, opened or created as needed, pinned until {@link #release}. */
    Handle acquire(UserId user) throws IOException {
        while (true) {
            Handle h;
            CompletableFuture<Void> wait = null;
            boolean open = false;
            synchronized (this) {
                if (blocked.contains(user)) {
                    throw new dev.engram.PurgeInProgressException("user " + user + " is being purged; nothing was done");
                }
                h = handles.get(user);
                if (h == null) {
                    h = new Handle(user);
                    handles.put(user, h);
                    open = true;
                    h.pins = 1;
                } else if (h.state == State.CLOSING) {
                    wait = h.closed;
                } else {
                    h.pins++;
                }
            }
            if (wait != null) {
                wait.join();
                continue;
            }
            if (open) {
                try {
                    UserStore s = opener.open(user);
                    listener.opened(user, s);
                    long b = s.residentBytes();
                    synchronized (this) {
                        h.store = s;
                        h.bytes = b;
                        h.state = State.OPEN;
                        resident += b;
                    }
                    h.opened.complete(s);
                } catch (IOException | RuntimeException | Error e) {
                    synchronized (this) {
                        handles.remove(user, h);
                        h.state = State.CLOSED;
                    }
                    h.opened.completeExceptionally(e);
                    h.closed.complete(null);
                    throw e;
                }
            } else {
                try {
                    h.opened.join();
                } catch (CompletionException e) {
                    synchronized (this) {
                        h.pins--;
                    }
                    if (e.getCause() instanceof IOException io) throw new IOException("opening user " + user + " failed", io);
                    if (e.getCause() instanceof RuntimeException r) throw r;
                    throw e;
                }
            }
            return h;
        }
    }

    /** Unpins the user, updates its resident-bytes estimate, and evicts users while over the bound. */
    void release(Handle h) {
        long b = h.store.residentBytes();
        List<Handle> victims;
        synchronized (this) {
            resident += b - h.bytes;
            h.bytes = b;
            h.pins--;
            victims = pickVictims(h);
            notifyAll(); // a purge may wait for the last pin
        }
        for (Handle v : victims) close(v, true);
    }

    /** Least recently used first; never {@code released}, the user just used (see the class comment). */
    private List<Handle> pickVictims(Handle released) {
        List<Handle> victims = new ArrayList<>();
        if (resident <= maxBytes) return victims;
        for (Handle h : handles.values()) { // least recently used first
            if (resident <= maxBytes) break;
            if (h.state == State.OPEN && h.pins == 0 && h != released) {
                h.state = State.CLOSING;
                resident -= h.bytes;
                victims.add(h);
            }
        }
        return victims;
    }

    private void close(Handle h, boolean eviction) {
        h.writeLock.lock();
        try {
            h.store.close(); // flushes
        } catch (IOException | RuntimeException e) {
            failStop.fail("closing user " + h.user + " failed", e);
        } finally {
            synchronized (this) {
                handles.remove(h.user, h);
                h.state = State.CLOSED;
                if (eviction) evictions++;
            }
            h.writeLock.unlock();
            h.closed.complete(null);
        }
    }

    /**
     * Flushes every open user that has unflushed records (waiting for users being evicted, whose
     * close flushes them). Returns once every record applied before the call is durable in the
     * users' segments, or throws the first failure (also kept by the fail-stop holder).
     */
    void flushAll() throws IOException {
        List<Handle> snapshot;
        synchronized (this) {
            snapshot = new ArrayList<>(handles.values());
        }
        for (Handle h : snapshot) {
            h.writeLock.lock();
            try {
                boolean open;
                synchronized (this) {
                    open = h.state == State.OPEN || h.state == State.CLOSING;
                }
                // A CLOSING handle whose write lock we hold has not started closing yet: flush it too.
                if (open && h.store != null && h.store.dirty()) {
                    h.store.flush();
                    listener.flushed(h.user, h.store);
                }
            } catch (IOException | RuntimeException e) {
                throw failStop.fail("flushing user " + h.user + " failed", e);
            } finally {
                h.writeLock.unlock();
            }
        }
        failStop.check();
    }

    /** From now on {@link #acquire} of {@code user} throws {@link dev.engram.PurgeInProgressException}. */
    synchronized void block(UserId user) {
        blocked.add(user);
    }

    synchronized void unblock(UserId user) {
        blocked.remove(user);
    }

    synchronized boolean isBlocked(UserId user) {
        return blocked.contains(user);
    }

    /**
     * Drops a blocked user's entry without flushing: waits until the caller's pin (held, with the
     * write lock) is the last one, removes the entry and {@link UserStore#abandon abandons} the store,
     * releasing its off-heap memory.
     */
    void discard(Handle h) throws IOException {
        synchronized (this) {
            while (h.pins > 1) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting for readers of user " + h.user, e);
                }
            }
            handles.remove(h.user, h);
            if (h.state == State.OPEN) resident -= h.bytes;
            h.state = State.CLOSED;
            h.pins = 0;
        }
        try {
            h.store.abandon();
        } finally {
            h.closed.complete(null);
        }
    }

    /** Closes every user (flushing it). Call when no other thread uses this object. */
    void closeAll() {
        List<Handle> toClose = new ArrayList<>();
        synchronized (this) {
            for (Handle h : handles.values()) {
                if (h.state == State.OPEN) {
                    h.state = State.CLOSING;
                    resident -= h.bytes;
                    toClose.add(h);
                }
            }
        }
        for (Handle h : toClose) close(h, false);
    }

    /** The users with an entry now (open, opening or closing). */
    synchronized List<UserId> userIds() {
        return List.copyOf(handles.keySet());
    }

    synchronized int openUsers() {
        return handles.size();
    }

    synchronized long residentBytes() {
        return resident;
    }

    synchronized long evictions() {
        return evictions;
    }
}
