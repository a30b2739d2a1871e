package dev.engram.bench.hnsw;

/**
 * The graph parameters every library gets, matched at level 0: each node keeps up to
 * {@link #LEVEL0_DEGREE} neighbours on the bottom layer. Conventions differ: Lucene's
 * {@code maxConn} and hnswlib's {@code m} are the upper-layer degree and both double it at
 * level 0; JVector's {@code M} is the bottom-layer degree itself; Engram follows hnswlib.
 */
final class Params {
    static final int M = 16;
    static final int LEVEL0_DEGREE = 2 * M;
    static final int EF_CONSTRUCTION = 100;
    static final long SEED = 42;
    static final int K = 10;

    private Params() {}
}
