package dev.engram.index;

import java.util.Arrays;

/**
 * The result of one search: ordinals and their scores, best first (highest score first; ties by
 * smaller ordinal). Holds at most {@code k} entries, fewer when fewer live vectors pass the filter.
 *
 * <p>Immutable once returned by the index; the arrays are owned by this record and not shared.
 */
public record SearchResults(int[] ordinals, float[] scores) {
    public SearchResults {
        if (ordinals.length != scores.length) {
            throw new IllegalArgumentException("ordinals and scores differ in length: " + ordinals.length + " vs " + scores.length);
        }
    }

    /** An empty result. */
    public static SearchResults empty() {
        return new SearchResults(new int[0], new float[0]);
    }

    /** The number of hits. */
    public int size() {
        return ordinals.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SearchResults other
                && Arrays.equals(ordinals, other.ordinals)
                && Arrays.equals(scores, other.scores);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(ordinals) + Arrays.hashCode(scores);
    }

    @Override
    public String toString() {
        return "SearchResults" + Arrays.toString(ordinals) + Arrays.toString(scores);
    }
}
