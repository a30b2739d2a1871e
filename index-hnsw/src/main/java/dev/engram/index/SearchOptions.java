package dev.engram.index;

import java.util.Objects;
import java.util.function.IntPredicate;
import org.roaringbitmap.RoaringBitmap;

/**
 * Per-search options: candidate-list size, an accept filter and the search strategy.
 *
 * <p>Immutable; every {@code with…} returns a copy. Thread-safe as long as the filter it holds is
 * not modified while a search uses it (a {@link RoaringBitmap} is not copied) and a predicate filter
 * is safe to call from the searching thread.
 */
public final class SearchOptions {
    /** How the index answers a search. */
    public enum Strategy {
        /**
         * Exact scan when the candidate set (live vectors passing the filter) is below the measured
         * crossover or the filter is selective; HNSW otherwise. Never gives fewer than
         * {@code min(k, candidates)} results.
         */
        AUTO,
        /** Always scan every candidate: exact top-k. */
        EXACT,
        /** Always walk the graph (an approximate top-k), even for tiny or very selective sets. */
        HNSW
    }

    private static final SearchOptions DEFAULTS = new SearchOptions(0, null, null, Strategy.AUTO);

    private final int efSearch;
    private final RoaringBitmap bitmap;
    private final IntPredicate predicate;
    private final Strategy strategy;

    private SearchOptions(int efSearch, RoaringBitmap bitmap, IntPredicate predicate, Strategy strategy) {
        this.efSearch = efSearch;
        this.bitmap = bitmap;
        this.predicate = predicate;
        this.strategy = strategy;
    }

    /** The index's efSearch, no filter, {@link Strategy#AUTO}. */
    public static SearchOptions defaults() {
        return DEFAULTS;
    }

    /** Overrides the index's efSearch for this search (≥ 1; the effective value is at least k). */
    public SearchOptions withEfSearch(int ef) {
        if (ef < 1 || ef > IndexConfig.MAX_EF) {
            throw new IllegalArgumentException("efSearch must be in 1.." + IndexConfig.MAX_EF + ", got " + ef);
        }
        return new SearchOptions(ef, bitmap, predicate, strategy);
    }

    /** Only ordinals in the bitmap may be returned (replaces any predicate filter). */
    public SearchOptions withFilter(RoaringBitmap acceptedOrdinals) {
        Objects.requireNonNull(acceptedOrdinals, "acceptedOrdinals");
        return new SearchOptions(efSearch, acceptedOrdinals, null, strategy);
    }

    /** Only ordinals the predicate accepts may be returned (replaces any bitmap filter). */
    public SearchOptions withFilter(IntPredicate accept) {
        Objects.requireNonNull(accept, "accept");
        return new SearchOptions(efSearch, null, accept, strategy);
    }

    public SearchOptions withStrategy(Strategy s) {
        return new SearchOptions(efSearch, bitmap, predicate, Objects.requireNonNull(s, "strategy"));
    }

    /** The efSearch override, or 0 to use the index's. */
    public int efSearch() {
        return efSearch;
    }

    /** The bitmap filter, or null. */
    public RoaringBitmap bitmapFilter() {
        return bitmap;
    }

    /** The predicate filter, or null. */
    public IntPredicate predicateFilter() {
        return predicate;
    }

    public Strategy strategy() {
        return strategy;
    }

    /** Whether any filter is set. */
    public boolean filtered() {
        return bitmap != null || predicate != null;
    }

    @Override
    public String toString() {
        return "SearchOptions[efSearch=" + efSearch + ", filter=" + (bitmap != null ? "bitmap(" + bitmap.getCardinality() + ")"
                : predicate != null ? "predicate" : "none") + ", strategy=" + strategy + "]";
    }
}
