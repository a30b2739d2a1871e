package dev.engram.index;

import java.util.Objects;

/**
 * The parameters of a vector index, fixed when it is created and persisted with it.
 *
 * @param dimension      the number of components of every vector, 1..{@value #MAX_DIMENSION}
 * @param similarity     how vectors are compared
 * @param m              the HNSW degree: upper layers keep at most {@code m} links per node, layer 0
 *                       keeps {@code 2·m} (as in the HNSW paper and hnswlib); 2..{@value #MAX_M}
 * @param efConstruction the candidate-list size while inserting (≥ {@code m}, larger = better graph,
 *                       slower build)
 * @param efSearch       the default candidate-list size while searching (≥ 1; the effective value is
 *                       at least {@code k}); can be overridden per search
 * @param seed           the seed of the level assignment; a single-threaded build is deterministic
 *                       for a seed and an insertion order
 * @param quantized      keep an int8 copy of every vector and walk the graph on it, re-ranking the
 *                       whole candidate list (max(efSearch, k) wide) with the float vectors; loses
 *                       much recall on vectors with a dominant dimension, such as the retrieve
 *                       bench's sums of bge-small word embeddings
 *                       (docs/vector-index.md, "Quantization loses recall")
 *
 * <p>Immutable and thread-safe.
 */
public record IndexConfig(int dimension, Similarity similarity, int m, int efConstruction,
                          int efSearch, long seed, boolean quantized) {
    /** The largest supported dimension. */
    public static final int MAX_DIMENSION = 16_384;
    /** The largest supported {@code m}. */
    public static final int MAX_M = 256;
    /** The largest supported {@code efConstruction} and {@code efSearch}. */
    public static final int MAX_EF = 1 << 16;

    /** Measured defaults (docs/vector-index.md): recall@10 ≥ 0.95 on clustered 384-d unit vectors. */
    static final int DEFAULT_M = 16;
    static final int DEFAULT_EF_CONSTRUCTION = 100;
    static final int DEFAULT_EF_SEARCH = 128;
    static final long DEFAULT_SEED = 0x5EED_E9A3_0000_0001L;

    public IndexConfig {
        Objects.requireNonNull(similarity, "similarity");
        if (dimension < 1 || dimension > MAX_DIMENSION) {
            throw new IllegalArgumentException("dimension must be in 1.." + MAX_DIMENSION + ", got " + dimension);
        }
        if (m < 2 || m > MAX_M) throw new IllegalArgumentException("m must be in 2.." + MAX_M + ", got " + m);
        if (efConstruction < m || efConstruction > MAX_EF) {
            throw new IllegalArgumentException("efConstruction must be in m.." + MAX_EF + " (m=" + m + "), got " + efConstruction);
        }
        if (efSearch < 1 || efSearch > MAX_EF) {
            throw new IllegalArgumentException("efSearch must be in 1.." + MAX_EF + ", got " + efSearch);
        }
    }

    /** Dot product over unit vectors with the measured default M, efConstruction and efSearch. */
    public static IndexConfig defaults(int dimension) {
        return new IndexConfig(dimension, Similarity.DOT_PRODUCT, DEFAULT_M, DEFAULT_EF_CONSTRUCTION,
                DEFAULT_EF_SEARCH, DEFAULT_SEED, false);
    }

    /** A copy with another {@code m}; efConstruction is raised to {@code m} if it was smaller. */
    public IndexConfig withM(int m) {
        return new IndexConfig(dimension, similarity, m, Math.max(efConstruction, m), efSearch, seed, quantized);
    }

    public IndexConfig withEfConstruction(int efConstruction) {
        return new IndexConfig(dimension, similarity, m, efConstruction, efSearch, seed, quantized);
    }

    public IndexConfig withEfSearch(int efSearch) {
        return new IndexConfig(dimension, similarity, m, efConstruction, efSearch, seed, quantized);
    }

    public IndexConfig withSeed(long seed) {
        return new IndexConfig(dimension, similarity, m, efConstruction, efSearch, seed, quantized);
    }

    public IndexConfig withQuantized(boolean quantized) {
        return new IndexConfig(dimension, similarity, m, efConstruction, efSearch, seed, quantized);
    }

    public IndexConfig withSimilarity(Similarity similarity) {
        return new IndexConfig(dimension, similarity, m, efConstruction, efSearch, seed, quantized);
    }
}
