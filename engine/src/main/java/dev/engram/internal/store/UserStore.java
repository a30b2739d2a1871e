package dev.engram.internal.store;

import dev.engram.index.IndexConfig;
import dev.engram.index.SearchOptions;
import dev.engram.index.SearchResults;
import dev.engram.index.VectorIndex;
import dev.engram.internal.bitmap.AttributeBitmaps;
import dev.engram.internal.bitmap.BitmapFile;
import dev.engram.internal.crypto.FileCiphers;
import dev.engram.internal.format.Corruption;
import dev.engram.io.CorruptFileException;
import dev.engram.internal.format.Crc32c;
import dev.engram.internal.lexical.LexicalFile;
import dev.engram.internal.lexical.ScoredDoc;
import dev.engram.internal.lexical.TextAnalyzer;
import dev.engram.internal.segment.SegmentRecord;
import dev.engram.internal.segment.SegmentWriter;
import dev.engram.memory.Memory;
import dev.engram.memory.MemoryId;
import dev.engram.memory.UserId;
import dev.engram.io.Closeables;
import dev.engram.io.Storage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import org.roaringbitmap.RoaringBitmap;

/**
 * One user's store: that user's segments, lexical index, attribute bitmaps and vector index in
 * the user's own directory ({@link UserDirectoryLayout}), tied together by the atomically replaced
 * {@link UserManifest}.
 *
 * <p>Writes: {@link #put} and {@link #delete} validate, then apply at once to the in-memory state
 * (so reads see them) and buffer the record; {@link #flush} appends the buffered records to the
 * active segment as blocks, fsyncs it and replaces the manifest, which makes them durable. (With
 * the WAL, a record is durable in the WAL before it is put here, and flush becomes the
 * checkpoint.) {@link #checkpointIndexes} persists the derived indexes; {@link #compact} rewrites
 * the segments without the versions of deleted memories.
 *
 * <p>Open only reads an existing user's directory: the manifest names the files; every listed file's
 * checksum and length must match, otherwise opening fails with {@link CorruptFileException}
 * (segments are the source of truth). Index files that are missing, damaged or stale are rebuilt
 * from the segments ({@link #indexesRebuiltOnOpen()}, {@link #vectorsRebuiltOnOpen()}). The
 * vector index file is written and mapped by path, beside the storage seam: only on a
 * {@link dev.engram.io.FileStorage}; elsewhere it is rebuilt on every open (docs/storage.md).
 * Before the first write after open, unlisted files (leftovers of interrupted writes) are deleted,
 * and the first flush cuts the unsealed last segment back to its committed length and appends to it.
 *
 * <p>Failures: the first {@link IOException} of a write, sync or rename is kept; the store then
 * refuses every later write, naming that cause (fail-stop; an fsync is never retried). Reopen
 * to recover.
 *
 * <p>Thread-safe: reads share a read lock, writes (including flush, checkpoint and compaction)
 * take the write lock. {@link #close} is idempotent.
 */
public final class UserStore implements AutoCloseable {
    /**
     * Tuning: the raw size of segment blocks, the segment size after which a segment is sealed,
     * and the configuration of the user's vector index (its dimension is the embeddings' dimension).
     */
    public record Options(int targetBlockBytes, long segmentRollBytes, IndexConfig vectors) {
        /** 384 dimensions: the default embedding models (MiniLM, bge-small). */
        public static final int DEFAULT_DIMENSION = 384;
        public static final Options DEFAULT = new Options(64 * 1024, 64L << 20);

        public Options {
            Objects.requireNonNull(vectors, "vectors");
        }

        public Options(int targetBlockBytes, long segmentRollBytes) {
            this(targetBlockBytes, segmentRollBytes, IndexConfig.defaults(DEFAULT_DIMENSION));
        }
    }

    /** A lexical or vector search hit: the memory version, its (document) ordinal and its score. */
    public record Hit(Memory memory, int ordinal, double score) {}

    private final UserId user;
    private final Storage dir;
    private final TextAnalyzer analyzer;
    private final Options options;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final List<SegmentRecord> pending = new ArrayList<>();
    private UserManifest manifest;
    private UserState state;
    private final UserFiles files;
    // Whether the files the manifest does not list (leftovers of interrupted writes) were deleted: done
    // once, before the first write after open, so that a user opened only to be read never lists its directory.
    private boolean prepared;
    // Block ciphers of this user's files (crypto-shredding); FileCiphers.NONE: unencrypted.
    private final FileCiphers ciphers;
    private boolean indexesRebuilt;
    // Records the persisted index files cover (the least of the lexical/bitmap and vector files'):
    // close() persists the indexes again when the state is CLOSE_CHECKPOINT_RECORDS ahead of it.
    private long indexesCovered;
    private boolean vectorsRebuilt;
    // The unsealed segment being appended to; null until the first flush after open resumes the manifest's
    // unsealed last segment (resumeActive), or when the next flush starts a new one.
    private ActiveSegment active;
    private IOException failure;
    private boolean closed;

    private UserStore(UserId user, Storage dir, TextAnalyzer analyzer, Options options, FileCiphers ciphers) {
        this.user = user;
        this.dir = dir;
        this.analyzer = analyzer;
        this.options = options;
        this.ciphers = Objects.requireNonNull(ciphers, "ciphers");
        this.files = new UserFiles(dir, user, ciphers);
    }

    /**
     * Opens {@code user}'s store under the data directory {@code root} (its directory is given by
     * {@link UserDirectoryLayout}), creating it if absent.
     *
     * @throws IllegalArgumentException if stored embeddings have another dimension than
     *                                  {@code options.vectors()}
     */
    public static UserStore open(Storage root, UserId user, TextAnalyzer analyzer, Options options) throws IOException {
        return open(root, user, analyzer, options, FileCiphers.NONE);
    }

    /**
     * The same for a user whose files {@code ciphers} encrypts (docs/privacy.md, "Crypto-shredding"):
     * every DATA block of its segments, lexical index and bitmaps; its vector index is then never
     * written to a file (rebuilt from the segments on open).
     */
    public static UserStore open(Storage root, UserId user, TextAnalyzer analyzer, Options options, FileCiphers ciphers)
            throws IOException {
        Storage dir = UserDirectoryLayout.open(root, user);
        UserStore store = new UserStore(user, dir, analyzer, options, ciphers);
        try {
            store.load();
        } catch (IOException | RuntimeException e) {
            Closeables.closeQuietly(store.active, dir);
            if (store.state != null) store.state.closeVectors();
            throw e;
        }
        return store;
    }

    private void load() throws IOException {
        manifest = files.readManifest();
        // Leftovers of interrupted writes are deleted before the first write (prepareForWrite), not here:
        // listing the directory was the largest single cost of opening a small user to read it.
        List<SegmentRecord> records = new ArrayList<>();
        List<UserManifest.Entry> segments = manifest.segments();
        for (int i = 0; i < segments.size(); i++) {
            UserFiles.VerifiedSegment s = files.readSegment(segments.get(i));
            if (!s.entry().sealed() && i != segments.size() - 1) {
                throw Corruption.of(dir.location(s.entry().name()), 0, "an unsealed segment that is not the last one",
                        "manifest damaged?");
            }
            // An unsealed last segment is reopened for appending at the first flush (resumeActive), not here.
            records.addAll(s.contents().records());
        }
        int dimension = options.vectors().dimension();
        for (SegmentRecord r : records) {
            if (r instanceof SegmentRecord.Version v && v.embedding() != null && v.embedding().length != dimension) {
                // A configuration error, not damage: refuse rather than drop or mis-index vectors.
                throw new IllegalArgumentException("user " + user + " has stored embeddings of dimension "
                        + v.embedding().length + " but the store is configured for dimension " + dimension);
            }
        }
        long vectorsCovered = 0;
        VectorIndex loadedVectors = null;
        Optional<UserFiles.LoadedVectors> vectors = files.loadVectors(manifest, records.size(), options.vectors());
        if (vectors.isPresent()) {
            VectorIndex index = vectors.get().index();
            long withEmbedding = records.stream().limit(vectors.get().covered())
                    .filter(r -> r instanceof SegmentRecord.Version v && v.embedding() != null).count();
            if (index.size() == withEmbedding) {
                loadedVectors = index;
                vectorsCovered = vectors.get().covered();
            } else {
                index.close(); // holds other vectors than the segments say: stale, rebuild
                vectors = Optional.empty();
            }
        }
        state = new UserState(user, analyzer, options.vectors(), loadedVectors); // owns (closes) loadedVectors
        Optional<UserFiles.LoadedIndexes> loaded = files.loadIndexes(manifest, records.size(), analyzer);
        loaded.ifPresent(l -> state.installIndexes(l.lexical(), l.bitmaps()));
        indexesRebuilt = loaded.isEmpty();
        long covered = loaded.map(UserFiles.LoadedIndexes::covered).orElse(0L);
        vectorsRebuilt = vectors.isEmpty();
        indexesCovered = Math.min(covered, vectorsCovered);
        for (SegmentRecord r : records) state.apply(r, state.records() >= covered, state.records() >= vectorsCovered);
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

    /** Whether opening rebuilt the vector index (missing, stale or damaged file, or no file-system path). */
    public boolean vectorsRebuiltOnOpen() {
        return vectorsRebuilt;
    }

    /** Same as {@link #put(Memory, float[])} without an embedding. */
    public boolean put(Memory memory) throws IOException {
        return put(memory, null);
    }

    /**
     * Adds a version: version 1 of a new memory or the next version of a known one, with its
     * embedding ({@code null}: none; else a unit vector of the vector index's dimension, stored in
     * the segment with the version). Returns false (and changes nothing) for an exact copy of a
     * stored version, embedding included, so replays are idempotent. Bad input raises
     * {@link dev.engram.memory.ValidationException} and changes nothing.
     */
    public boolean put(Memory memory, float[] embedding) throws IOException {
        lock.writeLock().lock();
        try {
            ensureWritable();
            if (state.checkPut(memory, embedding) == UserState.PutCheck.DUPLICATE) return false;
            SegmentRecord r = new SegmentRecord.Version(memory, embedding);
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

    /**
     * Checks a batch of records (versions, tombstones, journal entries) as if applied in order,
     * without changing anything: throws {@link dev.engram.memory.ValidationException} for the first
     * one {@link #apply} would refuse. The caller must keep other writers of this user out between
     * this check and the {@link #apply} (the memory store holds the user's write lock).
     */
    public void validate(List<SegmentRecord> batch) {
        read(s -> {
            s.checkBatch(batch);
            return null;
        });
    }

    /**
     * Applies a batch of records from the write-ahead log, idempotently: an exact copy of a stored
     * version, a version of a memory that is deleted (its content may have been compacted away: the
     * tombstone stays, so it is never resurrected), a tombstone of an unknown or deleted memory and
     * a journal entry whose LSN is not above the last stored one are skipped. Records are buffered
     * like {@link #put}'s until {@link #flush}. Returns how many records were applied.
     *
     * @throws dev.engram.memory.ValidationException if a version is neither new-and-valid nor one
     *         of the skipped cases (the log and the segments disagree: the caller reports corruption)
     */
    public int apply(List<SegmentRecord> batch) throws IOException {
        lock.writeLock().lock();
        try {
            ensureWritable();
            long journaled = state.lastJournalLsn();
            int applied = 0;
            for (SegmentRecord r : batch) {
                boolean skip = switch (r) {
                    case SegmentRecord.Version v -> {
                        if (state.isDeleted(v.memoryId())) yield true;
                        yield state.checkPut(v.memory(), v.embedding()) == UserState.PutCheck.DUPLICATE;
                    }
                    case SegmentRecord.Tombstone t -> state.isDeleted(t.memoryId()) || state.current(t.memoryId()).isEmpty();
                    case SegmentRecord.Journal j -> {
                        if (!j.user().equals(user)) throw new dev.engram.memory.ValidationException("user", "journal of user " + j.user());
                        yield j.lsn() <= journaled;
                    }
                };
                if (skip) continue;
                pending.add(r);
                state.apply(r, true);
                applied++;
            }
            return applied;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Whether records were applied (put, delete, apply) since the last flush. */
    public boolean dirty() {
        lock.readLock().lock();
        try {
            return !pending.isEmpty();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The journal entries (see {@link SegmentRecord.Journal}), in write order. */
    public List<SegmentRecord.Journal> journal() {
        return read(UserState::journal);
    }

    /**
     * An estimate of the memory this open store holds (heap: memories, ordinal maps, postings,
     * journal, pending records; off-heap: the vector index). Within a small factor of the truth;
     * the memory store bounds its open users by the sum.
     */
    public long residentBytes() {
        return read(s -> s.residentBytes() + 600L * pending.size());
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
            prepareForWrite();
            int used = 0;
            boolean created = false;
            if (active == null) active = resumeActive();
            if (active == null) {
                String name = manifest.newName(FileKind.SEGMENT, 0);
                active = ActiveSegment.create(dir, name, user, options.targetBlockBytes(), ciphers.writing(name));
                used = 1;
                created = true;
            }
            active.append(pending, options.segmentRollBytes());
            active.sync();
            if (created) dir.syncDirectory();
            UserManifest.Entry entry = active.entry();
            List<UserManifest.Entry> next = new ArrayList<>();
            boolean replaced = false;
            for (UserManifest.Entry e : manifest.files()) {
                replaced |= e.name().equals(entry.name());
                next.add(e.name().equals(entry.name()) ? entry : e);
            }
            if (!replaced) next.add(entry);
            installManifest(manifest.next(next, used));
            pending.clear();
            if (active.sealed()) {
                active.close();
                active = null;
            }
        } catch (IOException | RuntimeException e) {
            throw fail(e);
        }
    }

    /**
     * Before the first write after open: deletes every file the manifest does not list (leftovers of
     * interrupted writes, a stale {@code MANIFEST.tmp}), so that no new file can meet an old one's name.
     */
    private void prepareForWrite() throws IOException {
        if (prepared) return;
        files.deleteOrphans(manifest);
        prepared = true;
    }

    /**
     * The manifest's last segment reopened for appending if it is unsealed (verified again and cut back
     * to its committed length, durably), else null: the next flush starts a new segment.
     */
    private ActiveSegment resumeActive() throws IOException {
        List<UserManifest.Entry> segments = manifest.segments();
        if (segments.isEmpty() || segments.getLast().sealed()) return null;
        UserFiles.VerifiedSegment s = files.readSegment(segments.getLast());
        return ActiveSegment.resume(dir, s, user, options.targetBlockBytes(), ciphers.writing(s.entry().name())); // drops an uncommitted tail
    }

    private void installManifest(UserManifest next) throws IOException {
        StoreFiles.writeAtomically(dir, UserManifest.FILE_NAME, next.encode());
        manifest = next;
    }

    /**
     * Flushes, then persists the lexical index, bitmaps and vector index so the next open need
     * not rebuild them.
     */
    public void checkpointIndexes() throws IOException {
        lock.writeLock().lock();
        try {
            checkpointIndexesLocked();
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * How many records the state may be ahead of the persisted index files when the user is
     * closed (evicted from the open-users cache, or the store closes) before {@link #close()}
     * persists them again. Without this a user that only grows — compaction, which also writes
     * them, runs after deletions — rebuilt every index at every cold open, the HNSW graph of every
     * vector included (minutes at 100k memories).
     */
    static final long CLOSE_CHECKPOINT_RECORDS = 2_000;

    private void checkpointIndexesLocked() throws IOException {
        ensureWritable();
        flushLocked();
        try {
            prepareForWrite();
            List<UserManifest.Entry> kept = new ArrayList<>();
            List<String> old = new ArrayList<>();
            for (UserManifest.Entry e : manifest.files()) {
                if (e.kind() == FileKind.LEXICAL || e.kind() == FileKind.BITMAPS || e.kind() == FileKind.VECTORS) {
                    old.add(e.name());
                } else {
                    kept.add(e);
                }
            }
            kept.addAll(writeIndexes(state, 0));
            dir.syncDirectory();
            installManifest(manifest.next(kept, 3));
            deleteAll(old);
            indexesCovered = state.records();
        } catch (IOException | RuntimeException e) {
            throw fail(e);
        }
    }

    /** Writes the index files of {@code s} as new files numbered from {@code first}; returns their entries. */
    private List<UserManifest.Entry> writeIndexes(UserState s, int first) throws IOException {
        String lexName = manifest.newName(FileKind.LEXICAL, first);
        String bmpName = manifest.newName(FileKind.BITMAPS, first + 1);
        byte[] lex = LexicalFile.encode(s.lexical(), ciphers.writing(lexName));
        byte[] bmp = BitmapFile.encode(s.bitmaps(), ciphers.writing(bmpName));
        StoreFiles.writeNew(dir, lexName, lex);
        StoreFiles.writeNew(dir, bmpName, bmp);
        List<UserManifest.Entry> entries = new ArrayList<>();
        entries.add(new UserManifest.Entry(lexName, FileKind.LEXICAL, lex.length, Crc32c.of(lex), true, s.records()));
        entries.add(new UserManifest.Entry(bmpName, FileKind.BITMAPS, bmp.length, Crc32c.of(bmp), true, s.records()));
        Path base = files.vectorDirectory();
        if (base != null) {
            // VectorIndex writes by path (temp file, fsync, rename, directory fsync); the checksum
            // is then taken through the storage seam, so open can tell this file from a stale one.
            String vecName = manifest.newName(FileKind.VECTORS, first + 2);
            s.vectorIndex().save(base.resolve(vecName));
            long length = dir.size(vecName);
            long crc = files.crcOf(vecName, length);
            if (crc == Long.MIN_VALUE) throw new IOException(dir.location(vecName) + " changed size while it was checksummed");
            entries.add(new UserManifest.Entry(vecName, FileKind.VECTORS, length, (int) crc, true, s.records()));
        } else if (ciphers.encrypted()) {
            // An encrypted user's vectors: the index file's bytes, encrypted, through the storage seam.
            String vecName = manifest.newName(FileKind.VECTORS, first + 2);
            byte[] vec = UserFiles.encodeEncryptedVectors(s.vectorIndex(), ciphers.writing(vecName));
            StoreFiles.writeNew(dir, vecName, vec);
            entries.add(new UserManifest.Entry(vecName, FileKind.VECTORS, vec.length, Crc32c.of(vec), true, s.records()));
        }
        return entries;
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
                prepareForWrite();
                List<SegmentRecord> kept = new ArrayList<>();
                for (UserManifest.Entry e : manifest.segments()) {
                    for (SegmentRecord r : files.readSegment(e).contents().records()) {
                        // Tombstones stay, so a replayed or old copy of a deleted memory never returns; journal entries stay forever.
                        if (!(r instanceof SegmentRecord.Version) || !state.isDeleted(r.memoryId())) kept.add(r);
                    }
                }
                UserState next = new UserState(user, analyzer, options.vectors());
                boolean swapped = false;
                try {
                    for (SegmentRecord r : kept) next.apply(r, true);
                    String segName = manifest.newName(FileKind.SEGMENT, 0);
                    SegmentWriter w = SegmentWriter.create(user, options.targetBlockBytes(), ciphers.writing(segName));
                    byte[] header = w.header();
                    for (SegmentRecord r : kept) w.add(r);
                    byte[] body = w.seal();
                    byte[] segment = new byte[header.length + body.length];
                    System.arraycopy(header, 0, segment, 0, header.length);
                    System.arraycopy(body, 0, segment, header.length, body.length);
                    StoreFiles.writeNew(dir, segName, segment);
                    List<UserManifest.Entry> newFiles = new ArrayList<>();
                    newFiles.add(new UserManifest.Entry(segName, FileKind.SEGMENT, segment.length, Crc32c.of(segment), true, kept.size()));
                    newFiles.addAll(writeIndexes(next, 1));
                    dir.syncDirectory();
                    List<String> old = manifest.files().stream().map(UserManifest.Entry::name).toList();
                    if (active != null) active.close();
                    active = null;
                    installManifest(manifest.next(newFiles, 4));
                    UserState previous = state;
                    state = next;
                    indexesCovered = next.records();
                    swapped = true;
                    previous.closeVectors();
                    deleteAll(old);
                } finally {
                    if (!swapped) next.closeVectors();
                }
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

    /** Whether the memory was deleted (its tombstone is stored; its content is never served again). */
    public boolean isDeleted(MemoryId id) {
        return read(s -> s.isDeleted(id));
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

    /**
     * The {@code k} current versions whose embeddings are most similar to {@code query} (the
     * index's similarity; dot product by default), best first, restricted to the document
     * ordinals in {@code accept} (null: no restriction). Superseded versions and deleted memories
     * are never returned: the candidates are always the bitmaps' current set minus tombstones.
     * A malformed query (wrong dimension, non-finite or zero) raises
     * {@link dev.engram.memory.ValidationException}.
     */
    public List<Hit> vectorSearch(float[] query, int k, RoaringBitmap accept) {
        return vectorSearch(query, k, accept, false);
    }

    /**
     * As {@link #vectorSearch(float[], int, RoaringBitmap)}; with {@code allVersions} the
     * candidates are every version in {@code accept} (required) that is not deleted, superseded
     * ones included — the vector side of an as-of retrieval. Superseded versions keep their
     * vectors live in the index for this (the bitmaps keep them out of every other search);
     * versions superseded before that rule (index files written by an earlier Engram, until the
     * user's next compaction or index rebuild) have none and are found by BM25 only.
     */
    public List<Hit> vectorSearch(float[] query, int k, RoaringBitmap accept, boolean allVersions) {
        if (k < 1) throw new IllegalArgumentException("k must be >= 1, got " + k);
        UserState.checkEmbedding(query, options.vectors().dimension(), false);
        return read(s -> {
            RoaringBitmap candidates = s.vectorCandidates(accept, allVersions);
            List<Hit> hits = new ArrayList<>();
            if (candidates.isEmpty()) return hits;
            // Every candidate is a live vector, so as many candidates as live vectors means all of
            // them: search unfiltered (no bitmap probe per visited node), as an unfiltered user does.
            SearchOptions how = candidates.getLongCardinality() == s.vectorIndex().liveCount()
                    ? SearchOptions.defaults() : SearchOptions.defaults().withFilter(candidates);
            SearchResults r = s.vectorIndex().search(query, k, how);
            for (int i = 0; i < r.size(); i++) {
                int doc = s.documentOf(r.ordinals()[i]);
                double score = r.scores()[i];
                s.atOrdinal(doc).ifPresent(m -> hits.add(new Hit(m, doc, score)));
            }
            return hits;
        });
    }

    /**
     * The stored embedding of the version at document {@code ordinal} (a copy), or {@code null}
     * when it has none or is no longer served by vector search: deleted memories have their
     * vectors tombstoned in the index (their bytes may already be wiped), as do versions
     * superseded under an index file written before superseded vectors were kept.
     */
    public float[] embedding(int ordinal) {
        return read(s -> {
            int v = s.vectorOf(ordinal);
            return v < 0 ? null : s.vectorIndex().vector(v);
        });
    }

    /**
     * The similarity of {@code query} to the stored embedding of each version at
     * {@code ordinals[0..n)} (what {@link #vectorSearch} would score it), {@link Float#NaN} where
     * {@link #embedding} would be null. One lock and one pass over the index for the whole batch.
     */
    public float[] vectorScores(float[] query, int[] ordinals, int n) {
        UserState.checkEmbedding(query, options.vectors().dimension(), false);
        return read(s -> {
            float[] out = new float[n];
            int[] vectors = new int[n];
            int[] at = new int[n];
            int m = 0;
            for (int i = 0; i < n; i++) {
                int v = s.vectorOf(ordinals[i]);
                out[i] = Float.NaN;
                if (v >= 0) {
                    vectors[m] = v;
                    at[m++] = i;
                }
            }
            float[] scores = new float[m];
            s.vectorIndex().scores(query, vectors, m, scores);
            for (int j = 0; j < m; j++) out[at[j]] = scores[j];
            return out;
        });
    }

    /**
     * The document ordinal of the memory's current version, or -1 for an unknown or deleted memory
     * (with {@link #embedding} it gives the current version's stored vector; lifecycle consolidation).
     */
    public int currentOrdinal(MemoryId id) {
        return read(s -> s.currentOrdinal(id));
    }

    /**
     * What the user catalog records about this user: the counts of the in-memory state and the
     * committed files' bytes. Call it after {@link #flush} (the counts include unflushed puts,
     * the bytes do not); it then equals {@link UserDirectories#summarize} of the directory once
     * the indexes are checkpointed.
     */
    public UserSummary summary() {
        return read(s -> UserSummary.of(manifest, manifest.encode().length, s.bitmaps()));
    }

    /** Runs {@code f} on the attribute bitmaps under the read lock; {@code f} must not keep them. */
    public <T> T withBitmaps(Function<AttributeBitmaps, T> f) {
        return read(s -> f.apply(s.bitmaps()));
    }

    /**
     * Rebuilds the derived state from the segment files and compares it with the live state:
     * the lexical index, the bitmaps, every memory's versions, the vector-to-document ordinal
     * mapping, which vectors are live and every live vector's components must be equal, and the
     * maintained set of current vectors must be what the current versions map to. Flushes first.
     */
    public boolean derivedStateMatchesRebuild() throws IOException {
        lock.writeLock().lock();
        try {
            ensureWritable();
            flushLocked();
            UserState rebuilt = new UserState(user, analyzer, options.vectors());
            try {
                for (UserManifest.Entry e : manifest.segments()) {
                    for (SegmentRecord r : files.readSegment(e).contents().records()) rebuilt.apply(r, true);
                }
                if (rebuilt.vectors() != state.vectors() || rebuilt.vectorIndex().size() != state.vectorIndex().size()
                        || rebuilt.vectorIndex().liveCount() != state.vectorIndex().liveCount()) {
                    return false;
                }
                for (int v = 0; v < state.vectors(); v++) {
                    if (rebuilt.documentOf(v) != state.documentOf(v)
                            || rebuilt.vectorIndex().isLive(v) != state.vectorIndex().isLive(v)) {
                        return false;
                    }
                    // A live vector's components must be bit for bit the segments' (the live index may have been loaded from its file).
                    if (state.vectorIndex().isLive(v) && !java.util.Arrays.equals(rebuilt.vectorIndex().vector(v), state.vectorIndex().vector(v))) {
                        return false;
                    }
                }
                if (!rebuilt.lexical().sameContent(state.lexical()) || !state.lexical().sameContent(rebuilt.lexical())) return false;
                if (!rebuilt.bitmaps().equals(state.bitmaps()) || rebuilt.ordinals() != state.ordinals()) return false;
                if (!state.currentVectorsConsistent() || !rebuilt.currentVectorsConsistent()) return false;
                for (MemoryId id : state.ids()) if (!rebuilt.history(id).equals(state.history(id))) return false;
                if (!rebuilt.journal().equals(state.journal())) return false;
                return rebuilt.ids().size() == state.ids().size();
            } finally {
                rebuilt.closeVectors();
            }
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

    /**
     * Releases the files and the vectors' off-heap memory without flushing anything: the user is
     * being purged and its directory is deleted next. Idempotent (and harmless after {@link #close}).
     */
    public void abandon() throws IOException {
        lock.writeLock().lock();
        try {
            if (closed) return;
            closed = true;
            try {
                Closeables.closeAll(active, dir);
            } finally {
                active = null;
                state.closeVectors();
            }
        } finally {
            lock.writeLock().unlock();
        }
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
                    if (state.records() - indexesCovered >= CLOSE_CHECKPOINT_RECORDS) checkpointIndexesLocked(); // flushes too
                    else flushLocked();
                } catch (IOException e) {
                    first = e;
                }
            }
            closed = true;
            try {
                Closeables.closeAll(active, dir);
            } catch (IOException e) {
                if (first == null) first = e;
                else first.addSuppressed(e);
            }
            active = null;
            state.closeVectors();
            if (first != null) throw first;
        } finally {
            lock.writeLock().unlock();
        }
    }
}
