package dev.engram.index;

/**
 * How two vectors are compared. Every score is "higher is more similar", so results are always
 * sorted by descending score whatever the similarity.
 *
 * <ul>
 *   <li>{@link #DOT_PRODUCT}: the inner product; meant for unit vectors (most sentence embedders
 *       emit them), where it equals the cosine and is the cheapest to compute.
 *   <li>{@link #COSINE}: the cosine of the angle. The index stores vectors normalized to unit length
 *       (zero vectors are rejected), so the scan runs the dot-product kernel.
 *   <li>{@link #EUCLIDEAN}: the negated squared Euclidean distance, {@code -|a - b|²}.
 * </ul>
 */
public enum Similarity {
    DOT_PRODUCT,
    COSINE,
    EUCLIDEAN
}
