package dev.engram.internal.store;

import dev.engram.internal.crypto.FileCiphers;
import dev.engram.internal.crypto.KeyStore;
import dev.engram.internal.crypto.MasterKey;
import dev.engram.internal.crypto.UserKey;
import dev.engram.internal.lexical.TextAnalyzer;
import dev.engram.io.Closeables;
import dev.engram.io.FileStorage;
import dev.engram.io.Storage;
import dev.engram.memory.Memory;
import dev.engram.memory.MemoryId;
import dev.engram.memory.UserId;
import dev.engram.wal.Durability;
import dev.engram.wal.RecordTooLargeException;
import dev.engram.wal.Wal;
import dev.engram.wal.WalClosedException;
import dev.engram.wal.WalException;
import dev.engram.wal.WalOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * All users' stores behind the global write-ahead log: every mutation is one WAL record first
 * (durable per the {@link Durability} mode when {@link #write} returns), then applied to the
 * user's {@link UserStore}; user stores are flushed to their segments by checkpoints and
 * evictions, after which the WAL is truncated. {@link #open} replays the WAL after the last
 * checkpoint, idempotently. Open users are an LRU bounded by their resident bytes
 * ({@link OpenUsers}). Record layout, recovery, checkpoint policy and the compaction/replay rule:
 * docs/storage.md, section "MemoryStore".
 *
 * <p>Failures: the first I/O failure (WAL append, flush, checkpoint, eviction) is kept; every
 * later write or checkpoint throws an {@link IOException} whose cause is that failure. Reads of
 * users already open go on. Reopen to recover.
 *
 * <p>Thread-safe: writes and reads to different users run in parallel (their WAL records share
 * group commits); writes to one user are serialized and applied in LSN order. {@link #close} is
 * idempotent; call it after the other threads stopped using the store.
 */
public final class MemoryStore implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(MemoryStore.class.getName());
    /**
     * @param durability         the WAL's durability mode (SYNC: a write returns once fsynced)
     * @param openUsersMaxBytes  bound on the open users' {@link UserStore#residentBytes()} (LRU eviction)
     * @param checkpointWalBytes a checkpoint starts in the background once the WAL holds more bytes than
     *                           this since the last one ({@link Long#MAX_VALUE}: only explicit and on close)
     * @param user               options of each user's store
     * @param masterKey          crypto-shredding (docs/privacy.md): null, unencrypted; else every user's
     *                           files and WAL records are encrypted with its own data key, wrapped by this key
     * @param keyStore           where the wrapped keys live when opened by path (null: the data directory's
     *                           sibling {@code <name>.keys}, deliberately outside it); unused without a master key
     */
    public record Options(Durability durability, long openUsersMaxBytes, long checkpointWalBytes, UserStore.Options user,
            MasterKey masterKey, Path keyStore) {
        public Options {
            Objects.requireNonNull(durability, "durability");
            Objects.requireNonNull(user, "user");
            if (openUsersMaxBytes < 0 || checkpointWalBytes < 1) throw new IllegalArgumentException("negative bound");
        }

        /** Unencrypted. */
        public Options(Durability durability, long openUsersMaxBytes, long checkpointWalBytes, UserStore.Options user) {
            this(durability, openUsersMaxBytes, checkpointWalBytes, user, null, null);
        }

        /** SYNC, 256 MiB of open users, a checkpoint every 64 MiB of WAL, default user options, unencrypted. */
        public static Options defaults() {
            return new Options(Durability.SYNC, 256L << 20, 64L << 20, UserStore.Options.DEFAULT);
        }

        public Options withOpenUsersMaxBytes(long bytes) {
            return new Options(durability, bytes, checkpointWalBytes, user, masterKey, keyStore);
        }

        public Options withCheckpointWalBytes(long bytes) {
            return new Options(durability, openUsersMaxBytes, bytes, user, masterKey, keyStore);
        }

        public Options withUser(UserStore.Options options) {
            return new Options(durability, openUsersMaxBytes, checkpointWalBytes, options, masterKey, keyStore);
        }

        public Options withDurability(Durability d) {
            return new Options(d, openUsersMaxBytes, checkpointWalBytes, user, masterKey, keyStore);
        }

        /** Encrypted with {@code master} (null: unencrypted), keys in {@code keyStoreDir} (null: the default). */
        public Options withEncryption(MasterKey master, Path keyStoreDir) {
            return new Options(durability, openUsersMaxBytes, checkpointWalBytes, user, master, keyStoreDir);
        }
    }

    /** One mutation of a user's state; a {@link #write} applies a list of them atomically. */
    public sealed interface Mutation {
        /** A memory version (see {@link UserStore#put(Memory, float[])}); {@code embedding} may be null. */
        record Put(Memory memory, float[] embedding) implements Mutation {
            public Put {
                Objects.requireNonNull(memory, "memory");
                if (embedding != null) embedding = embedding.clone();
            }
        }

        /** Deletes every version of a memory (a no-op for an unknown or deleted one). */
        record Delete(MemoryId id, Instant at) implements Mutation {
            public Delete {
                Objects.requireNonNull(id, "id");
                Objects.requireNonNull(at, "at");
            }
        }

        /**
         * An opaque pipeline event: kept in the WAL only, replayed to the {@link EventSink} on
         * recovery until a checkpoint passes it (and the sink's {@link EventSink#retainFromLsn()}).
         */
        record Event(byte[] payload) implements Mutation {
            public Event {
                payload = payload.clone();
            }
        }

        /**
         * An opaque per-user note: WAL first, then kept in the user's segments for good (a JOURNAL
         * record with the write's LSN), through checkpoints and compaction; see {@link UserStore#journal()}.
         */
        record Journal(byte[] payload) implements Mutation {
            public Journal {
                payload = payload.clone();
            }
        }
    }

    /** Receives the events of the WAL after the last checkpoint when the store opens. */
    public interface EventSink {
        /** An {@link Mutation.Event} found after the checkpoint; called in LSN order before {@code open} returns. */
        void replayed(UserId user, long lsn, byte[] payload);

        /** The lowest LSN whose events the pipeline still needs ({@link Long#MAX_VALUE}: none); never truncated. */
        long retainFromLsn();

        /**
         * Re-appends (as new writes through the store) the events the sink still needs from records
         * up to {@code upToLsn}, so that {@link #retainFromLsn()} moves past it and a purge can retire
         * the segments holding those records. The default does nothing.
         */
        default void relocate(long upToLsn) throws IOException {}

        /** An fsync of the WAL took {@code nanos} (stores opened on a directory; for metrics). The default does nothing. */
        default void walSynced(long nanos) {}

        /** A sink that ignores events and needs none. */
        EventSink NONE = new EventSink() {
            @Override
            public void replayed(UserId user, long lsn, byte[] payload) {}

            @Override
            public long retainFromLsn() {
                return Long.MAX_VALUE;
            }
        };
    }

    /**
     * Counters: users open now, their resident bytes, evictions, WAL bytes since the last
     * checkpoint, checkpoints done, the last LSN, the checkpoint marker, and what recovery replayed.
     */
    public record Stats(int openUsers, long residentBytes, long evictions, long walBytesSinceCheckpoint, long checkpoints,
            long lastLsn, long appliedLsn, long truncatedLsn, long replayedRecords, long replayedEvents, long recoveryMillis) {}

    /** The WAL's subdirectory of a data directory opened by path. */
    public static final String WAL_DIRECTORY = "wal";

    private final Storage root;
    private final boolean ownsRoot;
    private final Wal wal;
    private final Options options;
    private final EventSink sink;
    private final FailStop failStop = new FailStop();
    private final OpenUsers users;
    private final Checkpointer checkpointer;
    // The key store of an encrypted data directory (crypto-shredding); null when unencrypted.
    private final KeyStore keys;
    private final java.util.concurrent.ConcurrentHashMap<String, Long> purges = new java.util.concurrent.ConcurrentHashMap<>();
    // The user catalog's keeper when the store is on a file system (open(Path, …)); null otherwise.
    private volatile CatalogKeeper catalog;
    private final java.util.concurrent.locks.ReentrantLock purgeLock = new java.util.concurrent.locks.ReentrantLock();
    private long replayedRecords;
    private long replayedEvents;
    private long recoveryMillis;
    private volatile boolean closed;

    private MemoryStore(Storage root, boolean ownsRoot, Wal wal, TextAnalyzer analyzer, Options options, EventSink sink,
            StoreCheckpoint marker, KeyStore keys) {
        this.root = root;
        this.ownsRoot = ownsRoot;
        this.wal = wal;
        this.options = options;
        this.sink = sink;
        this.keys = keys;
        this.users = new OpenUsers(u -> UserStore.open(root, u, analyzer, options.user(),
                keys == null ? FileCiphers.NONE : FileCiphers.of(keys, u)), options.openUsersMaxBytes(), failStop);
        this.checkpointer = new Checkpointer(wal, root, users, failStop, sink, options.checkpointWalBytes(), marker);
    }

    /**
     * Opens (creating) the data directory: the WAL under {@code dataDir/wal}, users under
     * {@code dataDir/users}. Replays the WAL after the last checkpoint before returning; events go
     * to {@code sink}.
     */
    public static MemoryStore open(Path dataDir, TextAnalyzer analyzer, Options options, EventSink sink) throws IOException {
        FileStorage root = FileStorage.open(dataDir);
        try {
            if (!root.isDirectory(WAL_DIRECTORY)) {
                root.subdirectory(WAL_DIRECTORY).close();
                root.syncDirectory(); // the log's directory entry is durable before any record goes into it
            }
            WalOptions wal = WalOptions.builder(dataDir.resolve(WAL_DIRECTORY)).durability(options.durability())
                    .syncListener(sink::walSynced).build();
            Path keyDir = options.keyStore() != null ? options.keyStore() : defaultKeyStore(dataDir);
            MemoryStore store = open(root, true, () -> openKeyDirectory(keyDir), wal, analyzer, options, sink);
            store.catalog = CatalogKeeper.start(dataDir, store.wal::lastLsn);
            store.users.listen(store.catalog);
            return store;
        } catch (IOException | RuntimeException e) {
            Closeables.closeQuietly(root);
            throw e;
        }
    }

    /**
     * The same on explicit storages: users (and the checkpoint marker) under {@code dataRoot},
     * the WAL where {@code wal} says (its durability mode wins over {@code options.durability()}).
     * The caller keeps ownership of {@code dataRoot}.
     */
    public static MemoryStore open(Storage dataRoot, WalOptions wal, TextAnalyzer analyzer, Options options, EventSink sink)
            throws IOException {
        return open(dataRoot, false, () -> {
            boolean existed = dataRoot.isDirectory("keys");
            Storage keys = dataRoot.subdirectory("keys");
            if (!existed) dataRoot.syncDirectory(); // the key store's entry is durable before a key goes into it
            return keys;
        }, wal, analyzer, options, sink);
    }

    /** Opens (creating, with its parent's entry made durable) the key store directory {@code dir}. */
    private static Storage openKeyDirectory(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath().normalize();
        boolean existed = java.nio.file.Files.isDirectory(abs);
        FileStorage keys = FileStorage.open(abs);
        if (!existed && abs.getParent() != null) {
            try (FileStorage parent = FileStorage.open(abs.getParent())) {
                parent.syncDirectory();
            }
        }
        return keys;
    }

    /**
     * The same with the key store on its own storage (used only with {@code options.masterKey()};
     * the store then owns and closes {@code keyStore}).
     */
    public static MemoryStore open(Storage dataRoot, Storage keyStore, WalOptions wal, TextAnalyzer analyzer, Options options,
            EventSink sink) throws IOException {
        return open(dataRoot, false, () -> keyStore, wal, analyzer, options, sink);
    }

    /** The default key store of a data directory: its sibling {@code <name>.keys}, so a copy of the data directory holds no key. */
    public static Path defaultKeyStore(Path dataDir) {
        Path abs = dataDir.toAbsolutePath().normalize();
        return abs.resolveSibling(abs.getFileName() + ".keys");
    }

    private static MemoryStore open(Storage root, boolean ownsRoot, EncryptionMarker.StorageOpener keyStore, WalOptions walOptions,
            TextAnalyzer analyzer, Options options, EventSink sink) throws IOException {
        Objects.requireNonNull(analyzer, "analyzer");
        Objects.requireNonNull(sink, "sink");
        long start = System.nanoTime();
        StoreCheckpoint marker = StoreCheckpoint.read(root);
        // An encrypted directory's master key is verified before anything (the WAL included) is opened.
        KeyStore keys = EncryptionMarker.verify(root, options.masterKey(), keyStore);
        Wal wal = null;
        try {
            wal = Wal.open(walOptions);
            if (options.masterKey() != null && keys == null) {
                keys = EncryptionMarker.initialize(root, options.masterKey(), keyStore, wal::lastLsn);
            }
        } catch (IOException | RuntimeException e) {
            Closeables.closeQuietly(wal, keys);
            throw e;
        }
        MemoryStore store = new MemoryStore(root, ownsRoot, wal, analyzer, options, sink, marker, keys);
        try {
            store.purges.putAll(PurgeMarkers.read(root));
            for (String hash : store.purges.keySet()) {
                if (keys != null) keys.destroy(hash); // the key goes first: a purge that did not finish
                deleteUserDirectory(root, hash);
            }
            store.replay();
            store.failStop.check(); // an eviction during replay failed: refuse to open rather than run failed
        } catch (IOException | RuntimeException e) {
            store.checkpointer.stopNow();
            store.users.closeAll();
            Closeables.closeQuietly(wal, keys);
            throw e;
        }
        store.recoveryMillis = (System.nanoTime() - start) / 1_000_000;
        return store;
    }

    private void replay() throws IOException {
        WalReplay.Result r = WalReplay.run(wal, checkpointer.marker(), users, sink, location(), Map.copyOf(purges),
                keys == null ? null : keys::get);
        replayedRecords = r.records();
        replayedEvents = r.events();
        checkpointer.appended(r.bytes());
    }

    private String location() {
        return options.durability() + " write-ahead log of " + root.location(".");
    }

    /**
     * Writes one user's mutations atomically: one WAL record, durable per the durability mode when
     * this returns, then applied to the user's store (reads see it). Returns the record's LSN.
     * Invalid input ({@link dev.engram.memory.ValidationException}: a memory of another user, a
     * wrong version or embedding dimension, …; {@link RecordTooLargeException}) throws before
     * anything is written.
     *
     * @throws IOException if the store failed, now or earlier (fail-stop; the cause is the first failure)
     */
    public long write(UserId user, List<Mutation> mutations) throws IOException {
        Objects.requireNonNull(user, "user");
        if (mutations.isEmpty()) throw new IllegalArgumentException("a write needs at least one mutation");
        checkOpen();
        failStop.check();
        // Unencrypted: encoded once, before touching the user, as always. Encrypted: encoded under the
        // user's lock (the key is taken after the purge check), 44 bytes longer, checked there.
        byte[] plainPayload = keys == null ? WalPayload.encode(user, mutations) : null;
        if (plainPayload != null && plainPayload.length > wal.options().maxRecordSize()) {
            throw new RecordTooLargeException(plainPayload.length, wal.options().maxRecordSize());
        }
        OpenUsers.Handle h = users.acquire(user);
        try {
            h.writeLock.lock();
            try {
                if (users.isBlocked(user)) { // a purge started while this write waited for the user
                    throw new dev.engram.PurgeInProgressException("user " + user + " is being purged; nothing was written");
                }
                h.store().validate(WalPayload.records(user, mutations, 0));
                byte[] payload = plainPayload != null ? plainPayload : WalPayload.encode(user, mutations, userKey(user));
                if (payload.length > wal.options().maxRecordSize()) {
                    throw new RecordTooLargeException(payload.length, wal.options().maxRecordSize());
                }
                checkpointer.applyGate().lock();
                try {
                    failStop.check();
                    long lsn;
                    try {
                        lsn = wal.append(WalPayload.TYPE, payload);
                    } catch (WalClosedException e) {
                        throw new IllegalStateException("memory store is closed", e);
                    } catch (WalException e) {
                        throw failStop.fail("write-ahead log append failed", e.getCause() != null ? e.getCause() : e);
                    }
                    checkpointer.appended(payload.length + 24L);
                    try {
                        h.store().apply(WalPayload.records(user, mutations, lsn));
                    } catch (IOException | RuntimeException e) {
                        // Durable in the log but not applied: reads would miss it, so stop.
                        throw failStop.fail("applying LSN " + lsn + " to user " + user + " failed", e);
                    }
                    return lsn;
                } finally {
                    checkpointer.applyGate().unlock();
                }
            } finally {
                h.writeLock.unlock();
            }
        } finally {
            users.release(h);
            checkpointer.maybeInBackground();
        }
    }

    /**
     * The user's data key, created durably if it has none (null when unencrypted). Called under the
     * user's write lock after the purge check, so a purged user never gets a key back by a racing write.
     */
    private UserKey userKey(UserId user) throws IOException {
        if (keys == null) return null;
        try {
            return keys.obtain(user);
        } catch (IOException | RuntimeException e) {
            throw failStop.fail("creating the data key of user " + user + " failed", e);
        }
    }

    /** Whether the store encrypts (a master key was configured). */
    public boolean encrypted() {
        return keys != null;
    }

    /**
     * Runs {@code f} with the user's store open (opened cold or created as needed) and pinned
     * against eviction. {@code f} must only read: mutations go through {@link #write}.
     */
    public <T> T read(UserId user, Function<UserStore, T> f) throws IOException {
        Objects.requireNonNull(user, "user");
        checkOpen();
        OpenUsers.Handle h = users.acquire(user);
        try {
            return f.apply(h.store());
        } finally {
            users.release(h);
        }
    }

    /**
     * Compacts one user's segments ({@link UserStore#compact()}). Safe against WAL replay: a deleted
     * memory's tombstone survives compaction, so a replayed put of it is skipped, never resurrected.
     */
    public void compact(UserId user) throws IOException {
        checkOpen();
        failStop.check();
        OpenUsers.Handle h = users.acquire(user);
        try {
            h.writeLock.lock();
            try {
                h.store().compact();
            } catch (IOException | RuntimeException e) {
                throw failStop.fail("compacting user " + user + " failed", e);
            } finally {
                h.writeLock.unlock();
            }
        } finally {
            users.release(h);
        }
    }

    /**
     * The user catalog once it has opened (waiting up to {@code millis} for its background open),
     * or empty: a store not on a file system, a catalog that failed to open, or one still opening.
     * Derived state: see {@link CatalogKeeper}.
     */
    public Optional<dev.engram.internal.catalog.UserCatalog> catalog(long millis) throws InterruptedException {
        return catalog == null ? Optional.empty() : catalog.await(millis);
    }

    /**
     * Whether the user has a directory (does not create one).
     *
     * @throws UncheckedIOException if the storage fails while looking
     */
    public boolean exists(UserId user) {
        Objects.requireNonNull(user, "user");
        Storage current = root;
        try {
            try {
                for (String e : UserDirectoryLayout.pathElements(user)) {
                    if (!current.isDirectory(e)) return false;
                    Storage next = current.subdirectory(e);
                    if (current != root) current.close();
                    current = next;
                }
                return true;
            } finally {
                if (current != root) current.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot tell whether user " + user + " exists", e);
        }
    }

    // ---------------------------------------------------------------- listing users (lifecycle sweeper)

    /**
     * Every user with state in this store: the user id of each {@code users/aa/bb/<h>/MANIFEST}
     * (read alone, {@link UserDirectories#readManifest}; the store is not opened, so the LRU of
     * open users is untouched) plus the users open now (one that never flushed has no manifest
     * yet). A manifest that does not hash to its directory, or is damaged, is skipped. Cost: one
     * directory walk and one small file read per user. Sorted by id; a user may be purged meanwhile.
     */
    public List<UserId> users() throws IOException {
        checkOpen();
        java.util.TreeSet<UserId> out = new java.util.TreeSet<>(java.util.Comparator.comparing(UserId::value));
        if (root.isDirectory(UserDirectoryLayout.USERS)) {
            try (Storage usersDir = root.subdirectory(UserDirectoryLayout.USERS)) {
                for (String a : usersDir.list()) {
                    if (a.length() != 2 || !usersDir.isDirectory(a)) continue;
                    try (Storage da = usersDir.subdirectory(a)) {
                        for (String b : da.list()) {
                            if (b.length() != 2 || !da.isDirectory(b)) continue;
                            try (Storage db = da.subdirectory(b)) {
                                for (String h : db.list()) {
                                    if (h.length() != 32 || !h.startsWith(a + b) || !db.isDirectory(h)) continue;
                                    try (Storage dir = db.subdirectory(h)) {
                                        UserDirectories.readManifest(dir).map(UserManifest::user)
                                                .filter(u -> UserDirectoryLayout.hashName(u).equals(h)).ifPresent(out::add);
                                    } catch (IOException | RuntimeException e) {
                                        // damaged or vanishing (purged) directory: not listed; opening it would report it
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        out.addAll(users.userIds());
        return List.copyOf(out);
    }

    /**
     * Flushes every user with unflushed records, writes the checkpoint marker, then truncates the
     * WAL up to {@code min(last LSN, sink.retainFromLsn() - 1)}. One checkpoint runs at a time.
     */
    public void checkpoint() throws IOException {
        checkOpen();
        checkpointer.checkpoint();
    }

    /** What a {@link #purge} removed. */
    public record PurgeResult(long memories, long versions, long files, long bytes, int walSegmentsRetired) {}

    /**
     * Removes every trace of {@code user} from the store (docs/privacy.md, "Purge"): writes the
     * durable purge intent ({@link PurgeMarkers}: the user's records up to the current LSN are void),
     * drops the open user without flushing (its off-heap memory released), deletes its directory,
     * seals the WAL segment holding its last record, asks the sink to re-append the events it still
     * needs from the sealed segments ({@link EventSink#relocate}), checkpoints so that every sealed
     * segment is deleted, and deletes the intent. Writes and reads of the user during the purge throw
     * {@link dev.engram.PurgeInProgressException}; a write that got the user first lands before the
     * purge and is purged with it. A crash after the intent is durable: the next {@link #open} deletes
     * the directory and drops the user's records, and {@link #completePurges} finishes the WAL part.
     * Purges run one at a time.
     *
     * @throws IOException if the store failed (fail-stop); the intent, if written, finishes the purge at the next open
     */
    public PurgeResult purge(UserId user) throws IOException {
        Objects.requireNonNull(user, "user");
        checkOpen();
        failStop.check();
        String hash = UserDirectoryLayout.hashName(user);
        purgeLock.lock();
        try {
            boolean present = exists(user);
            OpenUsers.Handle h = present ? users.acquire(user) : null;
            users.block(user);
            long memories = 0;
            long versions = 0;
            try {
                if (h != null) {
                    h.writeLock.lock();
                    boolean discarded = false;
                    try {
                        UserStore s = h.store();
                        for (MemoryId id : s.liveIds()) {
                            memories++;
                            versions += s.history(id).size();
                        }
                        writeIntent(hash);
                        try {
                            users.discard(h);
                            discarded = true;
                        } catch (IOException | RuntimeException e) {
                            throw failStop.fail("dropping the open store of purged user " + user + " failed", e);
                        }
                    } finally {
                        h.writeLock.unlock();
                        if (!discarded) users.release(h);
                    }
                } else {
                    writeIntent(hash);
                }
                long[] removed;
                try {
                    removed = deleteUserDirectory(root, hash);
                } catch (IOException | RuntimeException e) {
                    throw failStop.fail("deleting the directory of purged user " + user + " failed", e);
                }
                if (catalog != null) catalog.removed(user);
                int retired = retireWal(hash);
                return new PurgeResult(memories, versions, removed[0], removed[1], retired);
            } finally {
                users.unblock(user);
            }
        } finally {
            purgeLock.unlock();
        }
    }

    private void writeIntent(String hash) throws IOException {
        long purgeLsn = wal.lastLsn(); // the user's write lock is held: all its records are at or below
        try {
            PurgeMarkers.write(root, hash, purgeLsn);
        } catch (IOException | RuntimeException e) {
            throw failStop.fail("writing a purge intent failed", e);
        }
        purges.put(hash, purgeLsn);
        if (keys != null) {
            // Crypto-shredding: before anything is deleted, the user's data key is destroyed durably,
            // so every copy of its data (WAL segments not yet retired, backups) is unreadable from here on.
            try {
                keys.destroy(hash);
            } catch (IOException | RuntimeException e) {
                throw failStop.fail("destroying the data key of a purged user failed", e);
            }
        }
    }

    /**
     * Finishes the purges whose intents recovery found (deleting their WAL segments and intents).
     * Call once the event sink is ready to {@link EventSink#relocate}, before serving. Returns how many.
     */
    public int completePurges() throws IOException {
        checkOpen();
        purgeLock.lock();
        try {
            int n = 0;
            for (String hash : List.copyOf(purges.keySet())) {
                retireWal(hash);
                n++;
            }
            return n;
        } finally {
            purgeLock.unlock();
        }
    }

    /** Seals, relocates the sink's events, checkpoints past the sealed segments, deletes the intent. Returns segments deleted. */
    private int retireWal(String hash) throws IOException {
        failStop.check();
        int before = wal.segmentCount();
        try {
            wal.roll();
        } catch (WalException e) {
            throw failStop.fail("rolling the write-ahead log for a purge failed", e.getCause() != null ? e.getCause() : e);
        }
        long boundary = wal.lastLsn(); // every record up to it is in a sealed segment
        for (int attempt = 0; sink.retainFromLsn() <= boundary; attempt++) {
            if (attempt == 5) {
                throw new IOException("the pipeline still needs events at or before LSN " + boundary + "; the purge finishes at the next open");
            }
            sink.relocate(boundary);
        }
        checkpointer.checkpoint();
        if (checkpointer.marker().truncatedLsn() < boundary) {
            throw new IOException("the checkpoint kept LSN " + checkpointer.marker().truncatedLsn() + " < " + boundary
                    + "; the purge finishes at the next open");
        }
        try {
            PurgeMarkers.delete(root, hash);
        } catch (IOException | RuntimeException e) {
            throw failStop.fail("deleting a purge intent failed", e);
        }
        purges.remove(hash);
        return Math.max(0, before + 1 - wal.segmentCount());
    }

    /** Deletes the user directory named {@code hash} (if any) durably; returns {files, bytes} it held. */
    private static long[] deleteUserDirectory(Storage root, String hash) throws IOException {
        List<String> path = UserDirectoryLayout.pathElements(hash);
        List<Storage> opened = new java.util.ArrayList<>();
        try {
            Storage parent = root;
            for (String e : path.subList(0, path.size() - 1)) {
                if (!parent.isDirectory(e)) return new long[2];
                parent = parent.subdirectory(e);
                opened.add(parent);
            }
            String leaf = path.getLast();
            if (!parent.isDirectory(leaf)) return new long[2];
            long[] counts = new long[2];
            try (Storage dir = parent.subdirectory(leaf)) {
                count(dir, counts);
            }
            parent.deleteDirectory(leaf);
            parent.syncDirectory();
            return counts;
        } finally {
            for (Storage s : opened.reversed()) Closeables.closeQuietly(s);
        }
    }

    private static void count(Storage dir, long[] counts) throws IOException {
        for (String name : dir.list()) {
            if (dir.isDirectory(name)) {
                try (Storage sub = dir.subdirectory(name)) {
                    count(sub, counts);
                }
            } else {
                counts[0]++;
                counts[1] += dir.size(name);
            }
        }
    }

    public Stats stats() {
        StoreCheckpoint m = checkpointer.marker();
        return new Stats(users.openUsers(), users.residentBytes(), users.evictions(), checkpointer.walBytesSinceCheckpoint(),
                checkpointer.checkpoints(),
                wal.lastLsn(), m.appliedLsn(), m.truncatedLsn(), replayedRecords, replayedEvents, recoveryMillis);
    }

    /**
     * Calls {@code f} with the live memory count of each user the catalog knows (when it has
     * opened) and of each open user (its current count, which the catalog may not have yet).
     * Users whose count the catalog does not know are skipped. Reads no segment.
     */
    public void forEachMemoryCount(java.util.function.ObjLongConsumer<UserId> f) {
        Map<UserId, Long> open = new HashMap<>();
        for (Map.Entry<UserId, UserStore> e : users.openStores().entrySet()) {
            try {
                open.put(e.getKey(), e.getValue().summary().liveMemories());
            } catch (RuntimeException closing) {
                // evicted while we looked: the catalog has its count
            }
        }
        Optional<dev.engram.internal.catalog.UserCatalog> c;
        try {
            c = catalog(0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            c = Optional.empty();
        }
        if (c.isPresent()) {
            try {
                c.get().forEach((u, entry) -> {
                    if (!open.containsKey(u) && entry.liveMemories() >= 0) f.accept(u, entry.liveMemories());
                });
            } catch (RuntimeException closedOrBroken) {
                // the catalog is closing or damaged (rebuilt at the next open): report the open users only
            }
        }
        open.forEach((u, n) -> f.accept(u, n));
    }

    /** The write-ahead log's counters since open (appends, group-commit batches, fsyncs and their time, bytes). */
    public dev.engram.wal.WalStats walStats() {
        return wal.stats();
    }

    /** The first I/O failure kept by the fail-stop holder, or null. */
    public Throwable failure() {
        return failStop.failure();
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("memory store is closed");
    }

    /** Checkpoints (unless failed), closes every user and the WAL. Idempotent. */
    @Override
    public void close() throws IOException {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        checkpointer.stop();
        IOException first = null;
        if (failStop.failure() == null) {
            try {
                checkpointer.checkpoint();
            } catch (IOException e) {
                first = e;
            }
        }
        Throwable before = failStop.failure();
        users.closeAll();
        if (before == null && failStop.failure() != null && first == null) {
            first = new IOException("closing the open users failed", failStop.failure());
        }
        if (catalog != null) {
            try {
                catalog.close(); // marked clean only if every update reached it
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "closing the user catalog failed (rebuilt at the next open): " + e);
            }
        }
        try {
            wal.close();
        } catch (IOException e) {
            if (first == null) first = e;
            else first.addSuppressed(e);
        }
        if (keys != null) {
            try {
                keys.close();
            } catch (IOException e) {
                if (first == null) first = e;
                else first.addSuppressed(e);
            }
        }
        if (ownsRoot) {
            try {
                root.close();
            } catch (IOException e) {
                if (first == null) first = e;
                else first.addSuppressed(e);
            }
        }
        if (first != null) throw first;
    }
}
