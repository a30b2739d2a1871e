package dev.engram.internal.catalog;

import dev.engram.io.Closeables;
import dev.engram.io.FileStorage;
import dev.engram.memory.InvalidUserIdException;
import dev.engram.memory.UserId;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiConsumer;
import java.util.zip.CRC32C;
import net.openhft.chronicle.map.ChronicleMap;

/**
 * The user catalog: a persisted Chronicle Map {@code <catalogDir>/users.cm} from user id to
 * {@link CatalogEntry}, so users can be listed and looked up without scanning directories.
 *
 * <p><b>It is a cache of the user directories</b> (derived state). The directories (each user's
 * committed {@code MANIFEST}) are the truth; the catalog is rebuilt from them whenever it cannot be
 * trusted: on {@link #open} when the marker file ({@link CatalogMarker}) is missing or damaged,
 * says the catalog was not closed cleanly (a crash), its generation differs from the map's, the
 * map file's length or CRC32C differs from the one recorded at the clean close, or Chronicle Map
 * throws while the map is opened or its entries are verified. A map file is only ever handed to
 * Chronicle Map after its checksum matched, so a damaged file is deleted, never parsed.
 *
 * <p><b>When it is written.</b> The owner (the multi-user store) calls {@link #put} after a user's
 * flush or recovery has committed a manifest, and {@link #remove} after a purge. Puts are not
 * durable on their own (no fsync): a crash loses the marker's CLEAN state and the next open
 * rebuilds, so entries are never trusted across a crash. Between a crash and the owner's first put,
 * an entry holds what the directory's manifest says ({@code lastAppliedLsn} 0 and, if the bitmaps
 * lag the segments, unknown counts), which may be behind the WAL; the owner's WAL recovery then
 * puts the replayed users' entries. {@link #markClean} (also done by {@link #close}) persists the
 * map, checksums it and writes the CLEAN marker; the next mutation first writes an OPEN marker.
 *
 * <p>A value that fails its CRC on read is treated as absent (the caller falls back to the
 * directory, which {@link dev.engram.internal.store.UserDirectoryLayout} derives from the id), and
 * the catalog will not be marked clean, so the next open rebuilds. An exception from Chronicle Map
 * on a mutation is rethrown after the same marking.
 *
 * <p>Thread-safe: reads and mutations run concurrently (Chronicle Map's segment locks);
 * {@link #markClean} and {@link #close} wait for them and exclude them. {@link #close} is idempotent.
 * Needs the JVM flags of {@code engram.jvm.flags}; analytics are disabled here in any case.
 */
public final class UserCatalog implements AutoCloseable {
    public static final String MAP_FILE = "users.cm";
    /** Not a valid user id ('#'), so it can never collide with one: holds the map's generation. */
    static final String META_KEY = "#meta";
    private static final double MAX_BLOAT = 4.0;

    static {
        // Chronicle's analytics write under the home directory and phone home unless disabled
        // before its classes load; the launcher passes the flag, this covers embedders who forget.
        System.getProperties().putIfAbsent("chronicle.analytics.disable", "true");
        // And its start-up banner (version, PID, "leave your e-mail …") has no place in our logs.
        System.getProperties().putIfAbsent("chronicle.announcer.disable", "true");
    }

    private final Path catalogDir;
    private final Path mapFile;
    private final FileStorage dir;
    private final ChronicleMap<CharSequence, byte[]> map;
    private final RebuildReport rebuilt;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private long generation;
    private boolean clean;
    private volatile boolean broken;
    private boolean closed;

    private UserCatalog(Path catalogDir, FileStorage dir, ChronicleMap<CharSequence, byte[]> map, long generation,
                        RebuildReport rebuilt) {
        this.catalogDir = catalogDir;
        this.mapFile = catalogDir.resolve(MAP_FILE);
        this.dir = dir;
        this.map = map;
        this.generation = generation;
        this.rebuilt = rebuilt;
    }

    /**
     * Opens the catalog in {@code catalogDir} (created if absent) for the users under the data
     * directory {@code dataRoot} (the directory holding {@code users/}, as given to
     * {@code UserStore.open}), rebuilding it from the user directories when it cannot be trusted
     * (see the class comment). {@code expectedUsers} sizes a new map; it can hold
     * {@value #MAX_BLOAT}× that many users before a put fails (then reopen with a larger figure
     * after deleting the map, or let a rebuild size it from the users found).
     */
    public static UserCatalog open(Path catalogDir, Path dataRoot, int expectedUsers) throws IOException {
        if (expectedUsers < 1) throw new IllegalArgumentException("expectedUsers must be >= 1");
        FileStorage dir = FileStorage.open(catalogDir);
        Path mapFile = dir.directory().resolve(MAP_FILE);
        try {
            Optional<CatalogMarker> marker = CatalogMarker.read(dir);
            String reason = trustProblem(marker, mapFile);
            if (reason == null) {
                long g = marker.get().generation();
                ChronicleMap<CharSequence, byte[]> map = null;
                try {
                    map = builder(expectedUsers).createPersistedTo(mapFile.toFile());
                    reason = verify(map, g, marker.get().users());
                    if (reason == null) {
                        UserCatalog c = new UserCatalog(dir.directory(), dir, map, g, null);
                        c.beginGeneration(g + 1);
                        return c;
                    }
                } catch (IOException | RuntimeException e) {
                    reason = "map failed to open or read: " + e;
                }
                if (map != null) closeQuietly(map);
            }
            return rebuildAndOpen(dir, dataRoot, expectedUsers, reason, marker.map(CatalogMarker::generation).orElse(0L));
        } catch (IOException | RuntimeException e) {
            Closeables.closeQuietly(dir);
            throw e;
        }
    }

    /**
     * Rebuilds the catalog in {@code catalogDir} from the user directories under {@code dataRoot}
     * and closes it cleanly. Used by {@link #open} when the catalog cannot be trusted, and by
     * operators (delete-and-rebuild).
     */
    public static RebuildReport rebuild(Path catalogDir, Path dataRoot, int expectedUsers) throws IOException {
        FileStorage dir = FileStorage.open(catalogDir);
        long g = CatalogMarker.read(dir).map(CatalogMarker::generation).orElse(0L);
        try (UserCatalog c = rebuildAndOpen(dir, dataRoot, expectedUsers, "requested", g)) {
            return c.rebuilt;
        }
    }

    private static UserCatalog rebuildAndOpen(FileStorage dir, Path dataRoot, int expectedUsers, String reason,
                                              long previousGeneration) throws IOException {
        long t0 = System.nanoTime();
        long g = previousGeneration + 1;
        // OPEN first: a crash during the rebuild leaves a marker that forces another rebuild.
        CatalogMarker.open(g).write(dir);
        Path mapFile = dir.directory().resolve(MAP_FILE);
        Files.deleteIfExists(mapFile);
        DirectoryScan.Result scan = DirectoryScan.scan(dataRoot);
        int size = (int) Math.min(Integer.MAX_VALUE / 2, Math.max(expectedUsers, scan.found().size() * 2L));
        ChronicleMap<CharSequence, byte[]> map = builder(size).createPersistedTo(mapFile.toFile());
        try {
            long unknown = 0;
            for (DirectoryScan.Found f : scan.found()) {
                map.put(f.user().value(), f.entry().encode(f.user().value()));
                if (f.entry().liveMemories() < 0) unknown++;
            }
            map.put(META_KEY, meta(g));
            RebuildReport report = new RebuildReport(reason, scan.found().size(), unknown, scan.skipped(), System.nanoTime() - t0);
            return new UserCatalog(dir.directory(), dir, map, g, report);
        } catch (RuntimeException e) {
            closeQuietly(map);
            throw e;
        }
    }

    private static net.openhft.chronicle.map.ChronicleMapBuilder<CharSequence, byte[]> builder(int entries) {
        return ChronicleMap.of(CharSequence.class, byte[].class)
                .name("engram-user-catalog")
                .entries(entries)
                .averageKeySize(24)
                .constantValueSizeBySample(new byte[CatalogEntry.SIZE])
                .maxBloatFactor(MAX_BLOAT);
    }

    /** Why the map file must not be trusted, or null if the marker vouches for it. */
    private static String trustProblem(Optional<CatalogMarker> marker, Path mapFile) throws IOException {
        if (marker.isEmpty()) return "no valid marker";
        if (!marker.get().clean()) return "not closed cleanly";
        if (!Files.isRegularFile(mapFile)) return "map file missing";
        long length = Files.size(mapFile);
        if (length != marker.get().mapLength()) return "map file length " + length + ", marker says " + marker.get().mapLength();
        if (crcOf(mapFile) != marker.get().mapCrc32c()) return "map file checksum mismatch";
        return null;
    }

    /**
     * Checks the meta entry's generation and the entry count; returns a problem or null. Entries are
     * not decoded here: the whole-file CRC32C already proved the file is byte for byte the one
     * closed cleanly, and every read checks its value's own CRC (a full scan cost 1 s per 100k
     * entries on a loaded machine, for no extra protection).
     */
    private static String verify(ChronicleMap<CharSequence, byte[]> map, long generation, long users) {
        byte[] meta = map.get(META_KEY);
        if (meta == null || meta.length != CatalogEntry.SIZE || readMeta(meta) != generation) return "generation mismatch";
        if (map.longSize() - 1 != users) return "entry count differs from the marker";
        return null;
    }

    // The meta value reuses the entry size (the map's values are constant-size): generation at 0.
    private static byte[] meta(long generation) {
        byte[] v = new byte[CatalogEntry.SIZE];
        ByteBuffer.wrap(v).putLong(generation).putInt(8, crcMeta(generation));
        return v;
    }

    private static long readMeta(byte[] v) {
        ByteBuffer b = ByteBuffer.wrap(v);
        long g = b.getLong(0);
        return b.getInt(8) == crcMeta(g) ? g : -1;
    }

    private static int crcMeta(long g) {
        CRC32C c = new CRC32C();
        c.update(ByteBuffer.allocate(8).putLong(0, g));
        return (int) c.getValue();
    }

    /** Writes the OPEN marker of generation {@code g}, then stamps the map with it. */
    private void beginGeneration(long g) throws IOException {
        CatalogMarker.open(g).write(dir);
        map.put(META_KEY, meta(g));
        generation = g;
        clean = false;
    }

    /** Why the catalog was rebuilt on open, or empty if it was loaded as it was left. */
    public Optional<RebuildReport> rebuiltOnOpen() {
        return Optional.ofNullable(rebuilt);
    }

    /** Records {@code entry} for {@code user}; its directory must be the user's ({@link CatalogEntry#directoryOf}). */
    public void put(UserId user, CatalogEntry entry) throws IOException {
        if (!entry.directory().equals(CatalogEntry.directoryOf(user))) {
            throw new IllegalArgumentException("entry directory " + entry.directory() + " is not user " + user + "'s");
        }
        mutate(() -> map.put(user.value(), entry.encode(user.value())));
    }

    /** Forgets {@code user} (after a purge). */
    public void remove(UserId user) throws IOException {
        mutate(() -> map.remove(user.value()));
    }

    /** The entry of {@code user}, or empty if unknown (or its stored value is damaged: see the class comment). */
    public Optional<CatalogEntry> get(UserId user) {
        lock.readLock().lock();
        try {
            ensureOpen();
            byte[] v = map.get(user.value());
            return v == null ? Optional.empty() : Optional.of(CatalogEntry.decode(user.value(), v));
        } catch (RuntimeException e) {
            // A damaged value or a failing map: a miss (the caller derives the directory from the
            // id), and no CLEAN marker any more, so the next open rebuilds.
            if (closed) throw e;
            broken = true;
            return Optional.empty();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The number of users listed. */
    public long size() {
        lock.readLock().lock();
        try {
            ensureOpen();
            return map.longSize() - 1;
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Calls {@code f} for every listed user, in no particular order, without touching the user
     * directories; entries whose value is damaged are skipped (and force a rebuild at next open).
     * {@code f} must not call back into this catalog's mutations.
     */
    public void forEach(BiConsumer<UserId, CatalogEntry> f) {
        lock.readLock().lock();
        boolean[] inCaller = {false};
        try {
            ensureOpen();
            map.forEach((k, v) -> {
                String key = k.toString();
                if (key.equals(META_KEY)) return;
                CatalogEntry e;
                UserId user;
                try {
                    user = UserId.of(key);
                    e = CatalogEntry.decode(key, v);
                } catch (InvalidUserIdException | IllegalStateException ex) {
                    broken = true;
                    return;
                }
                inCaller[0] = true;
                f.accept(user, e);
                inCaller[0] = false;
            });
        } catch (RuntimeException e) {
            // The map failed while listing (not the caller's f): rebuild at next open.
            if (!closed && !inCaller[0]) broken = true;
            throw e;
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Makes the map durable and writes the CLEAN marker (generation, map length and CRC32C), so the
     * next open trusts the file without a rebuild. The catalog stays usable; the next mutation
     * writes an OPEN marker of a new generation first. Does nothing if the catalog saw a damaged
     * value or a failed mutation: its next open rebuilds.
     */
    public void markClean() throws IOException {
        lock.writeLock().lock();
        try {
            ensureOpen();
            markCleanLocked();
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void markCleanLocked() throws IOException {
        if (clean || broken) return;
        long users = map.longSize() - 1;
        try (FileChannel ch = FileChannel.open(mapFile, StandardOpenOption.WRITE)) {
            ch.force(true); // the map's mapped pages are the file's page cache: fsync writes them
        }
        new CatalogMarker(generation, true, Files.size(mapFile), crcOf(mapFile), users).write(dir);
        clean = true;
    }

    private interface Mutation {
        void run();
    }

    private void mutate(Mutation m) throws IOException {
        lock.readLock().lock();
        try {
            ensureOpen();
            if (clean) {
                lock.readLock().unlock();
                lock.writeLock().lock();
                try {
                    ensureOpen();
                    if (clean) beginGeneration(generation + 1);
                    lock.readLock().lock(); // downgrade
                } finally {
                    lock.writeLock().unlock();
                }
            }
            try {
                m.run();
            } catch (RuntimeException e) {
                broken = true;
                throw e;
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    private void ensureOpen() {
        if (closed) throw new IllegalStateException("user catalog " + catalogDir + " is closed");
    }

    /** Marks the catalog clean (unless it saw damage) and releases the map. Idempotent. */
    @Override
    public void close() throws IOException {
        lock.writeLock().lock();
        try {
            if (closed) return;
            closed = true;
            try {
                closeMapAndMarkClean();
            } finally {
                dir.close();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    // Closes the map first (so no lock word changes any more), then fsyncs, checksums and marks clean.
    private void closeMapAndMarkClean() throws IOException {
        long users = map.longSize() - 1;
        map.close();
        if (clean || broken) return;
        try (FileChannel ch = FileChannel.open(mapFile, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        new CatalogMarker(generation, true, Files.size(mapFile), crcOf(mapFile), users).write(dir);
        clean = true;
    }

    /** Test hook: releases the map without writing the CLEAN marker, as a crash would leave it. */
    void closeWithoutMarker() throws IOException {
        lock.writeLock().lock();
        try {
            if (closed) return;
            closed = true;
            map.close();
            dir.close();
        } finally {
            lock.writeLock().unlock();
        }
    }

    private static void closeQuietly(ChronicleMap<?, ?> map) {
        try {
            map.close();
        } catch (RuntimeException ignored) {
            // already failing: the caller reports the first problem
        }
    }

    static int crcOf(Path file) throws IOException {
        CRC32C crc = new CRC32C();
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (ch.read(buf) >= 0) {
                buf.flip();
                crc.update(buf);
                buf.clear();
            }
        }
        return (int) crc.getValue();
    }
}
