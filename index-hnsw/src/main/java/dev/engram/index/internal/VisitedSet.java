package dev.engram.index.internal;

/**
 * Which nodes one search has visited. Clearing is O(1): each search takes a new tag, and a node is
 * visited when its slot holds the current tag (hnswlib's VisitedList); the array is wiped only when
 * the tag wraps around.
 *
 * <p>Not thread-safe: each searching thread owns one.
 */
public final class VisitedSet {
    private int[] tags = new int[0];
    private int tag;

    /** Starts a new search over nodes {@code 0..capacity-1}. */
    public void reset(int capacity) {
        if (tags.length < capacity) {
            tags = new int[Math.max(capacity, tags.length + (tags.length >>> 1))];
            tag = 0;
        }
        if (++tag == 0) {
            java.util.Arrays.fill(tags, 0);
            tag = 1;
        }
    }

    /** Marks {@code node} visited; returns false if it already was. */
    public boolean visit(int node) {
        if (tags[node] == tag) return false;
        tags[node] = tag;
        return true;
    }
}
