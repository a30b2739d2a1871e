package dev.engram.internal.lexical;

/**
 * Okapi BM25 with the classic parameters k1 = 1.2, b = 0.75 and Lucene's non-negative idf:
 * <pre>
 * idf(t)      = ln(1 + (N - n(t) + 0.5) / (n(t) + 0.5))
 * score(d, t) = idf(t) * tf * (k1 + 1) / (tf + k1 * (1 - b + b * |d| / avgdl))
 * score(d, q) = sum over distinct query terms t of qtf(t) * score(d, t)
 * </pre>
 * where N is the number of live documents, n(t) how many contain t, tf the count of t in d,
 * |d| the number of terms of d after analysis, avgdl the mean |d| and qtf(t) the count of t in
 * the query. Unlike Lucene, document lengths are exact (Lucene stores them in one lossy byte).
 * Stateless; thread-safe.
 */
public final class Bm25 {
    public static final double K1 = 1.2;
    public static final double B = 0.75;

    private Bm25() {}

    public static double idf(long docCount, long docFreq) {
        return Math.log(1 + (docCount - docFreq + 0.5) / (docFreq + 0.5));
    }

    public static double termScore(double idf, int tf, int docLength, double avgDocLength) {
        double norm = K1 * (1 - B + B * docLength / avgDocLength);
        return idf * tf * (K1 + 1) / (tf + norm);
    }
}
