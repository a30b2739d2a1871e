package dev.engram.internal.retrieval;

/** How the vector and BM25 candidate lists become one relevance (docs/retrieval.md). */
public enum Fusion {
    /**
     * Each side's scores min-max normalized to [0, 1] over the candidates, then
     * {@code (wv·vector + wl·lexical) / (wv + wl)} over the sides that were queried.
     */
    WEIGHTED,
    /** Reciprocal rank fusion: {@code Σ w / (k + rank)}, scaled so a first place on every side is 1. */
    RRF
}
