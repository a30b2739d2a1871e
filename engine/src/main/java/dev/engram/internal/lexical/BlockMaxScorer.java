package dev.engram.internal.lexical;

import java.util.Arrays;
import org.roaringbitmap.RoaringBitmap;

/**
 * BM25 top-k over {@link PostingList}s, window by window of ordinals, with block-max MaxScore
 * pruning.
 *
 * <p>Windows of {@value #WINDOW} ordinals are visited in ascending order. Once the top-k heap is
 * full, a window starts by bounding every term's contribution inside it ({@code qtf ·
 * termScore(idf, largest tf, shortest length)} over the term's blocks that overlap the window),
 * sorting the terms by that bound and splitting them: the <em>non-essential</em> terms are the
 * longest prefix whose bounds together cannot lift a document above the heap's weakest score. If
 * every term is non-essential the window is skipped whole. Otherwise:
 * <ol>
 *   <li>the essential terms' postings in the window are walked term at a time, accumulating each
 *       document's partial score (only a document holding an essential term can enter the top k);
 *   <li>the non-essential terms follow, most valuable first: after each, the candidates whose
 *       partial score plus the bounds of the terms still to come cannot beat the heap are dropped,
 *       and the next term is either walked over the window (when candidates are dense) or probed
 *       by galloping for each remaining candidate (when they are few);
 *   <li>the survivors, in ordinal order, pass the {@code accept} filter and are scored exactly.
 * </ol>
 *
 * <p>Exact scores sum a document's terms in query order from the tfs read in the window — the same
 * expression and order as an exhaustive scorer — so scores are bit for bit those of scoring every
 * posting. Survivors arrive by ascending ordinal, so one that only ties the weakest kept score
 * never displaces it (ties go to the lower ordinal), and dropping a document whose bound is below
 * the weakest kept score is safe. Bounds are compared through {@link #above} (a relative margin of
 * 1e-9) against rounding between summation orders and in the bounds themselves; block bounds may
 * be stale after removals ({@link PostingList}), never too low.
 *
 * <p>One instance per search; not thread-safe. The lists must not change during the search.
 */
final class BlockMaxScorer {
    /** Ordinals per window (a multiple of 64): the span over which block bounds are combined and terms re-split. */
    static final int WINDOW = 1024;
    /** Walk a non-essential term over the window rather than probe when it has fewer than this many postings per candidate. */
    static final int WALK_RATIO = 8;

    private final PostingList[] lists;
    private final int[] qtf;
    private final double[] idf;
    private final double avgdl;
    private final int[] lengths;
    private final int m;

    private BlockMaxScorer(PostingList[] lists, int[] qtf, double[] idf, double avgdl, int[] lengths) {
        this.lists = lists;
        this.qtf = qtf;
        this.idf = idf;
        this.avgdl = avgdl;
        this.lengths = lengths;
        this.m = lists.length;
    }

    /**
     * Offers every document that can make the top {@code k} to {@code top}. {@code lists},
     * {@code qtf} and {@code idf} are the distinct query terms in query order; {@code skipped[t]}
     * is set when some of term {@code t}'s postings were passed over without being read.
     */
    static void search(PostingList[] lists, int[] qtf, double[] idf, double avgdl, int[] lengths, RoaringBitmap accept,
            TopK top, boolean[] skipped) {
        new BlockMaxScorer(lists, qtf, idf, avgdl, lengths).run(accept, top, skipped);
    }

    /** {@code qtf · termScore}: the addend of term {@code t} in the score of a document of {@code length} holding it {@code tf} times. */
    private double termScore(int t, int tf, int length) {
        return qtf[t] * Bm25.termScore(idf[t], tf, length, avgdl);
    }

    private void run(RoaringBitmap accept, TopK top, boolean[] skipped) {
        int window = WINDOW;
        int[] pos = new int[m];
        double[] bound = new double[m];
        long[] keys = new long[m];
        int[] order = new int[m];
        double[] prefix = new double[m + 1]; // prefix[j]: sum of the bounds of order[0..j)
        double[] acc = new double[window]; // partial score of each ordinal of the window
        long[] candidates = new long[window >>> 6]; // the window's ordinals that may still enter the top k
        // Per term and window offset: (ordinal << 32 | tf) of the last posting read there. The
        // ordinal stamp tells a current entry from an earlier window's, so nothing is cleared.
        long[][] read = new long[m][];
        while (true) {
            int w0 = Integer.MAX_VALUE;
            for (int t = 0; t < m; t++) if (pos[t] < lists[t].size) w0 = Math.min(w0, lists[t].docs[pos[t]]);
            if (w0 == Integer.MAX_VALUE) break;
            int w1 = w0 + window; // ordinals are below 2^28: no overflow
            int essentialFrom = 0;
            if (top.full()) {
                for (int t = 0; t < m; t++) {
                    bound[t] = windowBound(t, pos[t], w1);
                    // Positive doubles order as their float bits; the order only steers the split.
                    keys[t] = (long) Float.floatToIntBits((float) bound[t]) << 32 | t;
                }
                Arrays.sort(keys);
                for (int j = 0; j < m; j++) {
                    order[j] = (int) keys[j];
                    prefix[j + 1] = prefix[j] + bound[order[j]];
                }
                double theta = top.threshold();
                while (essentialFrom < m && above(prefix[essentialFrom + 1]) < theta) essentialFrom++;
                if (essentialFrom == m) { // nothing in this window can enter the top k
                    for (int t = 0; t < m; t++) {
                        int p = lists[t].advance(pos[t], w1);
                        if (p > pos[t]) skipped[t] = true;
                        pos[t] = p;
                    }
                    continue;
                }
            } else {
                for (int j = 0; j < m; j++) order[j] = j;
            }
            // 1. The essential terms, term at a time over the window.
            double theta = top.threshold();
            for (int j = essentialFrom; j < m; j++) {
                int t = order[j];
                PostingList l = lists[t];
                int[] docs = l.docs;
                int[] tfs = l.tfs;
                long[] row = read[t];
                if (row == null) row = read[t] = new long[window];
                int p = pos[t];
                for (int size = l.size; p < size; p++) {
                    int doc = docs[p];
                    if (doc >= w1) break;
                    int tf = tfs[p];
                    if (tf == 0) continue; // a tombstone
                    int at = doc - w0;
                    row[at] = (long) doc << 32 | tf;
                    acc[at] += termScore(t, tf, lengths[doc]);
                    candidates[at >>> 6] |= 1L << at;
                }
                pos[t] = p;
            }
            // 2. The non-essential terms, most valuable first, while candidates remain.
            int left = drop(candidates, acc, prefix[essentialFrom], theta);
            for (int j = essentialFrom - 1; j >= 0; j--) {
                int t = order[j];
                PostingList l = lists[t];
                int end = l.advance(pos[t], w1);
                if (left == 0) {
                    if (end > pos[t]) skipped[t] = true;
                    pos[t] = end;
                    continue;
                }
                long[] row = read[t];
                if (row == null) row = read[t] = new long[window];
                if (end - pos[t] < (long) left * WALK_RATIO) {
                    for (int p = pos[t]; p < end; p++) {
                        int at = l.docs[p] - w0;
                        if ((candidates[at >>> 6] & 1L << at) == 0 || l.tfs[p] == 0) continue;
                        row[at] = (long) l.docs[p] << 32 | l.tfs[p];
                        acc[at] += termScore(t, l.tfs[p], lengths[l.docs[p]]);
                    }
                } else {
                    if (end > pos[t]) skipped[t] = true;
                    int p = pos[t];
                    for (int word = 0; word < candidates.length; word++) {
                        for (long bits = candidates[word]; bits != 0; bits &= bits - 1) {
                            int at = word << 6 | Long.numberOfTrailingZeros(bits);
                            int doc = w0 + at;
                            p = l.advance(p, doc);
                            if (p < end && l.docs[p] == doc && l.tfs[p] > 0) {
                                row[at] = (long) doc << 32 | l.tfs[p];
                                acc[at] += termScore(t, l.tfs[p], lengths[doc]);
                            }
                        }
                    }
                }
                pos[t] = end;
                left = drop(candidates, acc, prefix[j], top.threshold());
            }
            // 3. The survivors, in ordinal order, scored exactly.
            for (int word = 0; word < candidates.length; word++) {
                for (long bits = candidates[word]; bits != 0; bits &= bits - 1) {
                    int at = word << 6 | Long.numberOfTrailingZeros(bits);
                    int doc = w0 + at;
                    acc[at] = 0;
                    if (accept != null && !accept.contains(doc)) continue;
                    int length = lengths[doc];
                    double exact = 0;
                    for (int t = 0; t < m; t++) {
                        long e = read[t] == null ? 0 : read[t][at];
                        if ((int) (e >>> 32) == doc && (int) e > 0) exact += termScore(t, (int) e, length);
                    }
                    top.offer(doc, exact);
                }
                candidates[word] = 0;
            }
        }
    }

    /**
     * Drops (and clears the partial score of) every candidate whose partial score plus
     * {@code rest} cannot beat {@code theta}; returns how many candidates are left.
     */
    private static int drop(long[] candidates, double[] acc, double rest, double theta) {
        int left = 0;
        for (int word = 0; word < candidates.length; word++) {
            long keep = candidates[word];
            for (long bits = keep; bits != 0; bits &= bits - 1) {
                int at = word << 6 | Long.numberOfTrailingZeros(bits);
                if (above(acc[at] + rest) < theta) {
                    keep &= ~(1L << at);
                    acc[at] = 0;
                }
            }
            candidates[word] = keep;
            left += Long.bitCount(keep);
        }
        return left;
    }

    /** The most term {@code t} can add to any document in [its position, {@code end}): 0 if it has no posting there. */
    private double windowBound(int t, int pos, int end) {
        PostingList l = lists[t];
        if (pos >= l.size || l.docs[pos] >= end) return 0;
        int maxTf = 0;
        int minLength = Integer.MAX_VALUE;
        for (int b = pos >>> PostingList.SHIFT, n = l.blockCount(); b < n && l.docs[b << PostingList.SHIFT] < end; b++) {
            maxTf = Math.max(maxTf, l.blockMaxTf[b]);
            minLength = Math.min(minLength, l.blockMinLength[b]);
        }
        // termScore grows with tf and shrinks with length: the largest tf and shortest document bound it.
        return maxTf == 0 ? 0 : termScore(t, maxTf, minLength);
    }

    /** {@code x} plus a relative margin that covers rounding differences between summation orders. */
    static double above(double x) {
        return x + Math.abs(x) * 1e-9 + 1e-12;
    }
}
