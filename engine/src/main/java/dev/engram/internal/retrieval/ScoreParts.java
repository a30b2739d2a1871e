package dev.engram.internal.retrieval;

/**
 * Why a memory scored what it did (docs/retrieval.md has the formula). {@code score = type ×
 * (relevance + recencyWeight × recency + importanceWeight × importance)}.
 *
 * @param vector     the vector side after normalization to [0, 1] over the candidates (0: not a vector candidate)
 * @param lexical    the BM25 side after normalization to [0, 1] over the candidates (0: no query term matched)
 * @param relevance  the fused relevance in [0, 1]
 * @param recency    the recency decay in (0, 1]: 0.5^(age / half-life), age from eventTime (else updatedAt) to now
 * @param importance the memory's importance in [0, 1]
 * @param type       the weight of the memory's type
 */
public record ScoreParts(double vector, double lexical, double relevance, double recency, double importance, double type) {}
