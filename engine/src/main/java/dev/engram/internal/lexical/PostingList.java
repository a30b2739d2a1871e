package dev.engram.internal.lexical;

import java.util.Arrays;

/**
 * One term's postings laid out for scoring: the ordinals containing the term, ascending, with the
 * term's frequency in each (parallel arrays, so a scorer reads a posting's tf without a lookup),
 * cut into blocks of {@value #BLOCK} positions that each keep the largest tf and the shortest
 * document length among their entries — the inputs of a per-block BM25 upper bound.
 *
 * <p>A removal leaves a tombstone (tf 0) in place and widens no bound, so block bounds may be
 * stale but never too low; once more than half of the entries are tombstones the list is
 * compacted and its bounds recomputed exactly. Re-adding a tombstoned ordinal revives it in place.
 * Appending (the ordinal above every present one, the common case) is amortized O(1); adding
 * below the last ordinal shifts the arrays and recomputes the bounds of the blocks after it.
 *
 * <p>Not thread-safe: writers are serialized by the owner; any number of readers may read a list
 * no writer is changing.
 */
final class PostingList {
    static final int SHIFT = 7;
    static final int BLOCK = 1 << SHIFT;

    int[] docs = new int[2];
    int[] tfs = new int[2];
    int size;
    private int dead;
    int[] blockMaxTf = new int[1];
    int[] blockMinLength = new int[1];

    /** Entries that are not tombstones: the term's document frequency. */
    int live() {
        return size - dead;
    }

    int blockCount() {
        return (size + BLOCK - 1) >>> SHIFT;
    }

    /** Adds {@code doc} with frequency {@code tf >= 1}; {@code lengths[doc]} must already be its length. */
    void add(int doc, int tf, int length, int[] lengths) {
        if (size > 0 && doc <= docs[size - 1]) {
            int at = Arrays.binarySearch(docs, 0, size, doc);
            if (at >= 0) {
                if (tfs[at] != 0) throw new IllegalStateException("ordinal " + doc + " is already in the posting list");
                tfs[at] = tf;
                dead--;
                widen(at >>> SHIFT, tf, length);
                return;
            }
            at = -at - 1;
            grow();
            System.arraycopy(docs, at, docs, at + 1, size - at);
            System.arraycopy(tfs, at, tfs, at + 1, size - at);
            docs[at] = doc;
            tfs[at] = tf;
            size++;
            recomputeBlocks(at >>> SHIFT, lengths);
            return;
        }
        grow();
        docs[size] = doc;
        tfs[size] = tf;
        int block = size >>> SHIFT;
        if ((size & (BLOCK - 1)) == 0) {
            if (block == blockMaxTf.length) {
                blockMaxTf = Arrays.copyOf(blockMaxTf, block * 2);
                blockMinLength = Arrays.copyOf(blockMinLength, block * 2);
            }
            blockMaxTf[block] = tf;
            blockMinLength[block] = length;
        } else {
            widen(block, tf, length);
        }
        size++;
    }

    /** Tombstones {@code doc}, which must be present; compacts when over half the list is dead. */
    void remove(int doc, int[] lengths) {
        int at = Arrays.binarySearch(docs, 0, size, doc);
        if (at < 0 || tfs[at] == 0) throw new IllegalStateException("ordinal " + doc + " is not in the posting list");
        tfs[at] = 0;
        dead++;
        if (dead * 2 > size) compact(lengths);
    }

    /** The first position at or after {@code pos} whose ordinal is at least {@code target}, or {@link #size}. */
    int advance(int pos, int target) {
        if (pos >= size || docs[pos] >= target) return pos;
        for (int end = Math.min(size, pos + 8); ++pos < end; ) { // dense lists: the target is usually a few entries on
            if (docs[pos] >= target) return pos;
        }
        if (pos >= size) return size;
        if (docs[pos] >= target) return pos;
        int lo = pos; // docs[lo] < target
        int step = 1;
        while (lo + step < size && docs[lo + step] < target) {
            lo += step;
            step <<= 1;
        }
        int hi = Math.min(lo + step, size); // docs[hi] >= target, or hi == size
        int at = Arrays.binarySearch(docs, lo + 1, hi, target);
        return at >= 0 ? at : -at - 1;
    }

    private void widen(int block, int tf, int length) {
        if (tf > blockMaxTf[block]) blockMaxTf[block] = tf;
        if (length < blockMinLength[block]) blockMinLength[block] = length;
    }

    private void grow() {
        if (size == docs.length) {
            int n = size + (size >> 1) + 2;
            docs = Arrays.copyOf(docs, n);
            tfs = Arrays.copyOf(tfs, n);
        }
    }

    private void compact(int[] lengths) {
        int w = 0;
        for (int r = 0; r < size; r++) {
            if (tfs[r] == 0) continue;
            docs[w] = docs[r];
            tfs[w] = tfs[r];
            w++;
        }
        size = w;
        dead = 0;
        if (docs.length > 2 * size + 2) { // give back what a mass removal freed
            docs = Arrays.copyOf(docs, size + (size >> 1) + 2);
            tfs = Arrays.copyOf(tfs, docs.length);
        }
        recomputeBlocks(0, lengths);
    }

    /** Recomputes the bounds of the blocks from {@code first} on, from the live entries. */
    private void recomputeBlocks(int first, int[] lengths) {
        int blocks = blockCount();
        if (blocks > blockMaxTf.length || blockMaxTf.length > 2 * blocks + 2) {
            blockMaxTf = Arrays.copyOf(blockMaxTf, blocks + 1);
            blockMinLength = Arrays.copyOf(blockMinLength, blocks + 1);
        }
        for (int b = first; b < blocks; b++) {
            int maxTf = 0;
            int minLength = Integer.MAX_VALUE;
            for (int i = b << SHIFT, end = Math.min(size, (b + 1) << SHIFT); i < end; i++) {
                if (tfs[i] == 0) continue;
                maxTf = Math.max(maxTf, tfs[i]);
                minLength = Math.min(minLength, lengths[docs[i]]);
            }
            blockMaxTf[b] = maxTf;
            blockMinLength[b] = minLength;
        }
    }
}
