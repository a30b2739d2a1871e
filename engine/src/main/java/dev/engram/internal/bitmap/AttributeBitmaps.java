package dev.engram.internal.bitmap;

import dev.engram.memory.Memory;
import dev.engram.memory.MemoryStatus;
import dev.engram.memory.MemoryType;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import org.roaringbitmap.RoaringBitmap;

/**
 * Attribute filters over one user's document ordinals (one ordinal per stored memory version):
 * a bitmap per {@link MemoryType}, per {@link MemoryStatus}, per category, one of the
 * <em>current</em> ordinals (the latest version of a memory that is not deleted) and one of the
 * <em>tombstoned</em> ordinals (versions of deleted memories, which are in no other bitmap).
 *
 * <p>Retrieval intersects these to build the accept set handed to the lexical and vector
 * indexes; default retrieval is {@code current ∧ status(ACTIVE)}. Derived state: rebuilt from
 * the segments by replaying {@link #addVersion}, {@link #supersede} and {@link #tombstone} in
 * record order, and persisted by {@link BitmapFile}.
 *
 * <p>Not thread-safe; the owner serializes access. Bitmaps returned by accessors are copies.
 */
public final class AttributeBitmaps {
    private final EnumMap<MemoryType, RoaringBitmap> byType = new EnumMap<>(MemoryType.class);
    private final EnumMap<MemoryStatus, RoaringBitmap> byStatus = new EnumMap<>(MemoryStatus.class);
    private final TreeMap<String, RoaringBitmap> byCategory = new TreeMap<>();
    private final RoaringBitmap current = new RoaringBitmap();
    private final RoaringBitmap tombstones = new RoaringBitmap();
    private final RoaringBitmap all = new RoaringBitmap();

    public AttributeBitmaps() {
        for (MemoryType t : MemoryType.values()) byType.put(t, new RoaringBitmap());
        for (MemoryStatus s : MemoryStatus.values()) byStatus.put(s, new RoaringBitmap());
    }

    /** Records a new version at {@code ordinal}; it becomes current. An ordinal is added once. */
    public void addVersion(int ordinal, Memory m) {
        if (all.contains(ordinal)) throw new IllegalArgumentException("ordinal " + ordinal + " already has attributes");
        all.add(ordinal);
        byType.get(m.type()).add(ordinal);
        byStatus.get(m.status()).add(ordinal);
        for (String c : m.categories()) byCategory.computeIfAbsent(c, k -> new RoaringBitmap()).add(ordinal);
        current.add(ordinal);
    }

    /** The version at {@code ordinal} was followed by a newer one: it is no longer current. */
    public void supersede(int ordinal) {
        current.remove(ordinal);
    }

    /** The version at {@code ordinal} belongs to a deleted memory: only the tombstone bitmap keeps it. */
    public void tombstone(int ordinal) {
        if (!all.contains(ordinal)) throw new IllegalArgumentException("ordinal " + ordinal + " has no attributes");
        for (RoaringBitmap b : byType.values()) b.remove(ordinal);
        for (RoaringBitmap b : byStatus.values()) b.remove(ordinal);
        var it = byCategory.values().iterator();
        while (it.hasNext()) {
            RoaringBitmap b = it.next();
            b.remove(ordinal);
            if (b.isEmpty()) it.remove(); // a category of deleted memories only must not linger
        }
        current.remove(ordinal);
        tombstones.add(ordinal);
    }

    public RoaringBitmap ofType(MemoryType type) {
        return byType.get(type).clone();
    }

    public RoaringBitmap withStatus(MemoryStatus status) {
        return byStatus.get(status).clone();
    }

    /** Ordinals in {@code category}; empty for an unknown category. */
    public RoaringBitmap inCategory(String category) {
        RoaringBitmap b = byCategory.get(category);
        return b == null ? new RoaringBitmap() : b.clone();
    }

    /** The categories in use, sorted. */
    public SortedMap<String, Integer> categoryCounts() {
        TreeMap<String, Integer> out = new TreeMap<>();
        byCategory.forEach((k, v) -> out.put(k, v.getCardinality()));
        return Collections.unmodifiableSortedMap(out);
    }

    public RoaringBitmap current() {
        return current.clone();
    }

    /** Whether every current ordinal is in {@code set} (no copy: a count over the containers). */
    public boolean currentWithin(RoaringBitmap set) {
        return RoaringBitmap.andNotCardinality(current, set) == 0;
    }

    public RoaringBitmap tombstones() {
        return tombstones.clone();
    }

    /** Every ordinal ever given attributes, tombstoned ones included. */
    public RoaringBitmap all() {
        return all.clone();
    }

    /** What default retrieval serves: current, ACTIVE versions. */
    public RoaringBitmap servable() {
        return RoaringBitmap.and(current, byStatus.get(MemoryStatus.ACTIVE));
    }

    // --- for BitmapFile ---

    Map<MemoryType, RoaringBitmap> typeMap() {
        return byType;
    }

    Map<MemoryStatus, RoaringBitmap> statusMap() {
        return byStatus;
    }

    TreeMap<String, RoaringBitmap> categoryMap() {
        return byCategory;
    }

    RoaringBitmap currentRaw() {
        return current;
    }

    RoaringBitmap tombstonesRaw() {
        return tombstones;
    }

    RoaringBitmap allRaw() {
        return all;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AttributeBitmaps b && byType.equals(b.byType) && byStatus.equals(b.byStatus)
                && byCategory.equals(b.byCategory) && current.equals(b.current) && tombstones.equals(b.tombstones)
                && all.equals(b.all);
    }

    @Override
    public int hashCode() {
        return Objects.hash(current, tombstones, all);
    }

    @Override
    public String toString() {
        return "AttributeBitmaps[all=" + all.getCardinality() + ", current=" + current.getCardinality() + ", tombstones="
                + tombstones.getCardinality() + ", categories=" + byCategory.size() + "]";
    }
}
