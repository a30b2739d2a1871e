package dev.engram.internal.store;

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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The in-memory view of one user's records, built by applying them in segment order: every
 * version of every memory, which ordinal each version has, which memories are deleted, and the
 * derived lexical index and attribute bitmaps.
 *
 * <p>Ordinals: the n-th VERSION record (from 0, tombstones not counted) has ordinal n. Because the
 * assignment depends only on record order, a rebuild from the segments gives every version the
 * same ordinal as the live state did.
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
    private LexicalIndex lexical;
    private AttributeBitmaps bitmaps;
    private long records;

    UserState(UserId user, TextAnalyzer analyzer) {
        this.user = user;
        this.lexical = new LexicalIndex(analyzer);
        this.bitmaps = new AttributeBitmaps();
    }

    /** Replaces the derived indexes with loaded ones that reflect the first {@code records()} records. */
    void installIndexes(LexicalIndex lexical, AttributeBitmaps bitmaps) {
        this.lexical = lexical;
        this.bitmaps = bitmaps;
    }

    /** What applying a put would do. */
    enum PutCheck { NEW_VERSION, DUPLICATE }

    /**
     * Checks a put without changing anything: version 1 for a new memory, the next version for a
     * known one, an identical copy of an existing version is a duplicate (a replay), anything else
     * is a {@link ValidationException}.
     */
    PutCheck checkPut(Memory m) {
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
            if (existing.equals(m)) return PutCheck.DUPLICATE;
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
     * Applies one record. With {@code indexes} false the derived indexes are left alone (they
     * were loaded from files that already reflect this record).
     */
    void apply(SegmentRecord record, boolean indexes) {
        records++;
        switch (record) {
            case SegmentRecord.Version v -> {
                Memory m = v.memory();
                Entry e = memories.computeIfAbsent(m.id(), k -> new Entry());
                int ordinal = byOrdinal.size();
                byOrdinal.add(e.deletedAt == null ? m : null);
                if (e.deletedAt != null) {
                    // Only a hand-made file can hold a version after its tombstone: keep the
                    // ordinal numbering, never index the content.
                    if (indexes) {
                        bitmaps.addVersion(ordinal, m);
                        bitmaps.tombstone(ordinal);
                    }
                    e.ordinals.add(ordinal);
                    return;
                }
                if (indexes) {
                    if (!e.ordinals.isEmpty()) bitmaps.supersede(e.ordinals.getLast());
                    lexical.add(ordinal, m.content());
                    bitmaps.addVersion(ordinal, m);
                }
                e.ordinals.add(ordinal);
            }
            case SegmentRecord.Tombstone t -> {
                Entry e = memories.computeIfAbsent(t.memoryId(), k -> new Entry());
                if (e.deletedAt != null) return;
                e.deletedAt = t.deletedAt();
                for (int ordinal : e.ordinals) {
                    byOrdinal.set(ordinal, null); // drop the content from memory at once
                    if (indexes) {
                        lexical.remove(ordinal);
                        bitmaps.tombstone(ordinal);
                    }
                }
            }
        }
    }

    /** The latest version, unless the memory is unknown or deleted. */
    Optional<Memory> current(MemoryId id) {
        Entry e = memories.get(id);
        if (e == null || e.deletedAt != null || e.ordinals.isEmpty()) return Optional.empty();
        return Optional.of(byOrdinal.get(e.ordinals.getLast()));
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
