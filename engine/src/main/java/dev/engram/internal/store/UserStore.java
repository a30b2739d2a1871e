package dev.engram.internal.store;

import dev.engram.internal.bitmap.AttributeBitmaps;
import dev.engram.internal.bitmap.BitmapFile;
import dev.engram.internal.format.BlockFileReader;
import dev.engram.internal.format.Corruption;
import dev.engram.io.CorruptFileException;
import dev.engram.internal.format.Crc32c;
import dev.engram.internal.lexical.LexicalFile;
import dev.engram.internal.lexical.LexicalIndex;
import dev.engram.internal.lexical.ScoredDoc;
import dev.engram.internal.lexical.TextAnalyzer;
import dev.engram.internal.segment.SegmentReader;
import dev.engram.internal.segment.SegmentRecord;
import dev.engram.internal.segment.SegmentWriter;
import dev.engram.memory.Memory;
import dev.engram.memory.MemoryId;
import dev.engram.memory.UserId;
import dev.engram.io.Closeables;
import dev.engram.io.FileOutput;
import dev.engram.io.Storage;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.util.zip.CRC32C;
import org.roaringbitmap.RoaringBitmap;

/**
 * One user's store: that user's segments, lexical index and attribute bitmaps in the user's own
 * directory ({@link UserDirectoryLayout}), tied together by the atomically replaced
 * {@link UserManifest}.
 *
 * <p>Writes: {@link #put} and {@link #delete} validate, then apply at once to the in-memory state
 * (so reads see them) and buffer the record; {@link #flush} appends the buffered records to the
 * active segment as blocks, fsyncs it and replaces the manifest, which makes them durable. (With
 * the WAL, a record is durable in the WAL before it is put here, and flush becomes the
 * checkpoint.) {@link #checkpointIndexes} persists the derived indexes; {@link #compact} rewrites
 * the segments without the versions of deleted memories.
 *
 * <p>Open: the manifest names the files; unlisted files are leftovers of interrupted writes and
 * are deleted; the active segment is cut back to its committed length; every listed file's
 * checksum and length must match, otherwise opening fails with {@link CorruptFileException}
 * (segments are the source of truth). Index files that are missing, damaged or stale are rebuilt
 * from the segments ({@link #indexesRebuiltOnOpen()}).
 *
 * <p>Failures: the first {@link IOException} of a write, sync or rename is kept; the store then
 * refuses every later write, naming that cause (fail-stop; an fsync is never retried). Reopen
 * to recover.
 *
 * <p>Thread-safe: reads share a read lock, writes (including flush, checkpoint and compaction)
 * take the write lock. {@link #close} is idempotent.
 */
public final class UserStore implements AutoCloseable {
    /** Tuning: the raw size of segment blocks, and the segment size after which a segment is sealed. */
    public record Options(int targetBlockBytes, long segmentRollBytes) {
        public static final Options DEFAULT = new Options(64 * 1024, 64L << 20);
    }

    /** A lexical search hit: the memory version, its ordinal and its BM25 score. */
    public record Hit(Memory memory, int ordinal, double score) {}

    private final UserId user;
    private final Storage dir;
    private final TextAnalyzer analyzer;
    private final Options options;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final List<SegmentRecord> pending = new ArrayList<>();
    private UserManifest manifest;
    private UserState state;
    private boolean indexesRebuilt;
    // The active (unsealed) segment, or null when the next flush starts a new one.
    private String activeName;
    private SegmentWriter activeWriter;
    private FileOutput activeOut;
    private CRC32C activeCrc;
    private IOException failure;
    private boolean closed;

    private UserStore(UserId user, Storage dir, TextAnalyzer analyzer, Options options) {
        this.user = user;
        this.dir = dir;
        this.analyzer = analyzer;
        this.options = options;
    }

    /**
     * Opens {@code user}'s store under the data directory {@code root} (its directory is given by
     * {@link UserDirectoryLayout}), creating it if absent.
     */
    public static UserStore open(Storage root, UserId user, TextAnalyzer analyzer, Options options) throws IOException {
        Storage dir = UserDirectoryLayout.open(root, user);
        UserStore store = new UserStore(user, dir, analyzer, options);
        try {
            store.load();
        } catch (IOException | RuntimeException e) {
            Closeables.closeQuietly(store.activeOut, dir);
            throw e;
        }
        return store;
    }

    private void load() throws IOException {
        if (dir.exists(UserManifest.FILE_NAME + ".tmp")) dir.delete(UserManifest.FILE_NAME + ".tmp");
        String manifestPath = dir.location(UserManifest.FILE_NAME);
        if (dir.exists(UserManifest.FILE_NAME)) {
            byte[] bytes = StoreFiles.readAll(dir, UserManifest.FILE_NAME);
            manifest = UserManifest.decode(bytes, bytes.length, manifestPath);
            if (!manifest.user().equals(user)) {
                throw Corruption.of(manifestPath, 0, "manifest belongs to user '" + manifest.user()
                        + "', not '" + user + "'", "user directory hash collision or a directory copied by hand");
            }
        } else {
            manifest = UserManifest.empty(user);
        }
        deleteOrphans();
        List<SegmentRecord> records = new ArrayList<>();
        for (UserManifest.Entry e : manifest.segments()) records.addAll(readSegment(e, true));
        state = new UserState(user, analyzer);
        long covered = loadIndexes(records.size());
        for (SegmentRecord r : records) state.apply(r, state.records() >= covered);
    }

    /** Reads and verifies a listed segment; opens the last one for appending when unsealed and asked to. */
    private List<SegmentRecord> readSegment(UserManifest.Entry e, boolean openActive) throws IOException {
        String name = dir.location(e.name());
        if (!dir.exists(e.name())) throw Corruption.of(name, 0, "listed in the manifest but missing", "deleted by hand?");
        byte[] data = StoreFiles.readAll(dir, e.name());
        if (data.length < e.length()) {
            throw Corruption.of(name, data.length, "file is " + data.length + " bytes, the manifest committed "
                    + e.length(), "file truncated after it was committed? disk fault?");
        }
        if (e.sealed() && data.length != e.length()) {
            throw Corruption.of(name, e.length(), "sealed segment has bytes after its committed length", "disk fault?");
        }
        int crc = Crc32c.of(data, 0, (int) e.length());
        if (crc != e.crc32c()) {
            throw Corruption.of(name, 0, String.format("checksum of the committed %d bytes is 0x%08X, the manifest says 0x%08X",
                    e.length(), crc, e.crc32c()), "file changed after it was committed? disk fault?");
        }
        SegmentReader.Contents c = SegmentReader.read(data, (int) e.length(), name, user, BlockFileReader.Mode.STRICT);
        if (c.sealed() != e.sealed() || c.records().size() != e.records()) {
            throw Corruption.of(name, 0, "segment disagrees with the manifest (sealed " + c.sealed() + ", "
                    + c.records().size() + " records)", "manifest and segment from different writes?");
        }
        List<UserManifest.Entry> segments = manifest.segments();
        if (openActive && !e.sealed() && e.equals(segments.getLast())) {
            activeName = e.name();
            activeOut = StoreFiles.openForAppend(dir, e.name(), e.length()); // drops an uncommitted tail
            activeWriter = SegmentWriter.resume(user, c, options.targetBlockBytes());
            activeCrc = new CRC32C();
            activeCrc.update(data, 0, (int) e.length());
        } else if (!e.sealed() && openActive) {
            throw Corruption.of(name, 0, "an unsealed segment that is not the last one", "manifest damaged?");
        }
        return c.records();
    }

    /** Installs persisted indexes if they are sound and not ahead of the segments; returns how many records they cover. */
    private long loadIndexes(long totalRecords) throws IOException {
        Optional<UserManifest.Entry> lex = manifest.file(FileKind.LEXICAL);
        Optional<UserManifest.Entry> bmp = manifest.file(FileKind.BITMAPS);
        indexesRebuilt = true;
        if (lex.isEmpty() || bmp.isEmpty() || lex.get().records() != bmp.get().records()
                || lex.get().records() > totalRecords) {
            return 0;
        }
        try {
            byte[] l = readListed(lex.get());
            byte[] b = readListed(bmp.get());
            LexicalIndex lexical = LexicalFile.decode(l, l.length, dir.location(lex.get().name()), analyzer);
            AttributeBitmaps bitmaps = BitmapFile.decode(b, b.length, dir.location(bmp.get().name()));
            state.installIndexes(lexical, bitmaps);
            indexesRebuilt = false;
            return lex.get().records();
        } catch (CorruptFileException | NoSuchFileException e) {
            // Derived state: a damaged or missing index file costs a rebuild, never the user's data.
            return 0;
        }
    }

    private byte[] readListed(UserManifest.Entry e) throws IOException {
        byte[] data = StoreFiles.readAll(dir, e.name());
        if (data.length != e.length() || Crc32c.of(data) != e.crc32c()) {
            throw Corruption.of(dir.location(e.name()), 0, "length or checksum differs from the manifest", "stale file?");
        }
        return data;
    }

    private void deleteOrphans() throws IOException {
        Set<String> listed = new HashSet<>();
        for (UserManifest.Entry e : manifest.files()) listed.add(e.name());
        boolean deleted = false;
        for (String n : dir.list()) {
            if (!n.equals(UserManifest.FILE_NAME) && !listed.contains(n) && !dir.isDirectory(n)) deleted |= dir.delete(n);
        }
        if (deleted) dir.syncDirectory();
    }

    public UserId user() {
        return user;
    }

    /** Where the user's directory is, for messages. */
    public String location() {
        return dir.location(".");
    }

    /** Whether opening rebuilt the derived indexes (missing, stale or damaged files). */
    public boolean indexesRebuiltOnOpen() {
        return indexesRebuilt;
    }

    /**
     * Adds a version: version 1 of a new memory or the next version of a known one. Returns false
     * (and changes nothing) for an exact copy of a stored version, so replays are idempotent.
     * Bad input raises {@link dev.engram.memory.ValidationException} and changes nothing.
     */
    public boolean put(Memory memory) throws IOException {
        lock.writeLock().lock();
        try {
            ensureWritable();
            if (state.checkPut(memory) == UserState.PutCheck.DUPLICATE) return false;
            SegmentRecord r = new SegmentRecord.Version(memory);
            pending.add(r);
            state.apply(r, true);
            return true;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Deletes every version of a memory; false if it is unknown or already deleted. */
    public boolean delete(MemoryId id, Instant at) throws IOException {
        lock.writeLock().lock();
        try {
            ensureWritable();
            if (state.isDeleted(id) || state.current(id).isEmpty()) return false;
            SegmentRecord r = new SegmentRecord.Tombstone(user, id, at);
            pending.add(r);
            state.apply(r, true);
            return true;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Makes every put and delete so far durable: append, fsync, manifest replace. */
    public void flush() throws IOException {
        lock.writeLock().lock();
        try {
            ensureWritable();
            flushLocked();
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void flushLocked() throws IOException {
        if (pending.isEmpty()) return;
        try {
            int used = 0;
            boolean created = false;
            if (activeWriter == null) {
                activeName = manifest.newName(FileKind.SEGMENT, 0);
                used = 1;
                created = true;
                activeWriter = SegmentWriter.create(user, options.targetBlockBytes());
                activeOut = dir.create(activeName);
                activeCrc = new CRC32C();
                append(activeWriter.header());
            }
            for (SegmentRecord r : pending) activeWriter.add(r);
            append(activeWriter.flush());
            boolean seal = activeWriter.position() >= options.segmentRollBytes();
            if (seal) append(activeWriter.seal());
            activeOut.sync();
            if (created) dir.syncDirectory();
            UserManifest.Entry entry = new UserManifest.Entry(activeName, FileKind.SEGMENT, activeWriter.position(),
                    (int) activeCrc.getValue(), seal, activeWriter.recordCount());
            List<UserManifest.Entry> files = new ArrayList<>();
            boolean replaced = false;
            for (UserManifest.Entry e : manifest.files()) {
                if (e.name().equals(activeName)) {
                    files.add(entry);
                    replaced = true;
                } else {
                    files.add(e);
                }
            }
            if (!replaced) files.add(entry);
            installManifest(manifest.next(files, used));
            pending.clear();
            if (seal) {
                activeOut.close();
                activeOut = null;
                activeWriter = null;
                activeName = null;
            }
        } catch (IOException | RuntimeException e) {
            throw fail(e);
        }
    }

    private void append(byte[] bytes) throws IOException {
        activeOut.write(bytes);
        activeCrc.update(bytes, 0, bytes.length);
    }

    private void installManifest(UserManifest next) throws IOException {
        StoreFiles.writeAtomically(dir, UserManifest.FILE_NAME, next.encode());
        manifest = next;
    }

    /** Flushes, then persists the lexical index and bitmaps so the next open need not rebuild them. */
    public void checkpointIndexes() throws IOException {
        lock.writeLock().lock();
        try {
            ensureWritable();
            flushLocked();
            try {
                List<UserManifest.Entry> files = new ArrayList<>();
                List<String> old = new ArrayList<>();
                for (UserManifest.Entry e : manifest.files()) {
                    if (e.kind() == FileKind.LEXICAL || e.kind() == FileKind.BITMAPS) old.add(e.name());
                    else files.add(e);
                }
                files.addAll(writeIndexes(state, 0));
                dir.syncDirectory();
                installManifest(manifest.next(files, 2));
                deleteAll(old);
            } catch (IOException | RuntimeException e) {
                throw fail(e);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Writes the index files of {@code s} as new files numbered from {@code first}; returns their entries. */
    private List<UserManifest.Entry> writeIndexes(UserState s, int first) throws IOException {
        byte[] lex = LexicalFile.encode(s.lexical());
        byte[] bmp = BitmapFile.encode(s.bitmaps());
        String lexName = manifest.newName(FileKind.LEXICAL, first);
        String bmpName = manifest.newName(FileKind.BITMAPS, first + 1);
        StoreFiles.writeNew(dir, lexName, lex);
        StoreFiles.writeNew(dir, bmpName, bmp);
        return List.of(new UserManifest.Entry(lexName, FileKind.LEXICAL, lex.length, Crc32c.of(lex), true, s.records()),
                new UserManifest.Entry(bmpName, FileKind.BITMAPS, bmp.length, Crc32c.of(bmp), true, s.records()));
    }

    /**
     * Rewrites the user's segments into one sealed segment that keeps every record except the
     * versions of deleted memories (their tombstones stay), writes fresh indexes for it, swaps
     * the manifest and deletes the old files: after this returns, a deleted memory's content is
     * in no file of the user. Ordinals are renumbered.
     */
    public void compact() throws IOException {
        lock.writeLock().lock();
        try {
            ensureWritable();
            flushLocked();
            try {
                List<SegmentRecord> kept = new ArrayList<>();
                for (UserManifest.Entry e : manifest.segments()) {
                    for (SegmentRecord r : readSegment(e, false)) {
                        if (r instanceof SegmentRecord.Tombstone || !state.isDeleted(r.memoryId())) kept.add(r);
                    }
                }
                UserState next = new UserState(user, analyzer);
                for (SegmentRecord r : kept) next.apply(r, true);
                SegmentWriter w = SegmentWriter.create(user, options.targetBlockBytes());
                byte[] header = w.header();
                for (SegmentRecord r : kept) w.add(r);
                byte[] body = w.seal();
                byte[] segment = new byte[header.length + body.length];
                System.arraycopy(header, 0, segment, 0, header.length);
                System.arraycopy(body, 0, segment, header.length, body.length);
                String segName = manifest.newName(FileKind.SEGMENT, 0);
                StoreFiles.writeNew(dir, segName, segment);
                List<UserManifest.Entry> files = new ArrayList<>();
                files.add(new UserManifest.Entry(segName, FileKind.SEGMENT, segment.length, Crc32c.of(segment), true, kept.size()));
                files.addAll(writeIndexes(next, 1));
                dir.syncDirectory();
                List<String> old = manifest.files().stream().map(UserManifest.Entry::name).toList();
                if (activeOut != null) activeOut.close();
                activeOut = null;
                activeWriter = null;
                activeName = null;
                installManifest(manifest.next(files, 3));
                state = next;
                deleteAll(old);
            } catch (IOException | RuntimeException e) {
                throw fail(e);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void deleteAll(List<String> names) throws IOException {
        for (String n : names) dir.delete(n);
        if (!names.isEmpty()) dir.syncDirectory();
    }

    // --- reads ---

    public Optional<Memory> current(MemoryId id) {
        return read(s -> s.current(id));
    }

    public List<Memory> history(MemoryId id) {
        return read(s -> s.history(id));
    }

    public Optional<Memory> asOf(MemoryId id, Instant t) {
        return read(s -> s.asOf(id, t));
    }

    /** Ids of the memories that have a current, undeleted version. */
    public List<MemoryId> liveIds() {
        return read(s -> s.ids().stream().filter(id -> !s.isDeleted(id)).sorted().toList());
    }

    /** BM25 search over this user's versions, restricted to {@code accept} (null: all indexed versions). */
    public List<Hit> searchLexical(String query, int k, RoaringBitmap accept) {
        return read(s -> {
            List<Hit> hits = new ArrayList<>();
            for (ScoredDoc d : s.lexical().search(query, k, accept)) {
                s.atOrdinal(d.ordinal()).ifPresent(m -> hits.add(new Hit(m, d.ordinal(), d.score())));
            }
            return hits;
        });
    }

    /** Runs {@code f} on the attribute bitmaps under the read lock; {@code f} must not keep them. */
    public <T> T withBitmaps(Function<AttributeBitmaps, T> f) {
        return read(s -> f.apply(s.bitmaps()));
    }

    /**
     * Rebuilds the derived state from the segment files and compares it with the live state:
     * the lexical index, the bitmaps and every memory's versions must be equal. Flushes first.
     */
    public boolean derivedStateMatchesRebuild() throws IOException {
        lock.writeLock().lock();
        try {
            ensureWritable();
            flushLocked();
            UserState rebuilt = new UserState(user, analyzer);
            for (UserManifest.Entry e : manifest.segments()) {
                for (SegmentRecord r : readSegment(e, false)) rebuilt.apply(r, true);
            }
            if (!rebuilt.lexical().sameContent(state.lexical()) || !state.lexical().sameContent(rebuilt.lexical())) return false;
            if (!rebuilt.bitmaps().equals(state.bitmaps()) || rebuilt.ordinals() != state.ordinals()) return false;
            for (MemoryId id : state.ids()) if (!rebuilt.history(id).equals(state.history(id))) return false;
            return rebuilt.ids().size() == state.ids().size();
        } finally {
            lock.writeLock().unlock();
        }
    }

    private <T> T read(Function<UserState, T> f) {
        lock.readLock().lock();
        try {
            if (closed) throw new IllegalStateException("user store of " + user + " is closed");
            return f.apply(state);
        } finally {
            lock.readLock().unlock();
        }
    }

    private void ensureWritable() throws IOException {
        if (closed) throw new IllegalStateException("user store of " + user + " is closed");
        if (failure != null) {
            throw new IOException("user store of " + user + " stopped after an earlier I/O failure; reopen it to recover",
                    failure);
        }
    }

    private IOException fail(Exception e) {
        IOException io = e instanceof IOException x ? x : new IOException("unexpected failure while writing " + dir, e);
        if (failure == null) failure = io;
        return io;
    }

    /** Flushes pending records unless the store has failed, then releases its file. Idempotent. */
    @Override
    public void close() throws IOException {
        lock.writeLock().lock();
        try {
            if (closed) return;
            IOException first = null;
            if (failure == null) {
                try {
                    flushLocked();
                } catch (IOException e) {
                    first = e;
                }
            }
            closed = true;
            try {
                Closeables.closeAll(activeOut, dir);
            } catch (IOException e) {
                if (first == null) first = e;
                else first.addSuppressed(e);
            }
            activeOut = null;
            if (first != null) throw first;
        } finally {
            lock.writeLock().unlock();
        }
    }
}
