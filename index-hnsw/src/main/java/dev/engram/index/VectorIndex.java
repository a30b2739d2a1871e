package dev.engram.index;

import dev.engram.index.internal.Filter;
import dev.engram.index.internal.GraphSearcher;
import dev.engram.index.internal.HnswGraph;
import dev.engram.index.internal.IndexFile;
import dev.engram.index.internal.SearchScratch;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.roaringbitmap.RoaringBitmap;

/**
 * An off-heap vector index: HNSW for large candidate sets, an exact SIMD scan for small ones and for
 * selective filters, tombstone deletes with a rebuild path, optional int8 quantization, and a file
 * format that opens by memory-mapping. Vectors are addressed by dense ordinals 0, 1, 2, … handed out
 * by {@link #add}; an ordinal is never reused.
 *
 * <p><b>Thread-safety:</b> every method is thread-safe. {@link #add}, {@link #delete} and
 * {@link #search} run concurrently with each other (a search sees at least every vector whose
 * {@code add} returned before the search started). {@link #save}, {@link #rebuild} and
 * {@link #close} exclude adds and deletes while they run; searches continue during {@code save}
 * and during most of a {@code rebuild}. {@code close()} waits for running calls, is idempotent, and
 * any later call throws {@link IndexClosedException}.
 */
public final class VectorIndex implements AutoCloseable {
    /**
     * Candidate sets up to this many live vectors are scanned exactly under {@link SearchOptions.Strategy#AUTO}:
     * below it the exact SIMD scan is as fast as the graph walk at default parameters (measured, see
     * docs/vector-index.md).
     */
    public static final int EXACT_CROSSOVER = 2_500;
    /** Deleted fraction past which {@link #rebuildIfNeeded()} rebuilds the graph. */
    public static final double REBUILD_THRESHOLD = 0.25;
    private static final int PREDICATE_SAMPLES = 512;

    private final IndexConfig config;
    private volatile HnswGraph graph;
    /** Searches share it; close and the graph swap of a rebuild take it exclusively. */
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    /** Adds and deletes share it; save, rebuild and close take it exclusively (always before lifecycle). */
    private final ReentrantReadWriteLock mutation = new ReentrantReadWriteLock();
    private final Object addLock = new Object();
    private volatile boolean closed;

    private VectorIndex(IndexConfig config, HnswGraph graph) {
        this.config = config;
        this.graph = graph;
    }

    /** A new, empty index. */
    public static VectorIndex create(IndexConfig config) {
        Objects.requireNonNull(config, "config");
        return new VectorIndex(config, HnswGraph.create(config, true));
    }

    /** Same as {@link #create} with the neighbour-selection heuristic switched off (for measurements). */
    static VectorIndex createWithoutHeuristic(IndexConfig config) {
        return new VectorIndex(config, HnswGraph.create(config, false));
    }

    /**
     * Opens an index saved by {@link #save}: maps the file (copy-on-write, so later adds and deletes
     * change memory, never the file) and verifies its checksums; nothing is rebuilt.
     *
     * @throws CorruptIndexException when the file is truncated, damaged or not an index file
     */
    public static VectorIndex open(Path file) throws IOException {
        HnswGraph g = IndexFile.read(file);
        return new VectorIndex(g.config, g);
    }

    /**
     * Opens an index from the bytes of a file written by {@link #save} (or {@link #toBytes}) held in
     * memory — e.g. decrypted: the bytes are verified and copied off-heap (64-byte aligned); nothing
     * is mapped and nothing is rebuilt. {@code name} names the source in error messages.
     *
     * @throws CorruptIndexException when the bytes are truncated, damaged or not an index
     */
    public static VectorIndex open(java.lang.foreign.MemorySegment bytes, String name) throws IOException {
        HnswGraph g = IndexFile.read(bytes, name);
        return new VectorIndex(g.config, g);
    }

    /**
     * Adds a vector and returns its ordinal. The vector is copied (normalized first under
     * {@link Similarity#COSINE}).
     *
     * @throws InvalidVectorException on a wrong dimension, NaN or infinite components, or a zero
     *                                vector under cosine
     */
    public int add(float[] vector) {
        float[] v = checkVector(vector, "vector");
        mutation.readLock().lock();
        try {
            ensureOpen();
            HnswGraph g = graph;
            int ord;
            synchronized (addLock) {
                ord = g.allocate(v);
            }
            SearchScratch sc = SearchScratch.acquire();
            try {
                g.link(ord, sc);
            } finally {
                sc.release();
            }
            return ord;
        } finally {
            mutation.readLock().unlock();
        }
    }

    /**
     * Deletes (tombstones) a vector: no later search returns it. Deleting twice is harmless.
     *
     * @throws UnknownOrdinalException if {@code ordinal} was never returned by {@link #add}
     */
    public void delete(int ordinal) {
        mutation.readLock().lock();
        try {
            ensureOpen();
            HnswGraph g = graph;
            int size = g.size();
            if (ordinal < 0 || ordinal >= size) throw new UnknownOrdinalException(ordinal, size);
            g.delete(ordinal);
        } finally {
            mutation.readLock().unlock();
        }
    }

    /** Whether {@code ordinal} was added and not deleted. */
    public boolean isLive(int ordinal) {
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            HnswGraph g = graph;
            int size = g.size();
            if (ordinal < 0 || ordinal >= size) throw new UnknownOrdinalException(ordinal, size);
            return !g.store.isDeleted(ordinal);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /**
     * A copy of the stored vector of a live ordinal (as added; normalized under
     * {@link Similarity#COSINE}), or {@code null} if it was deleted: a deleted vector's bytes may
     * already be wiped.
     *
     * @throws UnknownOrdinalException if {@code ordinal} was never returned by {@link #add}
     */
    public float[] vector(int ordinal) {
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            HnswGraph g = graph;
            int size = g.size();
            if (ordinal < 0 || ordinal >= size) throw new UnknownOrdinalException(ordinal, size);
            if (g.store.isDeleted(ordinal)) return null;
            float[] out = new float[config.dimension()];
            g.store.readVector(ordinal, out);
            return out;
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /**
     * The exact similarity of {@code query} to each of {@code ordinals[0..n)}, written to
     * {@code out[0..n)}: the score a search would give that ordinal, or {@link Float#NaN} for a
     * deleted one. Scores the batch with its records' first cache lines loaded ahead, so it is
     * cheaper than copying the vectors out one by one ({@link #vector}).
     *
     * @throws UnknownOrdinalException  if an ordinal was never returned by {@link #add}
     * @throws InvalidVectorException   on a malformed query
     * @throws IllegalArgumentException if {@code n} exceeds either array
     */
    public void scores(float[] query, int[] ordinals, int n, float[] out) {
        Objects.requireNonNull(ordinals, "ordinals");
        Objects.requireNonNull(out, "out");
        if (n < 0 || n > ordinals.length || n > out.length) {
            throw new IllegalArgumentException("n must be in 0.." + Math.min(ordinals.length, out.length) + ", got " + n);
        }
        float[] q = checkVector(query, "query");
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            HnswGraph g = graph;
            int size = g.size();
            for (int i = 0; i < n; i++) {
                if (ordinals[i] < 0 || ordinals[i] >= size) throw new UnknownOrdinalException(ordinals[i], size);
            }
            GraphSearcher.scoreAll(g, q, ordinals, n, out);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** The top {@code k} live vectors by similarity, with default options. */
    public SearchResults search(float[] query, int k) {
        return search(query, k, SearchOptions.defaults());
    }

    /**
     * The top {@code k} live vectors accepted by the options' filter, best first.
     *
     * @throws IllegalArgumentException if {@code k < 1}
     * @throws InvalidVectorException   on a malformed query
     */
    public SearchResults search(float[] query, int k, SearchOptions options) {
        Objects.requireNonNull(options, "options");
        if (k < 1) throw new IllegalArgumentException("k must be at least 1, got " + k);
        float[] q = checkVector(query, "query");
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            HnswGraph g = graph;
            Filter filter = new Filter(options.bitmapFilter(), options.predicateFilter());
            int ef = options.efSearch() > 0 ? options.efSearch() : config.efSearch();
            SearchScratch sc = SearchScratch.acquire();
            try {
                return switch (options.strategy()) {
                    case EXACT -> GraphSearcher.exact(g, q, k, filter, sc);
                    case HNSW -> GraphSearcher.hnsw(g, q, k, ef, filter, Integer.MAX_VALUE, sc);
                    case AUTO -> auto(g, q, k, ef, filter, sc);
                };
            } finally {
                sc.release();
            }
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /**
     * Exact when the candidates are few; otherwise HNSW, bounded to score no more nodes than an
     * exact scan of the candidates would, and falling back to exact when the walk hits that bound
     * or finds fewer than k acceptable nodes.
     */
    private static SearchResults auto(HnswGraph g, float[] q, int k, int ef, Filter filter, SearchScratch sc) {
        int size = g.size();
        int live = size - g.deletedCount();
        long candidates = estimateCandidates(filter, size, live);
        if (candidates <= EXACT_CROSSOVER) return GraphSearcher.exact(g, q, k, filter, sc);
        int limit = filter.restricts() || g.deletedCount() > 0
                ? (int) Math.max(candidates, EXACT_CROSSOVER) : Integer.MAX_VALUE;
        SearchResults r = GraphSearcher.hnsw(g, q, k, ef, filter, limit, sc);
        if (r == null || r.size() < Math.min(k, candidates)) return GraphSearcher.exact(g, q, k, filter, sc);
        return r;
    }

    private static long estimateCandidates(Filter filter, int size, int live) {
        RoaringBitmap bitmap = filter.bitmap();
        if (bitmap != null) return Math.min(live, bitmap.rangeCardinality(0, size));
        if (!filter.restricts() || size <= EXACT_CROSSOVER) return live;
        int step = Math.max(1, size / PREDICATE_SAMPLES);
        int sampled = 0, hits = 0;
        for (int ord = step / 2; ord < size; ord += step) {
            sampled++;
            if (filter.accepts(ord)) hits++;
        }
        return Math.min(live, (long) Math.ceil((double) hits * size / sampled));
    }

    /** Vectors ever added (the next ordinal). */
    public int size() {
        return graph.size();
    }

    /** Vectors added and not deleted. */
    public int liveCount() {
        HnswGraph g = graph;
        return g.size() - g.deletedCount();
    }

    /** Bytes of off-heap memory (allocated chunks and mapped regions) held by the index. */
    public long offHeapBytes() {
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            return graph.bytes();
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    public IndexConfig config() {
        return config;
    }

    /**
     * Writes the index to {@code file} atomically: a temporary file in the same directory, fsync,
     * rename over {@code file}, fsync of the directory. Adds and deletes wait while it runs.
     */
    public void save(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        mutation.writeLock().lock();
        try {
            ensureOpen();
            IndexFile.write(graph, file);
        } finally {
            mutation.writeLock().unlock();
        }
    }

    /** The bytes {@link #save} would write, in memory (callers that encrypt them). Adds and deletes wait meanwhile. */
    public byte[] toBytes() throws IOException {
        mutation.writeLock().lock();
        try {
            ensureOpen();
            return IndexFile.toBytes(graph);
        } finally {
            mutation.writeLock().unlock();
        }
    }

    /** The deleted share of all vectors ever added. */
    public double deletedFraction() {
        HnswGraph g = graph;
        int size = g.size();
        return size == 0 ? 0 : (double) g.deletedCount() / size;
    }

    /** Rebuilds when more than {@link #REBUILD_THRESHOLD} of the vectors are deleted; returns whether it did. */
    public boolean rebuildIfNeeded() {
        if (deletedFraction() <= REBUILD_THRESHOLD) return false;
        rebuild();
        return true;
    }

    /**
     * Rebuilds the graph over the live vectors, keeping every ordinal: tombstoned nodes are
     * unlinked and their vectors zeroed, so searches stop walking through them and their bytes are
     * gone from memory. Adds and deletes wait; searches continue on the old graph until the swap.
     */
    public void rebuild() {
        mutation.writeLock().lock();
        try {
            ensureOpen();
            HnswGraph old = graph;
            HnswGraph fresh = HnswGraph.create(config, old.heuristic());
            try {
                copyLive(old, fresh);
            } catch (RuntimeException | Error e) {
                fresh.close();
                throw e;
            }
            lifecycle.writeLock().lock();
            try {
                graph = fresh;
            } finally {
                lifecycle.writeLock().unlock();
            }
            old.close();
        } finally {
            mutation.writeLock().unlock();
        }
    }

    private void copyLive(HnswGraph from, HnswGraph to) {
        float[] buf = new float[config.dimension()];
        int size = from.size();
        for (int ord = 0; ord < size; ord++) {
            from.store.readVector(ord, buf);
            to.allocate(buf);
            if (from.store.isDeleted(ord)) {
                to.delete(ord);
                to.store.wipeVector(ord);
            }
        }
        SearchScratch sc = SearchScratch.acquire();
        try {
            for (int ord = 0; ord < size; ord++) {
                if (!to.store.isDeleted(ord)) to.link(ord, sc);
            }
        } finally {
            sc.release();
        }
    }

    /** Frees all off-heap memory and unmaps the file. Waits for running calls; idempotent. */
    @Override
    public void close() {
        mutation.writeLock().lock();
        try {
            lifecycle.writeLock().lock();
            try {
                if (closed) return;
                closed = true;
                graph.close();
            } finally {
                lifecycle.writeLock().unlock();
            }
        } finally {
            mutation.writeLock().unlock();
        }
    }

    private void ensureOpen() {
        if (closed) throw new IndexClosedException();
    }

    /** Validates a vector; returns it, or a normalized copy under cosine. */
    private float[] checkVector(float[] v, String what) {
        Objects.requireNonNull(v, what);
        if (v.length != config.dimension()) {
            throw new InvalidVectorException(what + " has dimension " + v.length + ", the index expects " + config.dimension());
        }
        double norm = 0;
        for (int i = 0; i < v.length; i++) {
            float x = v[i];
            if (!Float.isFinite(x)) throw new InvalidVectorException(what + "[" + i + "] is " + x + " (must be finite)");
            norm += (double) x * x;
        }
        if (config.similarity() != Similarity.COSINE) return v;
        if (norm == 0) throw new InvalidVectorException(what + " is the zero vector, which has no cosine");
        float inv = (float) (1 / Math.sqrt(norm));
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) out[i] = v[i] * inv;
        return out;
    }
}
