package dev.engram.index.internal;

import java.util.Arrays;

/**
 * A binary min-heap of longs, growable, reused across searches so the hot path does not allocate.
 * Search code packs (score, node) into one long with {@link #pack} so that one comparison orders by
 * score and breaks ties by ordinal (the smaller ordinal ranks higher), as Lucene's NeighborQueue does.
 *
 * <p>Not thread-safe: each searching thread owns its heaps.
 */
public final class LongHeap {
    private long[] heap;
    private int size;

    public LongHeap(int initialCapacity) {
        heap = new long[Math.max(4, initialCapacity)];
    }

    /** Packs a score and a node so that a larger long means a better (score, then smaller node) pair. */
    public static long pack(float score, int node) {
        int bits = Float.floatToRawIntBits(score);
        int sortable = bits ^ ((bits >> 31) & 0x7fffffff); // ints now order like the floats
        return ((long) sortable << 32) | (~node & 0xffffffffL);
    }

    public static int node(long packed) {
        return ~(int) packed;
    }

    public static float score(long packed) {
        int sortable = (int) (packed >> 32);
        return Float.intBitsToFloat(sortable ^ ((sortable >> 31) & 0x7fffffff));
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public void clear() {
        size = 0;
    }

    /** The smallest element; the heap must not be empty. */
    public long peek() {
        return heap[0];
    }

    public void push(long v) {
        if (size == heap.length) heap = Arrays.copyOf(heap, size * 2);
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            long p = heap[parent];
            if (p <= v) break;
            heap[i] = p;
            i = parent;
        }
        heap[i] = v;
    }

    /** Removes and returns the smallest element; the heap must not be empty. */
    public long pop() {
        long top = heap[0];
        long last = heap[--size];
        if (size > 0) siftDown(last);
        return top;
    }

    /** Replaces the smallest element by {@code v} (cheaper than pop + push). */
    public void replaceTop(long v) {
        siftDown(v);
    }

    /**
     * Keeps the {@code capacity} largest values: pushes {@code v} when there is room, replaces the
     * smallest when {@code v} is larger. Returns whether {@code v} was kept.
     */
    public boolean offer(long v, int capacity) {
        if (size < capacity) {
            push(v);
            return true;
        }
        if (v > heap[0]) {
            siftDown(v);
            return true;
        }
        return false;
    }

    private void siftDown(long v) {
        int i = 0;
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            long c = heap[child];
            int right = child + 1;
            if (right < size && heap[right] < c) {
                child = right;
                c = heap[right];
            }
            if (v <= c) break;
            heap[i] = c;
            i = child;
        }
        heap[i] = v;
    }

    /** Empties the heap into {@code out[0..size)}, largest first; returns the count. */
    public int drainDescending(long[] out) {
        int n = size;
        for (int i = n - 1; i >= 0; i--) out[i] = pop();
        return n;
    }
}
