package dev.engram.index.internal;

import java.util.Arrays;

/**
 * Which nodes one search has visited: one bit per node, cleared at the start of each search.
 * A bit set of 100k nodes is 12.5 KB and stays in the core's L1/L2 while the walk streams vector
 * records through the caches; hnswlib's tag array (an int per node, nothing to clear) is 400 KB
 * there, and a walk's few thousand random probes of it missed L2 (docs/vector-index.md). Clearing
 * costs one fill of {@code capacity / 8} bytes per search.
 *
 * <p>Not thread-safe: each searching thread owns one.
 */
public final class VisitedSet {
    private long[] bits = new long[0];

    /** Starts a new search over nodes {@code 0..capacity-1}. */
    public void reset(int capacity) {
        int words = (capacity + 63) >>> 6;
        if (bits.length < words) {
            bits = new long[Math.max(words, bits.length + (bits.length >>> 1))];
        } else {
            Arrays.fill(bits, 0, words, 0L);
        }
    }

    /** Marks {@code node} visited; returns false if it already was. */
    public boolean visit(int node) {
        int i = node >>> 6;
        long word = bits[i];
        long mask = 1L << node; // the shift uses the low six bits
        if ((word & mask) != 0) return false;
        bits[i] = word | mask;
        return true;
    }
}
