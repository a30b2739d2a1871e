package dev.engram.bench.hnsw;

import dev.engram.index.IndexConfig;
import dev.engram.index.SearchOptions;
import dev.engram.index.SearchOptions.Strategy;
import dev.engram.index.VectorIndex;
import java.util.BitSet;
import org.roaringbitmap.RoaringBitmap;

/**
 * Engram's {@link VectorIndex} ({@code index-hnsw}): m = 16 (32 at level 0), efConstruction 100,
 * dot product, vectors copied off heap, added one by one on the calling thread. Searches force a
 * strategy ({@link Strategy#HNSW} for this row, {@link Strategy#EXACT} for {@link #exact()}) so
 * the table compares like with like; filters are a {@link RoaringBitmap} of accepted ordinals.
 */
final class EngramAnn implements AnnIndex {
    private final Strategy strategy;
    private VectorIndex index;
    private BitSet lastAccept;
    private RoaringBitmap lastBitmap;

    EngramAnn() {
        this(Strategy.HNSW, null);
    }

    private EngramAnn(Strategy strategy, VectorIndex shared) {
        this.strategy = strategy;
        this.index = shared;
    }

    /** The same index searched by exact scan (the same vectors, no second build). */
    AnnIndex exact() {
        return new EngramAnn(Strategy.EXACT, index);
    }

    @Override
    public String name() {
        return strategy == Strategy.EXACT ? "engram-exact" : "engram";
    }

    @Override
    public void build(float[][] vectors) {
        IndexConfig config = IndexConfig.defaults(vectors[0].length)
                .withM(Params.M).withEfConstruction(Params.EF_CONSTRUCTION).withSeed(Params.SEED);
        index = VectorIndex.create(config);
        for (float[] v : vectors) index.add(v);
    }

    @Override
    public int[] search(float[] query, int k, int ef) {
        return index.search(query, k, SearchOptions.defaults().withEfSearch(Math.max(k, ef)).withStrategy(strategy)).ordinals();
    }

    @Override
    public int[] searchFiltered(float[] query, int k, int ef, BitSet accept) {
        SearchOptions o = SearchOptions.defaults().withEfSearch(Math.max(k, ef)).withStrategy(strategy).withFilter(bitmap(accept));
        return index.search(query, k, o).ordinals();
    }

    private synchronized RoaringBitmap bitmap(BitSet accept) {
        if (accept != lastAccept) {
            RoaringBitmap b = new RoaringBitmap();
            accept.stream().forEach(b::add);
            b.runOptimize();
            lastBitmap = b;
            lastAccept = accept;
        }
        return lastBitmap;
    }

    @Override
    public String filterMechanism() {
        return strategy == Strategy.EXACT ? "RoaringBitmap, exact scan of accepted" : "RoaringBitmap during traversal";
    }

    @Override
    public long offHeapBytes() {
        return index.offHeapBytes();
    }

    @Override
    public boolean sharesCallerVectors() {
        return false;
    }

    @Override
    public boolean approximate() {
        return strategy != Strategy.EXACT;
    }

    @Override
    public void close() {
        if (strategy != Strategy.EXACT) index.close();
    }
}
