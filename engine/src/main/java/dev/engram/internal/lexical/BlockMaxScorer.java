package dev.engram.internal.lexical;

import org.roaringbitmap.RoaringBitmap;

/**
 * Document-at-a-time BM25 top-k over {@link PostingList}s with block-max MaxScore pruning.
 *
 * <p>Ordinals are visited in ascending order, a window of {@value #WINDOW} ordinals at a time.
 * Once the top-k heap is full, each window starts by bounding every term's contribution inside it
 * (the largest {@code qtf · termScore(idf, block max tf, block min length)} over the term's blocks
 * that overlap the window), sorting the terms by that bound and splitting them: the
 * <em>non-essential</em> terms are the longest prefix whose bounds together cannot lift a document
 * above the heap's weakest score. If every term is non-essential the window is skipped whole.
 * Otherwise only the essential terms' postings are walked; each document found gets its partial
 * score, and only if that plus the non-essential bounds can still beat the heap are the
 * non-essential lists probed (by galloping), most valuable first, re-checking the bound after each.
 *
 * <p>A document that survives is scored exactly: its terms summed in query order from the tfs
 * just read, the same expression and order as an exhaustive scorer, so scores are bit for bit
 * those of scoring every posting. Documents arrive by ascending ordinal, so one that only ties the
 * weakest kept score never displaces it (ties go to the lower ordinal). Pruning compares bounds
 * with {@link #above} (a relative margin of 1e-9) against rounding between summation orders and
 * in the bounds themselves.
 *
 * <p>Stateless; thread-safe as long as no writer changes the lists during a search.
 */
final class BlockMaxScorer {
    /** Ordinals per window: the span over which block bounds are combined and terms re-split. */
    static final int WINDOW = 1024;

    private BlockMaxScorer() {}

    /**
     * Offers every document that can make the top {@code k} to {@code top}. {@code lists},
     * {@code qtf} and {@code idf} are the distinct query terms in query order; {@code skipped[t]}
     * is set when some of term {@code t}'s postings were passed over without being read.
     */
    static void search(PostingList[] lists, int[] qtf, double[] idf, double avgdl, int[] lengths, RoaringBitmap accept,
            TopK top, boolean[] skipped) {
        int m = lists.length;
        int[] pos = new int[m];
        int[] tfAt = new int[m]; // tf of each term in the current document, 0: absent
        double[] bound = new double[m];
        long[] keys = new long[m];
        int[] order = new int[m];
        double[] prefix = new double[m + 1]; // prefix[j]: sum of the bounds of order[0..j)
        while (true) {
            int w0 = Integer.MAX_VALUE;
            for (int t = 0; t < m; t++) if (pos[t] < lists[t].size) w0 = Math.min(w0, lists[t].docs[pos[t]]);
            if (w0 == Integer.MAX_VALUE) break;
            int w1 = w0 + WINDOW; // ordinals are below 2^28: no overflow
            int essentialFrom = 0;
            if (top.full()) {
                for (int t = 0; t < m; t++) {
                    bound[t] = windowBound(lists[t], pos[t], w1, qtf[t], idf[t], avgdl);
                    // Positive doubles order as their float bits; the order only steers the split.
                    keys[t] = (long) Float.floatToIntBits((float) bound[t]) << 32 | t;
                }
                java.util.Arrays.sort(keys);
                for (int j = 0; j < m; j++) {
                    order[j] = (int) keys[j];
                    prefix[j + 1] = prefix[j] + bound[order[j]];
                }
                double theta = top.threshold();
                while (essentialFrom < m && above(prefix[essentialFrom + 1]) <= theta) essentialFrom++;
                for (int j = 0; j < essentialFrom; j++) {
                    int t = order[j];
                    if (pos[t] < lists[t].size && lists[t].docs[pos[t]] < w1) skipped[t] = true;
                }
                if (essentialFrom == m) { // nothing in this window can enter the top k
                    for (int t = 0; t < m; t++) pos[t] = lists[t].advance(pos[t], w1);
                    continue;
                }
            } else {
                for (int j = 0; j < m; j++) order[j] = j;
            }
            while (true) {
                int doc = w1;
                for (int j = essentialFrom; j < m; j++) {
                    int t = order[j];
                    if (pos[t] < lists[t].size && lists[t].docs[pos[t]] < doc) doc = lists[t].docs[pos[t]];
                }
                if (doc >= w1) break;
                int length = lengths[doc];
                double partial = 0;
                for (int j = essentialFrom; j < m; j++) {
                    int t = order[j];
                    PostingList l = lists[t];
                    if (pos[t] < l.size && l.docs[pos[t]] == doc) {
                        int tf = l.tfs[pos[t]++];
                        if (tf > 0) { // 0: a tombstone
                            tfAt[t] = tf;
                            partial += qtf[t] * Bm25.termScore(idf[t], tf, length, avgdl);
                        }
                    }
                }
                if (partial > 0 && score(doc, partial, essentialFrom, lists, pos, tfAt, qtf, idf, length, avgdl, order, prefix, accept, top)) {
                    double exact = 0;
                    for (int t = 0; t < m; t++) {
                        if (tfAt[t] > 0) exact += qtf[t] * Bm25.termScore(idf[t], tfAt[t], length, avgdl);
                    }
                    top.offer(doc, exact);
                }
                java.util.Arrays.fill(tfAt, 0);
            }
            for (int j = 0; j < essentialFrom; j++) pos[order[j]] = lists[order[j]].advance(pos[order[j]], w1);
        }
    }

    /**
     * Whether {@code doc}, with {@code partial} from its essential terms, can still enter the top
     * k: checks the bound, the filter, then probes the non-essential terms (filling {@code tfAt}).
     */
    private static boolean score(int doc, double partial, int essentialFrom, PostingList[] lists, int[] pos, int[] tfAt,
            int[] qtf, double[] idf, int length, double avgdl, int[] order, double[] prefix, RoaringBitmap accept, TopK top) {
        double theta = top.threshold();
        if (above(partial + prefix[essentialFrom]) <= theta) return false;
        if (accept != null && !accept.contains(doc)) return false;
        for (int j = essentialFrom - 1; j >= 0; j--) {
            int t = order[j];
            PostingList l = lists[t];
            int p = pos[t] = l.advance(pos[t], doc);
            if (p < l.size && l.docs[p] == doc && l.tfs[p] > 0) {
                tfAt[t] = l.tfs[p];
                partial += qtf[t] * Bm25.termScore(idf[t], l.tfs[p], length, avgdl);
            }
            if (above(partial + prefix[j]) <= theta) return false;
        }
        return true;
    }

    /** The most term {@code t} can add to any document in [its position, {@code end}): 0 if it has none there. */
    private static double windowBound(PostingList l, int pos, int end, int qtf, double idf, double avgdl) {
        if (pos >= l.size || l.docs[pos] >= end) return 0;
        double best = 0;
        for (int b = pos >>> PostingList.SHIFT, n = l.blockCount(); b < n && l.docs[b << PostingList.SHIFT] < end; b++) {
            int tf = l.blockMaxTf[b];
            // termScore grows with tf and shrinks with length: the block's largest tf and shortest document bound it.
            if (tf > 0) best = Math.max(best, qtf * Bm25.termScore(idf, tf, l.blockMinLength[b], avgdl));
        }
        return best;
    }

    /** {@code x} plus a relative margin that covers rounding differences between summation orders. */
    static double above(double x) {
        return x + Math.abs(x) * 1e-9 + 1e-12;
    }
}
