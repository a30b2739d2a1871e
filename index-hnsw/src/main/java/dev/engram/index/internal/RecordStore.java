package dev.engram.index.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Fixed-size records in off-heap memory, addressed by a dense int index. Records {@code 0..baseCount-1}
 * live in an optional base segment (a memory-mapped file region after {@code open}); the rest live
 * in chunks that double in size (chunk {@code k} holds {@code first << k} records), so a tiny index
 * costs a few kilobytes and a large one a few dozen allocations, and growing never moves a record:
 * readers may hold on to addresses while writers grow the store.
 *
 * <p>Chunks are 64-byte aligned and zeroed. Thread-safety: {@link #ensureCapacity} is synchronized;
 * {@link #segment}/{@link #offset} are safe from any thread for indexes below a capacity the caller
 * has seen published (through a volatile write that followed {@code ensureCapacity}).
 */
public final class RecordStore {
    private static final int MAX_CHUNKS = 31;

    private final Arena arena;
    private final int recordSize;
    private final int firstShift;
    private final MemorySegment base;
    private final int baseCount;
    private volatile MemorySegment[] chunks = new MemorySegment[0];
    private long capacity;

    /**
     * @param arena       owns the chunks (closing it frees them)
     * @param recordSize  bytes per record
     * @param firstShift  log2 of the records in the first chunk
     * @param base        the base segment holding {@code baseCount} records, or null
     * @param baseCount   the records in {@code base}
     */
    public RecordStore(Arena arena, int recordSize, int firstShift, MemorySegment base, int baseCount) {
        this.arena = arena;
        this.recordSize = recordSize;
        this.firstShift = firstShift;
        this.base = base == null ? MemorySegment.NULL : base;
        this.baseCount = baseCount;
        this.capacity = baseCount;
    }

    public int recordSize() {
        return recordSize;
    }

    /** Makes records {@code 0..count-1} addressable (new ones zeroed). */
    public synchronized void ensureCapacity(int count) {
        if (count <= capacity) return;
        MemorySegment[] grown = chunks;
        while (capacity < count) {
            int k = grown.length;
            if (k >= MAX_CHUNKS) throw new IllegalStateException("record store full");
            long records = 1L << (firstShift + k);
            MemorySegment chunk = arena.allocate(records * recordSize, 64);
            grown = java.util.Arrays.copyOf(grown, k + 1);
            grown[k] = chunk;
            capacity += records;
        }
        chunks = grown;
    }

    /** The segment holding record {@code index}. */
    public MemorySegment segment(int index) {
        int local = index - baseCount;
        if (local < 0) return base;
        return chunks[chunkOf(local)];
    }

    /** The byte offset of record {@code index} within {@link #segment(int)}. */
    public long offset(int index) {
        int local = index - baseCount;
        if (local < 0) return (long) index * recordSize;
        int k = chunkOf(local);
        long start = ((1L << k) - 1) << firstShift;
        return (local - start) * recordSize;
    }

    private int chunkOf(int local) {
        return 31 - Integer.numberOfLeadingZeros((local >>> firstShift) + 1);
    }

    /** Bytes of off-heap memory held (allocated chunks plus the base region). */
    public long bytes() {
        long total = base.byteSize();
        for (MemorySegment c : chunks) total += c.byteSize();
        return total;
    }

    /** Visits records {@code 0..count-1} as runs of contiguous memory, in order. */
    public void forEachRun(int count, RunVisitor visitor) throws java.io.IOException {
        int done = 0;
        if (baseCount > 0) {
            int n = Math.min(count, baseCount);
            visitor.visit(base.asSlice(0, (long) n * recordSize));
            done = n;
        }
        MemorySegment[] cs = chunks;
        for (int k = 0; k < cs.length && done < count; k++) {
            int n = (int) Math.min(count - done, 1L << (firstShift + k));
            visitor.visit(cs[k].asSlice(0, (long) n * recordSize));
            done += n;
        }
    }

    /** Receives a run of whole records. */
    @FunctionalInterface
    public interface RunVisitor {
        void visit(MemorySegment run) throws java.io.IOException;
    }
}
