package dev.engram.internal.retrieval;

import java.time.Instant;
import java.util.Objects;

/**
 * One retrieval request.
 *
 * @param text        the query text (BM25 side; the caller embeds it for the vector side)
 * @param limit       at most this many memories, ≥ 1
 * @param tokenBudget at most this many {@link TokenEstimator prompt tokens} in total, or {@code null} for no budget
 * @param filters     which memories may be returned
 * @param now         the current time: recency decay and expiry are measured against it
 * @param asOf        answer as of this time, or {@code null} for now: the versions that were current
 *                    then (by when they were stored) and valid then ({@code validFrom <= t < validTo})
 * @param mmr         reorder for diversity (maximal marginal relevance) before packing
 */
public record RetrievalQuery(String text, int limit, Integer tokenBudget, Filters filters, Instant now, Instant asOf, boolean mmr) {
    public RetrievalQuery {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(now, "now");
        filters = filters == null ? Filters.none() : filters;
        if (limit < 1) throw new IllegalArgumentException("limit must be >= 1, got " + limit);
        if (tokenBudget != null && tokenBudget < 0) throw new IllegalArgumentException("tokenBudget must be >= 0, got " + tokenBudget);
    }

    /** A query with no budget, no filters, as of now, no MMR. */
    public static RetrievalQuery of(String text, int limit, Instant now) {
        return new RetrievalQuery(text, limit, null, Filters.none(), now, null, false);
    }

    public RetrievalQuery withTokenBudget(Integer v) {
        return new RetrievalQuery(text, limit, v, filters, now, asOf, mmr);
    }

    public RetrievalQuery withFilters(Filters v) {
        return new RetrievalQuery(text, limit, tokenBudget, v, now, asOf, mmr);
    }

    public RetrievalQuery withAsOf(Instant v) {
        return new RetrievalQuery(text, limit, tokenBudget, filters, now, v, mmr);
    }

    public RetrievalQuery withMmr(boolean v) {
        return new RetrievalQuery(text, limit, tokenBudget, filters, now, asOf, v);
    }

    /** The time validity is checked at: {@code asOf}, or {@code now} when it is null. */
    public Instant at() {
        return asOf == null ? now : asOf;
    }
}
