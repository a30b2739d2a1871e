package dev.engram;

/**
 * Why a memory ranked where it did. {@code vector} and {@code lexical} are the normalized
 * similarity scores (0 when that search did not find it), {@code relevance} their fusion, and
 * {@code recency}, {@code importance} and {@code type} the multipliers applied to it; the
 * formula is in docs/retrieval.md. Immutable.
 */
public record ScoreParts(double vector, double lexical, double relevance, double recency, double importance, double type) {}
