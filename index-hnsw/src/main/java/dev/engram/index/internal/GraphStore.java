package dev.engram.index.internal;

import dev.engram.index.IndexConfig;
import dev.engram.index.Similarity;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The off-heap vectors and links of one index, laid out as hnswlib does: one fixed-size, 64-byte
 * aligned record per node holding its vector (or, when quantized, its int8 codes) followed by its
 * header and its level-0 neighbour list, so scoring a neighbour and reading its links touch
 * neighbouring cache lines. Upper-level lists (about 1/M of the nodes have any) live in a separate
 * store of {@code 1 + m} int slots; a node of level L owns slots {@code upper .. upper+L-1}.
 *
 * <pre>
 * node record (recordSize bytes, a multiple of 64):
 *   0            vector: dim float32 LE (or dim int8 codes when quantized)
 *   H = align8(vectorBytes)
 *   H+0   int    level
 *   H+4   int    flags (bit 0: deleted)
 *   H+8   int    first upper slot (-1 when level = 0)
 *   H+12  float  int8 scale (quantized only)
 *   H+16  float  squared norm of the float vector (quantized only)
 *   H+20  int    level-0 neighbour count
 *   H+24  int[m0] level-0 neighbours, m0 = 2·m
 * upper slot (4·(1+m) bytes): int count, int[m] neighbours
 * float record (quantized only, align64(4·dim) bytes): the float32 vector, for re-ranking
 * </pre>
 *
 * <p>Thread-safety: reads are safe from any thread for published nodes; a node's lists are written
 * only by a thread holding that node's lock ({@link #lock(int)}), and a list's entries are written
 * before its count, so a lock-free reader sees either the old or the new list, never garbage ids.
 */
public final class GraphStore {
    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int LOCK_STRIPES = 1024;

    public final int dim;
    public final int m;
    public final int m0;
    public final boolean quantized;
    final Similarity similarity;
    final int vectorBytes;
    final int levelOff, flagsOff, upperOff, scaleOff, normOff, countOff, neighborsOff;
    final int upperSlotSize;
    final RecordStore nodes;
    final RecordStore upper;
    final RecordStore floats;
    private final Object[] locks = new Object[LOCK_STRIPES];

    /**
     * A store over fresh chunks ({@code base…} null) or over the regions of a mapped file.
     */
    public GraphStore(IndexConfig config, Arena arena, MemorySegment baseNodes, MemorySegment baseUpper,
                      MemorySegment baseFloats, int baseCount, int baseUpperSlots) {
        this.dim = config.dimension();
        this.m = config.m();
        this.m0 = 2 * config.m();
        this.quantized = config.quantized();
        this.similarity = config.similarity();
        this.vectorBytes = quantized ? dim : 4 * dim;
        int h = align(vectorBytes, 8);
        levelOff = h;
        flagsOff = h + 4;
        upperOff = h + 8;
        scaleOff = h + 12;
        normOff = h + 16;
        countOff = h + 20;
        neighborsOff = h + 24;
        int recordSize = align(neighborsOff + 4 * m0, 64);
        upperSlotSize = 4 * (1 + m);
        nodes = new RecordStore(arena, recordSize, 4, baseNodes, baseCount);
        upper = new RecordStore(arena, upperSlotSize, 4, baseUpper, baseUpperSlots);
        floats = quantized ? new RecordStore(arena, align(4 * dim, 64), 4, baseFloats, baseCount) : null;
        for (int i = 0; i < LOCK_STRIPES; i++) locks[i] = new Object();
    }

    static int align(int v, int a) {
        return (v + a - 1) & -a;
    }

    /** The monitor guarding the lists and flags of {@code node}. */
    public Object lock(int node) {
        return locks[node & (LOCK_STRIPES - 1)];
    }

    public RecordStore nodes() {
        return nodes;
    }

    public RecordStore upper() {
        return upper;
    }

    public RecordStore floats() {
        return floats;
    }

    /** Off-heap bytes held by this store. */
    public long bytes() {
        return nodes.bytes() + upper.bytes() + (floats == null ? 0 : floats.bytes());
    }

    // ---- writing a new node (caller: the single add lock; the node is not yet published) ----

    /** Writes the vector (already validated / normalized) and header of node {@code ord}. */
    public void writeNode(int ord, float[] v, int level, int firstUpperSlot) {
        nodes.ensureCapacity(ord + 1);
        MemorySegment s = nodes.segment(ord);
        long o = nodes.offset(ord);
        if (quantized) {
            floats.ensureCapacity(ord + 1);
            MemorySegment.copy(v, 0, floats.segment(ord), FLOAT, floats.offset(ord), dim);
            float scale = Quantizer.scale(v);
            Quantizer.encode(v, scale, s, o);
            s.set(FLOAT, o + scaleOff, scale);
            s.set(FLOAT, o + normOff, Quantizer.squaredNorm(v));
        } else {
            MemorySegment.copy(v, 0, s, FLOAT, o, dim);
        }
        s.set(INT, o + levelOff, level);
        s.set(INT, o + flagsOff, 0);
        s.set(INT, o + upperOff, firstUpperSlot);
        s.set(INT, o + countOff, 0);
        if (level > 0) upper.ensureCapacity(firstUpperSlot + level);
        VarHandle.releaseFence(); // the node's bytes before any link to it
    }

    // ---- node header ----

    public int level(int node) {
        return nodes.segment(node).get(INT, nodes.offset(node) + levelOff);
    }

    public boolean isDeleted(int node) {
        return (nodes.segment(node).get(INT, nodes.offset(node) + flagsOff) & 1) != 0;
    }

    /** Sets the tombstone; caller holds {@link #lock(int)}. */
    public void markDeleted(int node) {
        MemorySegment s = nodes.segment(node);
        long o = nodes.offset(node) + flagsOff;
        s.set(INT, o, s.get(INT, o) | 1);
        VarHandle.fullFence();
    }

    /** Overwrites the vector of a deleted node with zeros (purge after a rebuild unlinked it). */
    public void wipeVector(int node) {
        nodes.segment(node).asSlice(nodes.offset(node), vectorBytes).fill((byte) 0);
        if (quantized) floats.segment(node).asSlice(floats.offset(node), 4L * dim).fill((byte) 0);
    }

    // ---- neighbour lists: segment + offset of "int count, int[] ids" ----

    public MemorySegment listSegment(int node, int level) {
        return level == 0 ? nodes.segment(node) : upper.segment(upperSlot(node, level));
    }

    public long listOffset(int node, int level) {
        return level == 0 ? nodes.offset(node) + countOff : upper.offset(upperSlot(node, level));
    }

    private int upperSlot(int node, int level) {
        return nodes.segment(node).get(INT, nodes.offset(node) + upperOff) + level - 1;
    }

    public static int count(MemorySegment s, long listOff) {
        return s.get(INT, listOff);
    }

    public static int neighbor(MemorySegment s, long listOff, int i) {
        return s.get(INT, listOff + 4 + 4L * i);
    }

    /** The list capacity at a level. */
    public int maxDegree(int level) {
        return level == 0 ? m0 : m;
    }

    /** Copies a node's list into {@code out}; returns the count. */
    public int neighbors(int node, int level, int[] out) {
        MemorySegment s = listSegment(node, level);
        long o = listOffset(node, level);
        int n = Math.min(count(s, o), out.length);
        for (int i = 0; i < n; i++) out[i] = neighbor(s, o, i);
        return n;
    }

    /** Replaces a node's list; caller holds {@link #lock(int)}. Ids first, then the count. */
    public void setNeighbors(int node, int level, int[] ids, int n) {
        MemorySegment s = listSegment(node, level);
        long o = listOffset(node, level);
        for (int i = 0; i < n; i++) s.set(INT, o + 4 + 4L * i, ids[i]);
        VarHandle.storeStoreFence();
        s.set(INT, o, n);
    }

    /** Appends to a node's list if there is room; caller holds {@link #lock(int)}. */
    public boolean tryAppend(int node, int level, int id) {
        MemorySegment s = listSegment(node, level);
        long o = listOffset(node, level);
        int n = count(s, o);
        if (n >= maxDegree(level)) return false;
        s.set(INT, o + 4 + 4L * n, id);
        VarHandle.storeStoreFence();
        s.set(INT, o, n + 1);
        return true;
    }

    // ---- scoring ----

    /** The exact score of the float query {@code q} against node {@code node}. */
    public float score(float[] q, int node) {
        MemorySegment s;
        long o;
        if (quantized) {
            s = floats.segment(node);
            o = floats.offset(node);
        } else {
            s = nodes.segment(node);
            o = nodes.offset(node);
        }
        return similarity == Similarity.EUCLIDEAN
                ? -Kernels.squareDistance(q, s, o, dim)
                : Kernels.dot(q, s, o, dim);
    }

    /** The first int of node {@code node}'s record (read to bring its first cache line in). */
    int firstWord(int node) {
        return nodes.segment(node).get(INT, nodes.offset(node));
    }

    /** The first int of node {@code node}'s float vector (read to bring its first cache line in). */
    int firstVectorWord(int node) {
        return vectorSegment(node).get(INT, vectorOffset(node));
    }

    /** Where the float vector of {@code node} lives. */
    public MemorySegment vectorSegment(int node) {
        return quantized ? floats.segment(node) : nodes.segment(node);
    }

    public long vectorOffset(int node) {
        return quantized ? floats.offset(node) : nodes.offset(node);
    }

    /** The approximate score of a quantized query (codes, scale, squared norm) against {@code node}. */
    public float approxScore(byte[] codes, float qScale, float qNorm, int node) {
        MemorySegment s = nodes.segment(node);
        long o = nodes.offset(node);
        float dot = qScale * s.get(FLOAT, o + scaleOff) * Kernels.dotInt8(codes, s, o, dim);
        return similarity == Similarity.EUCLIDEAN ? 2 * dot - qNorm - s.get(FLOAT, o + normOff) : dot;
    }

    /**
     * Reads one byte of every cache line holding node {@code node}'s int8 codes and scale (what
     * {@link #approxScore} reads) and returns their sum, so the caller can keep the loads alive.
     */
    long touchCodes(int node) {
        MemorySegment s = nodes.segment(node);
        long o = nodes.offset(node);
        long x = 0;
        for (int b = 0; b < neighborsOff; b += 64) x += s.get(ValueLayout.JAVA_BYTE, o + b);
        return x;
    }

    /** Copies node {@code node}'s float vector into {@code out}. */
    public void readVector(int node, float[] out) {
        MemorySegment.copy(vectorSegment(node), FLOAT, vectorOffset(node), out, 0, dim);
    }
}
