package dev.engram.internal.lexical;

/** A document ordinal and its BM25 score. Ordered by score descending, then ordinal ascending. Immutable; thread-safe. */
public record ScoredDoc(int ordinal, double score) implements Comparable<ScoredDoc> {
    @Override
    public int compareTo(ScoredDoc o) {
        int c = Double.compare(o.score, score);
        return c != 0 ? c : Integer.compare(ordinal, o.ordinal);
    }
}
