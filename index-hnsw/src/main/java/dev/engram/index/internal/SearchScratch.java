package dev.engram.index.internal;

/**
 * The reusable working memory of one search or insert on one thread: visited set, candidate and
 * result heaps, buffers, and the current query. Held in a thread-local shared by all indexes, so the
 * hot path allocates nothing after warm-up and the memory is bounded by threads × the largest index.
 *
 * <p>Not thread-safe: obtained with {@link #acquire()}, given back with {@link #release()}. A nested
 * acquire on the same thread (a filter predicate that searches) gets a fresh instance.
 */
public final class SearchScratch {
    private static final ThreadLocal<SearchScratch> LOCAL = ThreadLocal.withInitial(SearchScratch::new);

    final VisitedSet visited = new VisitedSet();
    /** Best-first candidates, stored as {@code ~packed} so the min-heap pops the best. */
    final LongHeap candidates = new LongHeap(256);
    /** The best {@code ef} results so far (min-heap: the worst on top). */
    final LongHeap results = new LongHeap(256);
    long[] drained = new long[256];
    int[] ids = new int[64];
    float[] scores = new float[64];
    int[] pruned = new int[64];
    int[] selected = new int[64];
    byte[] codes = new byte[0];
    /** The unvisited neighbours of the node being expanded, and their scores. */
    int[] batchIds = new int[64];
    float[] batchScores = new float[64];
    /** Sum of the words read ahead of scoring ({@link GraphSearcher#searchLayer}); never read. */
    long touched;
    /** A copy of a stored vector (the node being inserted, or a candidate under the heuristic). */
    float[] vector = new float[0];
    float[] candidate = new float[0];

    // the current query
    float[] query;
    boolean approximate;
    float queryScale;
    float queryNorm;

    private boolean inUse;

    public static SearchScratch acquire() {
        SearchScratch s = LOCAL.get();
        if (s.inUse) return new SearchScratch();
        s.inUse = true;
        return s;
    }

    public void release() {
        inUse = false;
        query = null;
    }

    void exactQuery(float[] q) {
        query = q;
        approximate = false;
    }

    float[] vectorBuffer(int dim) {
        if (vector.length != dim) {
            vector = new float[dim];
            candidate = new float[dim];
        }
        return vector;
    }

    long[] drainBuffer(int n) {
        if (drained.length < n) drained = new long[Math.max(n, drained.length * 2)];
        return drained;
    }

    void ensureIds(int n) {
        if (ids.length < n) {
            ids = new int[n];
            scores = new float[n];
            pruned = new int[n];
            selected = new int[n];
        }
    }

    void ensureBatch(int n) {
        if (batchIds.length < n) {
            batchIds = new int[n];
            batchScores = new float[n];
        }
    }

    byte[] codes(int dim) {
        if (codes.length != dim) codes = new byte[dim];
        return codes;
    }
}
