package dev.engram.index.internal;

import dev.engram.index.IndexConfig;
import java.lang.foreign.Arena;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One HNSW graph over a {@link GraphStore}: node allocation, the entry point, tombstone counts and
 * insertion (Malkov &amp; Yashunin, "Efficient and robust approximate nearest neighbor search using
 * Hierarchical Navigable Small World graphs", algorithms 1 and 4).
 *
 * <p>Node levels come from a hash of (seed, ordinal) rather than a shared random stream, so the
 * graph depends only on the seed and the insertion order: a single-threaded build is deterministic,
 * and concurrent inserts do not contend on a generator.
 *
 * <p>Thread-safety: {@link #allocate} is serialized by the caller (one add lock); {@link #link} may run
 * on many threads at once and concurrently with searches. Owns its arena: {@link #close()} frees all
 * memory, and must not run while another thread uses the graph (the index's lifecycle lock ensures
 * that).
 */
public final class HnswGraph implements AutoCloseable {
    private static final int MAX_LEVEL = 24;

    public final IndexConfig config;
    public final GraphStore store;
    private final Arena arena;
    private final boolean heuristic;
    private final double levelMultiplier;
    /** {@code level << 32 | node}, or -1 while empty. */
    private volatile long entry;
    private final Object entryLock = new Object();
    private volatile int size;
    private int upperSlots;
    private final AtomicInteger deleted = new AtomicInteger();
    private boolean closed;

    /** A graph over the given store (fresh, or the regions of a mapped file). */
    public HnswGraph(IndexConfig config, Arena arena, GraphStore store, int size, int upperSlots,
                     long entry, int deleted, boolean heuristic) {
        this.config = config;
        this.arena = arena;
        this.store = store;
        this.size = size;
        this.upperSlots = upperSlots;
        this.entry = entry;
        this.deleted.set(deleted);
        this.heuristic = heuristic;
        this.levelMultiplier = 1.0 / Math.log(config.m());
    }

    /** An empty graph in a new shared arena. */
    public static HnswGraph create(IndexConfig config, boolean heuristic) {
        Arena arena = Arena.ofShared();
        return new HnswGraph(config, arena, new GraphStore(config, arena, null, null, null, 0, 0), 0, 0, -1, 0, heuristic);
    }

    public int size() {
        return size;
    }

    public int deletedCount() {
        return deleted.get();
    }

    public int upperSlots() {
        return upperSlots;
    }

    public long entry() {
        return entry;
    }

    public boolean heuristic() {
        return heuristic;
    }

    /** The level of ordinal {@code ord}: geometric with ratio 1/m, from a hash of (seed, ord). */
    public static int levelFor(long seed, int ord, double multiplier) {
        long h = mix(seed ^ (0x9E3779B97F4A7C15L * (ord + 1L)));
        double u = ((h >>> 11) + 1) * 0x1.0p-53; // in (0, 1]
        return Math.min(MAX_LEVEL, (int) (-Math.log(u) * multiplier));
    }

    private static long mix(long z) { // SplitMix64 finalizer
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * Writes a new node and publishes it to exact scans (not yet to the graph). Caller serializes
     * calls. Returns its ordinal.
     */
    public int allocate(float[] vector) {
        int ord = size;
        int level = levelFor(config.seed(), ord, levelMultiplier);
        int slot = level > 0 ? upperSlots : -1;
        store.writeNode(ord, vector, level, slot);
        if (level > 0) upperSlots += level;
        size = ord + 1;
        return ord;
    }

    /** Tombstones {@code ord}; returns false if it already was. */
    public boolean delete(int ord) {
        synchronized (store.lock(ord)) {
            if (store.isDeleted(ord)) return false;
            store.markDeleted(ord);
        }
        deleted.incrementAndGet();
        return true;
    }

    /** Links an allocated node into the graph. Safe to call from several threads for different nodes. */
    public void link(int ord, SearchScratch sc) {
        int level = store.level(ord);
        long ep = entry;
        if (ep == -1) {
            synchronized (entryLock) {
                if (entry == -1) {
                    entry = ((long) level << 32) | ord;
                    return;
                }
                ep = entry;
            }
        }
        int cap = size;
        int maxLevel = (int) (ep >>> 32);
        float[] v = sc.vectorBuffer(store.dim);
        store.readVector(ord, v);
        sc.exactQuery(v);
        int cur = (int) ep;
        float curScore = GraphSearcher.score(store, sc, cur);
        for (int l = maxLevel; l > level; l--) {
            long best = GraphSearcher.greedy(store, sc, cur, curScore, l, cap);
            cur = LongHeap.node(best);
            curScore = LongHeap.score(best);
        }
        int ef = config.efConstruction();
        sc.ensureIds(Math.max(ef, store.m0 + 1));
        for (int l = Math.min(level, maxLevel); l >= 0; l--) {
            sc.visited.reset(cap);
            sc.candidates.clear();
            sc.results.clear();
            GraphSearcher.seed(store, sc, cur, Filter.NONE, false);
            GraphSearcher.searchLayer(store, sc, ef, l, Filter.NONE, false, cap, Integer.MAX_VALUE);
            long[] found = sc.drainBuffer(sc.results.size());
            int n = sc.results.drainDescending(found);
            int[] ids = sc.ids;
            float[] scores = sc.scores;
            int kept = 0;
            for (int i = 0; i < n; i++) {
                int node = LongHeap.node(found[i]);
                if (node == ord) continue;
                ids[kept] = node;
                scores[kept++] = LongHeap.score(found[i]);
            }
            if (kept == 0) continue;
            cur = ids[0];
            int[] selected = sc.selected;
            int chosen = select(ids, scores, kept, config.m(), selected, sc.candidate);
            synchronized (store.lock(ord)) {
                store.setNeighbors(ord, l, selected, chosen);
            }
            // copy: selected is reused by connect's pruning
            int[] targets = java.util.Arrays.copyOf(selected, chosen);
            for (int t : targets) connect(t, ord, l, sc);
        }
        if (level > maxLevel) {
            synchronized (entryLock) {
                if (level > (int) (entry >>> 32)) entry = ((long) level << 32) | ord;
            }
        }
    }

    /**
     * Adds the back link {@code node → ord}. When the list is full, one link goes, chosen in O(degree)
     * distance computations rather than by re-running the heuristic over the whole list (O(degree²),
     * which dominated build time): {@code ord} itself if a better neighbour of {@code node} is closer
     * to it than {@code node} is (it would add no new direction); else the worst neighbour that
     * {@code ord} makes redundant in the same sense; else the worst of all. Lucene's builder prunes
     * the same way. Caller: {@code sc.vector} holds {@code ord}'s vector.
     */
    private void connect(int node, int ord, int level, SearchScratch sc) {
        synchronized (store.lock(node)) {
            if (store.tryAppend(node, level, ord)) return;
            int[] ids = sc.ids;
            float[] toNode = sc.scores;
            float[] toOrd = sc.scores2;
            int n = store.neighbors(node, level, ids);
            float[] base = sc.candidate;
            store.readVector(node, base);
            float ordToNode = store.score(base, ord);
            int worst = -1;
            for (int i = 0; i < n; i++) {
                toNode[i] = store.score(base, ids[i]);
                toOrd[i] = heuristic ? store.score(sc.vector, ids[i]) : 0f;
                if (heuristic && toNode[i] > ordToNode && toOrd[i] > ordToNode) return; // ord is redundant
                if (worst < 0 || toNode[i] < toNode[worst]) worst = i;
            }
            int drop = -1;
            for (int i = 0; heuristic && i < n; i++) {
                boolean redundant = toNode[i] < ordToNode && toOrd[i] > toNode[i];
                if (redundant && (drop < 0 || toNode[i] < toNode[drop])) drop = i;
            }
            if (drop < 0) {
                if (toNode[worst] >= ordToNode) return; // ord is the worst of all
                drop = worst;
            }
            ids[drop] = ord;
            store.setNeighbors(node, level, ids, n);
        }
    }

    /**
     * Picks up to {@code max} neighbours from candidates sorted best first. With the heuristic
     * (the paper's algorithm 4, as hnswlib): a candidate is kept only if it is closer to the base
     * node than to every neighbour already kept, which spreads links over directions and keeps
     * clusters connected. Without it: simply the {@code max} closest.
     */
    int select(int[] ids, float[] scores, int n, int max, int[] out, float[] buf) {
        if (!heuristic || n <= max) {
            int c = Math.min(n, max);
            System.arraycopy(ids, 0, out, 0, c);
            return c;
        }
        int chosen = 0;
        for (int i = 0; i < n && chosen < max; i++) {
            int c = ids[i];
            boolean good = true;
            if (chosen > 0) store.readVector(c, buf);
            for (int j = 0; j < chosen; j++) {
                if (store.score(buf, out[j]) > scores[i]) {
                    good = false;
                    break;
                }
            }
            if (good) out[chosen++] = c;
        }
        return chosen;
    }

    /** Off-heap bytes held. */
    public long bytes() {
        return store.bytes();
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        arena.close();
    }
}
