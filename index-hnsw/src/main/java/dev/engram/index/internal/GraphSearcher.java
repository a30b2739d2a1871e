package dev.engram.index.internal;

import dev.engram.index.SearchResults;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.roaringbitmap.IntIterator;

/**
 * The search algorithms over a {@link HnswGraph}: greedy descent through the upper layers, the
 * best-first beam search of one layer (the paper's algorithm 2), the HNSW query with optional int8
 * traversal and float re-ranking, and the exact scan.
 *
 * <p>Stateless; all working memory is in the caller's {@link SearchScratch}. Safe to run on many
 * threads at once and concurrently with inserts: a search sees the nodes published when it started
 * ({@code cap}), skips ids at or above it, and reads each list lock-free (see {@link GraphStore}).
 */
public final class GraphSearcher {
    /**
     * Whether the beam search reads ahead: when it expands a node it collects the unvisited
     * neighbours, loads from each one's record before scoring any of them — the first word of a
     * float record (the rest streams in behind the first line), every cache line of an int8 one
     * (7 lines, the scoring then finds them in L1) — and only then scores them. The loads do not
     * depend on each other, so the core has the whole hop's misses in flight at once instead of one
     * neighbour's at a time. Java has no prefetch instruction; this is the substitute. Measured at
     * 100k × 384-d: ≈ 25 % less CPU per float search, 1.2–1.6× on the int8 walk
     * (docs/vector-index.md). {@code -Dengram.index.noPrefetch=true} turns it off, for measurements.
     */
    static final boolean PREFETCH = !Boolean.getBoolean("engram.index.noPrefetch");

    /** Sum of the words {@link #scoreAll} read ahead; never read (a racy plain write is fine). */
    @SuppressWarnings("unused")
    private static int touched;

    private GraphSearcher() {}

    static float score(GraphStore g, SearchScratch sc, int node) {
        return sc.approximate
                ? g.approxScore(sc.codes, sc.queryScale, sc.queryNorm, node)
                : g.score(sc.query, node);
    }

    /**
     * Reads ahead the records of {@code nodes[0..n)} about to be scored ({@link #PREFETCH}): every
     * line of an int8 record, the first word of a float one. Returns the sum of what it read: the
     * caller stores it once per search ({@code sc.touched}), and a value that is stored cannot be
     * dropped by the compiler, so the loads stay.
     */
    private static long readAhead(GraphStore g, SearchScratch sc, int[] nodes, int n) {
        long sum = 0;
        if (!PREFETCH) return sum;
        if (sc.approximate) {
            for (int j = 0; j < n; j++) sum += g.touchCodes(nodes[j]);
        } else {
            for (int j = 0; j < n; j++) sum += g.firstWord(nodes[j]);
        }
        return sum;
    }

    /** Greedy walk on one upper layer from {@code cur}; returns the packed best (score, node). */
    static long greedy(GraphStore g, SearchScratch sc, int cur, float curScore, int level, int cap) {
        sc.ensureBatch(g.m);
        int[] batch = sc.batchIds;
        long sink = 0;
        boolean changed = true;
        while (changed) {
            changed = false;
            MemorySegment s = g.listSegment(cur, level);
            long o = g.listOffset(cur, level);
            int n = Math.min(GraphStore.count(s, o), g.m);
            int nb = 0;
            for (int i = 0; i < n; i++) {
                int id = GraphStore.neighbor(s, o, i);
                if (id < cap) batch[nb++] = id;
            }
            sink += readAhead(g, sc, batch, nb);
            for (int j = 0; j < nb; j++) {
                float sc2 = score(g, sc, batch[j]);
                if (sc2 > curScore) {
                    curScore = sc2;
                    cur = batch[j];
                    changed = true;
                }
            }
        }
        sc.touched = sink;
        return LongHeap.pack(curScore, cur);
    }

    /** Puts an entry node into the candidate (and, if acceptable, result) heap. */
    static void seed(GraphStore g, SearchScratch sc, int node, Filter filter, boolean liveOnly) {
        sc.visited.visit(node);
        long p = LongHeap.pack(score(g, sc, node), node);
        sc.candidates.push(~p);
        if ((!liveOnly || !g.isDeleted(node)) && filter.accepts(node)) sc.results.push(p);
    }

    /**
     * Best-first search of one layer from the seeded heaps, keeping the best {@code ef} acceptable
     * nodes in {@code sc.results}. Nodes that are not acceptable (filtered out, or tombstoned when
     * {@code liveOnly}) are still walked through, so filters and deletes do not cut the graph.
     * Returns false if more than {@code visitLimit} nodes were scored (the caller then prefers an
     * exact scan).
     */
    static boolean searchLayer(GraphStore g, SearchScratch sc, int ef, int level, Filter filter,
                               boolean liveOnly, int cap, int visitLimit) {
        LongHeap candidates = sc.candidates;
        LongHeap results = sc.results;
        VisitedSet visited = sc.visited;
        boolean restricts = filter.restricts();
        int scored = 0;
        int degree = g.maxDegree(level);
        sc.ensureBatch(degree);
        int[] batch = sc.batchIds;
        float[] batchScores = sc.batchScores;
        long sink = 0;
        float worst = results.size() >= ef ? LongHeap.score(results.peek()) : Float.NEGATIVE_INFINITY;
        while (!candidates.isEmpty()) {
            long c = ~candidates.pop();
            if (LongHeap.score(c) < worst) break; // worst is finite only once results hold ef
            int node = LongHeap.node(c);
            MemorySegment s = g.listSegment(node, level);
            long o = g.listOffset(node, level);
            int n = Math.min(GraphStore.count(s, o), degree);
            int nb = 0;
            for (int i = 0; i < n; i++) {
                int id = GraphStore.neighbor(s, o, i);
                if (id >= cap || !visited.visit(id)) continue;
                batch[nb++] = id;
            }
            if ((scored += nb) > visitLimit) return false;
            sink += readAhead(g, sc, batch, nb);
            for (int j = 0; j < nb; j++) batchScores[j] = score(g, sc, batch[j]);
            for (int j = 0; j < nb; j++) {
                float score = batchScores[j];
                int id = batch[j];
                if (score > worst || results.size() < ef) {
                    long p = LongHeap.pack(score, id);
                    candidates.push(~p);
                    if ((!liveOnly || !g.isDeleted(id)) && (!restricts || filter.accepts(id))) {
                        results.offer(p, ef);
                        if (results.size() >= ef) worst = LongHeap.score(results.peek());
                    }
                }
            }
        }
        sc.touched = sink;
        return true;
    }

    /**
     * The approximate top-k by HNSW, or null when the walk scored more than {@code visitLimit}
     * nodes. {@code query} is validated (and normalized for cosine) by the caller.
     */
    public static SearchResults hnsw(HnswGraph graph, float[] query, int k, int ef, Filter filter, int visitLimit,
                                     SearchScratch sc) {
        GraphStore g = graph.store;
        long ep = graph.entry();
        if (ep == -1) return SearchResults.empty();
        int cap = graph.size();
        int width = Math.max(ef, k);
        if (g.quantized) {
            byte[] codes = sc.codes(g.dim);
            float scale = Quantizer.scale(query);
            Quantizer.encode(query, scale, codes);
            sc.approximate = true;
            sc.queryScale = scale;
            sc.queryNorm = Quantizer.squaredNorm(query);
        } else {
            sc.exactQuery(query);
        }
        int cur = (int) ep;
        float curScore = score(g, sc, cur);
        for (int l = (int) (ep >>> 32); l > 0; l--) {
            long best = greedy(g, sc, cur, curScore, l, cap);
            cur = LongHeap.node(best);
            curScore = LongHeap.score(best);
        }
        sc.visited.reset(cap);
        sc.candidates.clear();
        sc.results.clear();
        boolean liveOnly = graph.deletedCount() > 0; // spares reading the flags of every result otherwise
        seed(g, sc, cur, filter, liveOnly);
        if (!searchLayer(g, sc, width, 0, filter, liveOnly, cap, visitLimit)) return null;
        long[] found = sc.drainBuffer(sc.results.size());
        int n = sc.results.drainDescending(found);
        if (g.quantized) { // re-rank the whole beam (not just its int8 top k) on the float vectors
            sc.exactQuery(query);
            for (int i = 0; i < n; i++) {
                int node = LongHeap.node(found[i]);
                found[i] = LongHeap.pack(g.score(query, node), node);
            }
            Arrays.sort(found, 0, n);
            reverse(found, n);
        }
        return toResults(found, Math.min(n, k));
    }

    /**
     * Exact scores of {@code query} (validated by the caller) against {@code nodes[0..n)}, all below
     * the graph's size; {@link Float#NaN} for a deleted node. First words read ahead, as in
     * {@link #searchLayer}.
     */
    public static void scoreAll(HnswGraph graph, float[] query, int[] nodes, int n, float[] out) {
        GraphStore g = graph.store;
        int sink = 0;
        if (PREFETCH) for (int i = 0; i < n; i++) sink += g.firstVectorWord(nodes[i]);
        for (int i = 0; i < n; i++) out[i] = g.isDeleted(nodes[i]) ? Float.NaN : g.score(query, nodes[i]);
        touched = sink; // keeps the loads above: their value is stored, so they cannot be dropped
    }

    /** The exact top-k over live nodes {@code 0..cap-1} accepted by the filter. */
    public static SearchResults exact(HnswGraph graph, float[] query, int k, Filter filter, SearchScratch sc) {
        GraphStore g = graph.store;
        int cap = graph.size();
        boolean anyDeleted = graph.deletedCount() > 0;
        LongHeap top = sc.results;
        top.clear();
        if (filter.bitmap() != null) {
            IntIterator it = filter.bitmap().getIntIterator();
            while (it.hasNext()) {
                int node = it.next();
                if (node < 0 || node >= cap) break; // bitmap iterates in unsigned order
                if (!anyDeleted || !g.isDeleted(node)) top.offer(LongHeap.pack(g.score(query, node), node), k);
            }
        } else {
            boolean restricts = filter.restricts();
            for (int node = 0; node < cap; node++) {
                if (anyDeleted && g.isDeleted(node) || restricts && !filter.accepts(node)) continue;
                top.offer(LongHeap.pack(g.score(query, node), node), k);
            }
        }
        long[] found = sc.drainBuffer(top.size());
        int n = top.drainDescending(found);
        return toResults(found, n);
    }

    private static void reverse(long[] a, int n) {
        for (int i = 0, j = n - 1; i < j; i++, j--) {
            long t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private static SearchResults toResults(long[] packed, int n) {
        int[] ords = new int[n];
        float[] scores = new float[n];
        for (int i = 0; i < n; i++) {
            ords[i] = LongHeap.node(packed[i]);
            scores[i] = LongHeap.score(packed[i]);
        }
        return new SearchResults(ords, scores);
    }
}
