package dev.engram.bench.hnsw;

import java.util.BitSet;

/**
 * One vector index under test, behind the smallest surface the benchmark needs: build from
 * vectors in a given order, search top-k with a search-time beam width, search under an accept
 * filter, and say what memory it can account for. Every implementation scores by dot product on
 * unit vectors and returns base ordinals (insertion positions).
 *
 * <p>{@link #build} is called once, from one thread, and builds single-threaded. After it returns, {@link #search} and
 * {@link #searchFiltered} may be called from several threads at once (each implementation keeps
 * per-thread scratch where its library needs it).
 */
interface AnnIndex extends AutoCloseable {
    /** Short name for tables. */
    String name();

    /** Indexes {@code vectors} in array order, on the calling thread only. */
    void build(float[][] vectors) throws Exception;

    /** Top {@code k} ordinals, best first, searching with beam width {@code ef} (≥ k). */
    int[] search(float[] query, int k, int ef) throws Exception;

    /** Top {@code k} ordinals among those set in {@code accept}. */
    int[] searchFiltered(float[] query, int k, int ef, BitSet accept) throws Exception;

    /** How {@link #searchFiltered} filters, for the table (e.g. "Bits during traversal"). */
    String filterMechanism();

    /** Bytes off the Java heap that the library reports owning (0 if none). */
    default long offHeapBytes() {
        return 0;
    }

    /** True when the index keeps references to the caller's float[] rather than its own copy. */
    boolean sharesCallerVectors();

    /** False for exact scans: no beam width to sweep. */
    default boolean approximate() {
        return true;
    }

    @Override
    default void close() throws Exception {}
}
