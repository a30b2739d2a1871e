package dev.engram.bench.hnsw;

import io.github.jbellis.jvector.graph.GraphIndexBuilder;
import io.github.jbellis.jvector.graph.GraphSearcher;
import io.github.jbellis.jvector.graph.ImmutableGraphIndex;
import io.github.jbellis.jvector.graph.ListRandomAccessVectorValues;
import io.github.jbellis.jvector.graph.SearchResult;
import io.github.jbellis.jvector.graph.similarity.BuildScoreProvider;
import io.github.jbellis.jvector.graph.similarity.DefaultSearchScoreProvider;
import io.github.jbellis.jvector.util.Bits;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.github.jbellis.jvector.vector.types.VectorTypeSupport;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ForkJoinPool;

/**
 * JVector 4.0.2 in memory, no PQ: {@link GraphIndexBuilder} with exact scores, M = the level-0
 * degree (32), beam width = efConstruction, hierarchy on, JVector's defaults for neighbour
 * overflow (1.2) and alpha (1.2), nodes added one by one on the calling thread in insertion
 * order, then {@code cleanup()}. Search: one {@link GraphSearcher} per thread, topK = k and
 * rerankK = ef (JVector's beam width), filters as {@link Bits} during traversal.
 */
final class JVectorAnn implements AnnIndex {
    private static final VectorTypeSupport VTS = VectorizationProvider.getInstance().getVectorTypeSupport();
    private ListRandomAccessVectorValues ravv;
    private ImmutableGraphIndex graph;
    private GraphIndexBuilder builder;
    private final ThreadLocal<GraphSearcher> searchers = ThreadLocal.withInitial(() -> new GraphSearcher(graph));

    @Override
    public String name() {
        return "jvector";
    }

    @Override
    public void build(float[][] vectors) throws Exception {
        List<VectorFloat<?>> list = new ArrayList<>(vectors.length);
        for (float[] v : vectors) list.add(VTS.createFloatVector(v));
        ravv = new ListRandomAccessVectorValues(list, vectors[0].length);
        BuildScoreProvider bsp = BuildScoreProvider.randomAccessScoreProvider(ravv, VectorSimilarityFunction.DOT_PRODUCT);
        ForkJoinPool one = new ForkJoinPool(1);
        builder = new GraphIndexBuilder(bsp, ravv.dimension(), Params.LEVEL0_DEGREE, Params.EF_CONSTRUCTION,
                1.2f, 1.2f, true, true, one, one);
        for (int i = 0; i < vectors.length; i++) builder.addGraphNode(i, ravv);
        builder.cleanup();
        graph = builder.getGraph();
        one.shutdown();
    }

    @Override
    public int[] search(float[] query, int k, int ef) {
        return run(query, k, ef, Bits.ALL);
    }

    @Override
    public int[] searchFiltered(float[] query, int k, int ef, BitSet accept) {
        return run(query, k, ef, accept::get);
    }

    private int[] run(float[] query, int k, int ef, Bits accept) {
        var ssp = DefaultSearchScoreProvider.exact(VTS.createFloatVector(query), VectorSimilarityFunction.DOT_PRODUCT, ravv);
        SearchResult r = searchers.get().search(ssp, k, Math.max(k, ef), 0f, 0f, accept);
        SearchResult.NodeScore[] nodes = r.getNodes();
        int[] out = new int[nodes.length];
        for (int i = 0; i < out.length; i++) out[i] = nodes[i].node;
        return out;
    }

    @Override
    public String filterMechanism() {
        return "Bits during traversal";
    }

    @Override
    public boolean sharesCallerVectors() {
        return true;
    }

    /** Graph heap bytes as JVector accounts them. */
    long graphRamBytes() {
        return builder.getGraph() instanceof io.github.jbellis.jvector.util.Accountable a ? a.ramBytesUsed() : -1;
    }

    @Override
    public void close() throws Exception {
        if (builder != null) builder.close();
    }
}
