package dev.engram.internal.store;

import dev.engram.index.IndexConfig;
import dev.engram.index.VectorIndex;
import dev.engram.internal.bitmap.AttributeBitmaps;
import dev.engram.internal.lexical.LexicalIndex;
import dev.engram.internal.lexical.TextAnalyzer;
import dev.engram.internal.segment.SegmentRecord;
import dev.engram.memory.Memory;
import dev.engram.memory.MemoryId;
import dev.engram.memory.MemoryStatus;
import dev.engram.memory.UserId;
import dev.engram.memory.ValidationException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.roaringbitmap.RoaringBitmap;
import java.util.Optional;
import java.util.Set;

/**
 * The in-memory view of one user's records, built by applying them in segment order: every
 * version of every memory, which ordinal each version has, which memories are deleted, and the
 * derived lexical index and attribute bitmaps.
 *
 * <p>Ordinals: the n-th VERSION record (from 0, tombstones not counted) has ordinal n. Because the
 * assignment depends only on record order, a rebuild from the segments gives every version the
 * same ordinal as the live state did.
 *
 * <p>Vectors: the n-th version record that carries an embedding has vector ordinal n in the
 * {@link VectorIndex}; {@link #documentOf}/{@link #vectorOf} map between the two numberings. Like
 * the document ordinals, the mapping depends only on record order, so it is rebuilt on every open
 * and never persisted. Superseded and deleted versions are deleted from the vector index (only
 * current versions are ever served by vector search).
 *
 * <p>Not thread-safe: {@link UserStore} guards it with a read-write lock.
 */
final class UserState {
    private static final class Entry {
        final List<Integer> ordinals = new ArrayList<>();
        Instant deletedAt;
    }

    private final UserId user;
    private final Map<MemoryId, Entry> memories = new HashMap<>();
    private final List<Memory> byOrdinal = new ArrayList<>();
    // Per document ordinal: its vector ordinal or -1, and Arrays.hashCode of its embedding (0: none).
    private int[] vectorOf = new int[16];
    private int[] embeddingHash = new int[16];
    // Per vector ordinal: its document ordinal.
    private int[] documentOf = new int[16];
    private int vectors;
    private final IndexConfig vectorConfig;
    private LexicalIndex lexical;
    private AttributeBitmaps bitmaps;
    private VectorIndex vectorIndex;
    private long records;
    private final List<SegmentRecord.Journal> journal = new ArrayList<>();
    // A rough count of the heap bytes held (memories, ordinal maps, postings, journal): see residentBytes().
    private long heapBytes;

    UserState(UserId user, TextAnalyzer analyzer, IndexConfig vectorConfig) {
        this(user, analyzer, vectorConfig, null);
    }

    /**
     * A state whose vector index is {@code loaded} (opened from the user's file; it reflects the
     * records that will be applied with {@code vectorIndex} false), or a new empty one when null.
     * Taking the loaded index here rather than replacing an empty one spares every open of a user
     * with a vector file a throw-away index (a shared {@code Arena} and its close handshake).
     */
    UserState(UserId user, TextAnalyzer analyzer, IndexConfig vectorConfig, VectorIndex loaded) {
        this.user = user;
        this.vectorConfig = vectorConfig;
        this.lexical = new LexicalIndex(analyzer);
        this.bitmaps = new AttributeBitmaps();
        this.vectorIndex = loaded != null ? loaded : VectorIndex.create(vectorConfig);
    }

    /** Replaces the (empty) vector index with a loaded one that reflects the records applied so far. */
    void installVectors(VectorIndex loaded) {
        vectorIndex.close();
        vectorIndex = loaded;
    }

    /** Frees the vector index's off-heap memory. Idempotent. */
    void closeVectors() {
        vectorIndex.close();
    }

    /** Replaces the derived indexes with loaded ones that reflect the first {@code records()} records. */
    void installIndexes(LexicalIndex lexical, AttributeBitmaps bitmaps) {
        this.lexical = lexical;
        this.bitmaps = bitmaps;
        currentVectors = null; // the loaded bitmaps' current set: mapped on first use
    }

    /** What applying a put would do. */
    enum PutCheck { NEW_VERSION, DUPLICATE }

    /**
     * Checks a put without changing anything: version 1 for a new memory, the next version for a
     * known one, an identical copy of an existing version is a duplicate (a replay), anything else
     * is a {@link ValidationException}.
     */
    PutCheck checkPut(Memory m, float[] embedding) {
        if (embedding != null) checkEmbedding(embedding, vectorConfig.dimension(), true);
        if (!m.user().equals(user)) throw new ValidationException("user", "memory of user " + m.user() + " put to user " + user);
        if (m.status() == MemoryStatus.DELETED) {
            // A DELETED version would keep its content on disk forever; deletion is a tombstone.
            throw new ValidationException("status", "a DELETED version cannot be stored: delete the memory instead");
        }
        Entry e = memories.get(m.id());
        if (e != null && e.deletedAt != null) throw new ValidationException("id", "memory " + m.id() + " was deleted");
        long have = e == null ? 0 : e.ordinals.size();
        if (m.version() <= have) {
            Memory existing = byOrdinal.get(e.ordinals.get((int) m.version() - 1));
            if (existing.equals(m)) {
                // A replay carries the same embedding; a 32-bit hash keeps the check off the heap
                // copy of every vector (a colliding different embedding is accepted as the replay).
                if (embeddingHash[e.ordinals.get((int) m.version() - 1)] == Arrays.hashCode(embedding)) return PutCheck.DUPLICATE;
                throw new ValidationException("embedding", "memory " + m.id() + " version " + m.version()
                        + " is stored with a different embedding");
            }
            throw new ValidationException("version", "memory " + m.id() + " already has a different version " + m.version());
        }
        if (m.version() != have + 1) {
            throw new ValidationException("version", "memory " + m.id() + " is at version " + have + ", got " + m.version());
        }
        // asOf reads versions by the time they were stored, so that time may not run backwards.
        if (e != null && m.updatedAt().isBefore(byOrdinal.get(e.ordinals.getLast()).updatedAt())) {
            throw new ValidationException("updatedAt", "version " + m.version() + " of " + m.id()
                    + " is dated before version " + have);
        }
        return PutCheck.NEW_VERSION;
    }

    /**
     * Checks an embedding: {@code dimension} finite components and, if {@code unit}, length 1
     * (within 1e-3, float rounding of a normalized vector); a {@link ValidationException} otherwise.
     */
    static void checkEmbedding(float[] v, int dimension, boolean unit) {
        if (v.length != dimension) {
            throw new ValidationException("embedding", "has dimension " + v.length + ", the user's vector index has " + dimension);
        }
        double sum = 0;
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) throw new ValidationException("embedding", "component " + i + " is " + v[i]);
            sum += (double) v[i] * v[i];
        }
        if (unit && Math.abs(Math.sqrt(sum) - 1) > 1e-3) {
            throw new ValidationException("embedding", "must have unit length, has " + Math.sqrt(sum));
        }
        if (!unit && sum == 0) throw new ValidationException("embedding", "is the zero vector");
    }

    /** Applies one record, updating every derived index (see {@link #apply(SegmentRecord, boolean, boolean)}). */
    void apply(SegmentRecord record, boolean indexes) {
        apply(record, indexes, indexes);
    }

    /**
     * Applies one record. With {@code indexes} false the lexical index and bitmaps are left
     * alone, with {@code vectorIndex} false the vector index (they were loaded from files that
     * already reflect this record). The ordinal mappings are always updated.
     */
    void apply(SegmentRecord record, boolean indexes, boolean vectorIndex) {
        records++;
        switch (record) {
            case SegmentRecord.Version v -> {
                Memory m = v.memory();
                Entry e = memories.computeIfAbsent(m.id(), k -> new Entry());
                int ordinal = byOrdinal.size();
                byOrdinal.add(e.deletedAt == null ? m : null);
                heapBytes += VERSION_OVERHEAD + (e.deletedAt == null ? contentBytes(m) : 0);
                int vector = mapVector(ordinal, v.embedding());
                if (vector >= 0 && vectorIndex) addVector(vector, v.embedding());
                if (e.deletedAt != null) {
                    // Only a hand-made file can hold a version after its tombstone: keep the
                    // ordinal numbering, never index the content.
                    if (indexes) {
                        bitmaps.addVersion(ordinal, m);
                        bitmaps.tombstone(ordinal);
                    }
                    if (vector >= 0 && vectorIndex) this.vectorIndex.delete(vector);
                    e.ordinals.add(ordinal);
                    return;
                }
                if (!e.ordinals.isEmpty()) {
                    int previous = e.ordinals.getLast();
                    if (indexes) bitmaps.supersede(previous);
                    if (indexes && currentVectors != null && vectorOf[previous] >= 0) currentVectors.remove(vectorOf[previous]);
                    // The superseded version's vector stays live: searches of current versions
                    // filter it out by the bitmaps, and an as-of search can still find it.
                }
                if (indexes) {
                    lexical.add(ordinal, m.content());
                    bitmaps.addVersion(ordinal, m);
                    if (currentVectors != null && vector >= 0) currentVectors.add(vector);
                }
                e.ordinals.add(ordinal);
            }
            case SegmentRecord.Journal j -> {
                journal.add(j);
                heapBytes += JOURNAL_OVERHEAD + j.payload().length;
            }
            case SegmentRecord.Tombstone t -> {
                Entry e = memories.computeIfAbsent(t.memoryId(), k -> new Entry());
                if (e.deletedAt != null) return;
                e.deletedAt = t.deletedAt();
                for (int ordinal : e.ordinals) {
                    Memory gone = byOrdinal.get(ordinal);
                    if (gone != null) heapBytes -= contentBytes(gone);
                    byOrdinal.set(ordinal, null); // drop the content from memory at once
                    if (indexes) {
                        lexical.remove(ordinal);
                        bitmaps.tombstone(ordinal);
                        if (currentVectors != null && vectorOf[ordinal] >= 0) currentVectors.remove(vectorOf[ordinal]);
                    }
                    if (vectorIndex && vectorOf[ordinal] >= 0) this.vectorIndex.delete(vectorOf[ordinal]);
                }
            }
        }
    }

    /** Records the document ordinal's embedding; returns its vector ordinal, or -1 without one. */
    private int mapVector(int ordinal, float[] embedding) {
        if (ordinal == vectorOf.length) {
            vectorOf = Arrays.copyOf(vectorOf, ordinal * 2);
            embeddingHash = Arrays.copyOf(embeddingHash, ordinal * 2);
        }
        embeddingHash[ordinal] = Arrays.hashCode(embedding);
        if (embedding == null) {
            vectorOf[ordinal] = -1;
            return -1;
        }
        if (vectors == documentOf.length) documentOf = Arrays.copyOf(documentOf, vectors * 2);
        documentOf[vectors] = ordinal;
        vectorOf[ordinal] = vectors;
        return vectors++;
    }

    private void addVector(int expected, float[] embedding) {
        int got = vectorIndex.add(embedding);
        // The index hands out ordinals in add order; any gap means it and the mapping disagree.
        if (got != expected) throw new IllegalStateException("vector index gave ordinal " + got + ", expected " + expected);
    }

    // Per version: the Memory object, its ids, instants, maps, the ordinal arrays, bitmap entries.
    private static final int VERSION_OVERHEAD = 600;
    private static final int JOURNAL_OVERHEAD = 64;

    /** Heap bytes a version's strings hold, plus postings (about 12 bytes per term occurrence). */
    private static long contentBytes(Memory m) {
        long chars = m.content().length();
        for (String c : m.categories()) chars += c.length();
        for (var e : m.metadata().entrySet()) chars += e.getKey().length() + e.getValue().length();
        return 2 * chars + 2 * m.content().length();
    }

    /**
     * An estimate of the memory this state holds: the heap estimate kept on every apply plus the
     * vector index's off-heap bytes. Used to bound the open users (not exact: within a small factor).
     */
    long residentBytes() {
        return heapBytes + vectorIndex.offHeapBytes();
    }

    /** The journal entries, in write order. */
    List<SegmentRecord.Journal> journal() {
        return List.copyOf(journal);
    }

    /** The LSN of the last journal entry (0 if none). */
    long lastJournalLsn() {
        return journal.isEmpty() ? 0 : journal.getLast().lsn();
    }

    /**
     * Checks a batch of records as if applied in order, changing nothing: every version must be
     * {@link #checkPut acceptable} after the batch's earlier records; a tombstone or journal entry
     * must be this user's. Throws {@link ValidationException} naming the first bad record.
     */
    void checkBatch(List<SegmentRecord> batch) {
        Map<MemoryId, Memory> latest = new HashMap<>();
        Set<MemoryId> deleted = new HashSet<>();
        for (SegmentRecord r : batch) {
            if (!r.user().equals(user)) throw new ValidationException("user", "record of user " + r.user() + " written to user " + user);
            switch (r) {
                case SegmentRecord.Version v -> {
                    Memory m = v.memory();
                    if (deleted.contains(m.id())) throw new ValidationException("id", "memory " + m.id() + " is deleted earlier in the batch");
                    Memory prev = latest.get(m.id());
                    if (prev == null) {
                        if (checkPut(m, v.embedding()) == PutCheck.NEW_VERSION) latest.put(m.id(), m);
                    } else {
                        if (v.embedding() != null) checkEmbedding(v.embedding(), vectorConfig.dimension(), true);
                        if (m.status() == MemoryStatus.DELETED) throw new ValidationException("status", "a DELETED version cannot be stored");
                        if (m.version() != prev.version() + 1) {
                            throw new ValidationException("version", "memory " + m.id() + " is at version " + prev.version()
                                    + " in the batch, got " + m.version());
                        }
                        if (m.updatedAt().isBefore(prev.updatedAt())) {
                            throw new ValidationException("updatedAt", "version " + m.version() + " of " + m.id() + " is dated before version " + prev.version());
                        }
                        latest.put(m.id(), m);
                    }
                }
                case SegmentRecord.Tombstone t -> {
                    // Deleting an unknown or deleted memory is a no-op, so only a live one blocks later puts.
                    if (latest.containsKey(t.memoryId()) || current(t.memoryId()).isPresent()) deleted.add(t.memoryId());
                    latest.remove(t.memoryId());
                }
                case SegmentRecord.Journal j -> { }
            }
        }
    }

    /** The document ordinal of a vector ordinal. */
    int documentOf(int vector) {
        return documentOf[vector];
    }

    /** The last answer of {@link #vectorCandidates} for a restricting filter, valid while nothing changed (same records, same bitmaps). */
    private record VectorFilter(long records, AttributeBitmaps bitmaps, RoaringBitmap accept, boolean allVersions, RoaringBitmap vectors) {}

    private volatile VectorFilter vectorFilter;

    /**
     * The vector ordinals of the current versions that have an embedding, kept up to date as
     * records are applied (null after {@link #installIndexes} until first needed: the loaded
     * bitmaps' current set is then mapped once). Written only under the user store's write lock.
     */
    private volatile RoaringBitmap currentVectors = new RoaringBitmap();

    /**
     * The vector ordinals of the current, untombstoned documents in {@code accept} (null: all
     * of them) that have an embedding — with {@code allVersions}, of every untombstoned document in
     * {@code accept}, superseded versions included (as-of searches): the filter a vector search
     * runs under. Callers must not modify the result and must not use it after releasing the
     * user store's lock.
     *
     * <p>When {@code accept} holds every current version (the default query of a user whose
     * memories are all active), the answer is the set of current vectors this state maintains
     * as it applies records: no per-query work, and none after a write either. Otherwise
     * mapping document ordinals to vector ordinals walks every accepted document (100k lookups
     * for a 100k user), so the last answer is kept and returned again while no record was
     * applied and the accept set is equal. Safe for concurrent readers (the read lock excludes
     * writers): a race computes the same answer twice.
     */
    RoaringBitmap vectorCandidates(RoaringBitmap accept, boolean allVersions) {
        if (allVersions && accept == null) throw new IllegalArgumentException("a search of all versions needs an accept set");
        if (!allVersions && (accept == null || bitmaps.currentWithin(accept))) return currentVectors();
        VectorFilter f = vectorFilter;
        if (f != null && f.records == records && f.bitmaps == bitmaps && f.allVersions == allVersions
                && java.util.Objects.equals(f.accept, accept)) {
            return f.vectors;
        }
        RoaringBitmap docs = RoaringBitmap.andNot(allVersions ? accept : bitmaps.current(), bitmaps.tombstones());
        if (!allVersions) docs.and(accept);
        RoaringBitmap vectors = mapToVectors(docs, allVersions);
        vectorFilter = new VectorFilter(records, bitmaps, accept.clone(), allVersions, vectors);
        return vectors;
    }

    private RoaringBitmap currentVectors() {
        RoaringBitmap c = currentVectors;
        if (c == null) {
            c = mapToVectors(bitmaps.current(), false);
            currentVectors = c; // a racing reader maps the same set; either copy is right
        }
        return c;
    }

    /** Whether the maintained set of current vectors is what mapping the current versions gives now. */
    boolean currentVectorsConsistent() {
        return RoaringBitmap.xorCardinality(currentVectors(), mapToVectors(bitmaps.current(), false)) == 0;
    }

    /** The vector ordinals of {@code docs} that have one (and, with {@code liveOnly}, whose vector is live). */
    private RoaringBitmap mapToVectors(RoaringBitmap docs, boolean liveOnly) {
        // Collected, then added in one call: per-value add() is several times slower on 100k users.
        int[] out = new int[docs.getCardinality()];
        int count = 0;
        for (org.roaringbitmap.PeekableIntIterator it = docs.getIntIterator(); it.hasNext(); ) {
            int v = vectorOf(it.next());
            // Live vectors only: the caller's "as many as live, so all of them" shortcut relies on it.
            // A current version's vector is always live; a superseded one's may not be (written
            // under an earlier rule), so only all-version searches (as-of, rare) pay for the check.
            if (v >= 0 && (!liveOnly || vectorIndex.isLive(v))) out[count++] = v;
        }
        RoaringBitmap vectors = new RoaringBitmap();
        vectors.addN(out, 0, count);
        vectors.runOptimize();
        return vectors;
    }

    /** The vector ordinal of a document ordinal, or -1 if that version has no embedding. */
    int vectorOf(int ordinal) {
        return ordinal >= 0 && ordinal < byOrdinal.size() ? vectorOf[ordinal] : -1;
    }

    /** Versions applied so far that carry an embedding (the vector index's size when in step). */
    int vectors() {
        return vectors;
    }

    VectorIndex vectorIndex() {
        return vectorIndex;
    }

    IndexConfig vectorConfig() {
        return vectorConfig;
    }

    /** The latest version, unless the memory is unknown or deleted. */
    Optional<Memory> current(MemoryId id) {
        Entry e = memories.get(id);
        if (e == null || e.deletedAt != null || e.ordinals.isEmpty()) return Optional.empty();
        return Optional.of(byOrdinal.get(e.ordinals.getLast()));
    }

    /** The document ordinal of the current version, or -1 for an unknown or deleted memory. */
    int currentOrdinal(MemoryId id) {
        Entry e = memories.get(id);
        return e == null || e.deletedAt != null || e.ordinals.isEmpty() ? -1 : e.ordinals.getLast();
    }

    /** Every version, oldest first; empty for an unknown or deleted memory. */
    List<Memory> history(MemoryId id) {
        Entry e = memories.get(id);
        if (e == null || e.deletedAt != null) return List.of();
        return e.ordinals.stream().map(byOrdinal::get).toList();
    }

    /**
     * The version that was current at {@code t}: the latest whose {@code updatedAt} (when it was
     * stored) is not after {@code t}. Empty if none was stored by then, or if the memory is deleted
     * (deleted content is never served, whatever the time asked about).
     */
    Optional<Memory> asOf(MemoryId id, Instant t) {
        Memory found = null;
        for (Memory m : history(id)) if (!m.updatedAt().isAfter(t)) found = m;
        return Optional.ofNullable(found);
    }

    /** The version at an ordinal, or empty if its memory is deleted or the ordinal unknown. */
    Optional<Memory> atOrdinal(int ordinal) {
        return ordinal >= 0 && ordinal < byOrdinal.size() ? Optional.ofNullable(byOrdinal.get(ordinal)) : Optional.empty();
    }

    boolean isDeleted(MemoryId id) {
        Entry e = memories.get(id);
        return e != null && e.deletedAt != null;
    }

    /** Ids of memories with at least one version, deleted or not. */
    List<MemoryId> ids() {
        return List.copyOf(memories.keySet());
    }

    long records() {
        return records;
    }

    int ordinals() {
        return byOrdinal.size();
    }

    LexicalIndex lexical() {
        return lexical;
    }

    AttributeBitmaps bitmaps() {
        return bitmaps;
    }
}
