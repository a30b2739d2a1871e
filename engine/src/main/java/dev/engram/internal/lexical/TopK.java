package dev.engram.internal.lexical;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code k} best (score, ordinal) pairs offered so far, in the order of {@link ScoredDoc}:
 * higher score first, then lower ordinal. A bounded binary heap whose head is the weakest kept
 * pair. Not thread-safe (one per search).
 */
final class TopK {
    private final int k;
    private double[] scores;
    private int[] docs;
    private int size;

    /** {@code expected}: how many pairs may be offered at most (sizes the arrays; a hint). */
    TopK(int k, long expected) {
        this.k = k;
        int capacity = (int) Math.max(1, Math.min(k, Math.min(expected, 1 << 16)));
        scores = new double[capacity];
        docs = new int[capacity];
    }

    boolean full() {
        return size == k;
    }

    /** The weakest kept score once {@code k} pairs are kept; negative infinity before. */
    double threshold() {
        return size == k ? scores[0] : Double.NEGATIVE_INFINITY;
    }

    /** Keeps ({@code doc}, {@code score}) if it beats the weakest kept pair or the heap is not full. */
    void offer(int doc, double score) {
        if (size < k) {
            if (size == scores.length) {
                int n = (int) Math.min(k, 2L * size);
                scores = java.util.Arrays.copyOf(scores, n);
                docs = java.util.Arrays.copyOf(docs, n);
            }
            int c = size++;
            while (c > 0) {
                int p = (c - 1) >>> 1;
                if (!weaker(score, doc, scores[p], docs[p])) break;
                scores[c] = scores[p];
                docs[c] = docs[p];
                c = p;
            }
            scores[c] = score;
            docs[c] = doc;
            return;
        }
        if (!weaker(scores[0], docs[0], score, doc)) return;
        int c = 0;
        while (true) {
            int l = 2 * c + 1;
            if (l >= size) break;
            int r = l + 1;
            int w = r < size && weaker(scores[r], docs[r], scores[l], docs[l]) ? r : l;
            if (!weaker(scores[w], docs[w], score, doc)) break;
            scores[c] = scores[w];
            docs[c] = docs[w];
            c = w;
        }
        scores[c] = score;
        docs[c] = doc;
    }

    /** The kept pairs, best first. */
    List<ScoredDoc> sorted() {
        List<ScoredDoc> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) out.add(new ScoredDoc(docs[i], scores[i]));
        out.sort(null);
        return out;
    }

    /** Whether (a, da) ranks below (b, db): a lower score, or the same score and a higher ordinal. */
    private static boolean weaker(double a, int da, double b, int db) {
        return a < b || (a == b && da > db);
    }
}
