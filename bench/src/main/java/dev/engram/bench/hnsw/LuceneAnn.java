package dev.engram.bench.hnsw;

import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.apache.lucene.codecs.hnsw.FlatVectorScorerUtil;
import org.apache.lucene.codecs.hnsw.FlatVectorsScorer;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopKnnCollector;
import org.apache.lucene.search.knn.KnnSearchStrategy;
import org.apache.lucene.util.FixedBitSet;
import org.apache.lucene.util.hnsw.HnswGraph;
import org.apache.lucene.util.hnsw.HnswGraphBuilder;
import org.apache.lucene.util.hnsw.HnswGraphSearcher;
import org.apache.lucene.util.hnsw.NeighborArray;
import org.apache.lucene.util.hnsw.OnHeapHnswGraph;
import org.apache.lucene.util.hnsw.RandomVectorScorer;

/**
 * Lucene 10.6's HNSW used directly, as its codec does at flush: {@link HnswGraphBuilder} over
 * on-heap float vectors scored by the Lucene99 flat scorer (Panama {@code VectorUtil} when the
 * incubator module is on), searched with {@link HnswGraphSearcher} and a {@link TopKnnCollector}
 * of size ef, keeping the best k. {@code maxConn = M}; Lucene keeps 2·M neighbours at level 0.
 *
 * <p>{@link OnHeapHnswGraph} keeps its neighbour cursor in the graph object, so concurrent
 * searches each get a {@link View}: the same neighbour arrays with a cursor of their own.
 */
final class LuceneAnn implements AnnIndex {
    private final FlatVectorsScorer flat = FlatVectorScorerUtil.getLucene99FlatVectorsScorer();
    private FloatVectorValues values;
    private OnHeapHnswGraph graph;
    private final ThreadLocal<View> views = ThreadLocal.withInitial(() -> new View(graph));
    private BitSet lastAccept;
    private FixedBitSet lastAcceptLucene;

    @Override
    public String name() {
        return "lucene";
    }

    @Override
    public void build(float[][] vectors) throws IOException {
        List<float[]> list = new ArrayList<>(List.of(vectors));
        values = FloatVectorValues.fromFloats(list, vectors[0].length);
        var supplier = flat.getRandomVectorScorerSupplier(VectorSimilarityFunction.DOT_PRODUCT, values);
        HnswGraphBuilder builder = HnswGraphBuilder.create(supplier, Params.M, Params.EF_CONSTRUCTION, Params.SEED);
        graph = builder.build(vectors.length);
    }

    @Override
    public int[] search(float[] query, int k, int ef) throws IOException {
        return run(query, k, ef, null);
    }

    @Override
    public int[] searchFiltered(float[] query, int k, int ef, BitSet accept) throws IOException {
        return run(query, k, ef, luceneBits(accept));
    }

    private int[] run(float[] query, int k, int ef, FixedBitSet accept) throws IOException {
        RandomVectorScorer scorer = flat.getRandomVectorScorer(VectorSimilarityFunction.DOT_PRODUCT, values, query);
        // Filtered searches get the strategy Lucene's own KNN queries use, so that Lucene switches
        // to its ACORN-style filtered searcher when the filter is selective.
        TopKnnCollector collector = accept == null
                ? new TopKnnCollector(Math.max(k, ef), Integer.MAX_VALUE)
                : new TopKnnCollector(Math.max(k, ef), Integer.MAX_VALUE, KnnSearchStrategy.Hnsw.DEFAULT);
        HnswGraphSearcher.search(scorer, collector, views.get(), accept);
        ScoreDoc[] docs = collector.topDocs().scoreDocs;
        int[] out = new int[Math.min(k, docs.length)];
        for (int i = 0; i < out.length; i++) out[i] = docs[i].doc;
        return out;
    }

    private synchronized FixedBitSet luceneBits(BitSet accept) {
        if (accept != lastAccept) {
            FixedBitSet bits = new FixedBitSet(graph.size());
            accept.stream().forEach(bits::set);
            lastAcceptLucene = bits;
            lastAccept = accept;
        }
        return lastAcceptLucene;
    }

    @Override
    public String filterMechanism() {
        return "FixedBitSet acceptOrds, KnnSearchStrategy.Hnsw.DEFAULT (ACORN-style below its threshold)";
    }

    @Override
    public boolean sharesCallerVectors() {
        return true;
    }

    /** Graph heap bytes as Lucene accounts them. */
    long graphRamBytes() {
        return graph.ramBytesUsed();
    }

    /** A read-only view of a built graph with its own neighbour cursor. */
    private static final class View extends HnswGraph {
        private final OnHeapHnswGraph g;
        private int[] nodes;
        private int size;
        private int upto;

        View(OnHeapHnswGraph g) {
            this.g = g;
        }

        @Override
        public void seek(int level, int target) {
            NeighborArray na = g.getNeighbors(level, target);
            nodes = na.nodes();
            size = na.size();
            upto = -1;
        }

        @Override
        public int nextNeighbor() {
            return ++upto < size ? nodes[upto] : org.apache.lucene.search.DocIdSetIterator.NO_MORE_DOCS;
        }

        @Override
        public int neighborCount() {
            return size;
        }

        @Override
        public int size() {
            return g.size();
        }

        @Override
        public int maxNodeId() {
            return g.maxNodeId();
        }

        @Override
        public int numLevels() {
            return g.numLevels();
        }

        @Override
        public int maxConn() {
            return g.maxConn();
        }

        @Override
        public int entryNode() {
            return g.entryNode();
        }

        @Override
        public NodesIterator getNodesOnLevel(int level) {
            return g.getNodesOnLevel(level);
        }
    }
}
