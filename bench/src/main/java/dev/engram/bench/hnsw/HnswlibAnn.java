package dev.engram.bench.hnsw;

import com.github.jelmerk.hnswlib.core.DistanceFunctions;
import com.github.jelmerk.hnswlib.core.Item;
import com.github.jelmerk.hnswlib.core.SearchResult;
import com.github.jelmerk.hnswlib.core.hnsw.HnswIndex;
import java.util.BitSet;
import java.util.List;

/**
 * hnswlib-java 1.2.1 ({@code hnswlib-core}): {@code m} = 16 (2·m = 32 at level 0),
 * efConstruction 100, inner-product distance ({@code 1 - dot}), items added one by one in
 * insertion order. Its stock distance is a scalar loop: hnswlib-core has no Vector API kernel
 * (that lives in a separate artifact, not in the pinned dependency set). Version 1.2.1 has no
 * filter in {@code findNearest}, so filtered search over-fetches and post-filters.
 *
 * <p>ef is a property of the index ({@code setEf}); every search in one measurement uses the
 * same ef, so it is set only when it changes.
 */
final class HnswlibAnn implements AnnIndex {
    record Vec(Integer id, float[] vector) implements Item<Integer, float[]> {
        @Override
        public int dimensions() {
            return vector.length;
        }
    }

    private HnswIndex<Integer, float[], Vec, Float> index;

    @Override
    public String name() {
        return "hnswlib";
    }

    @Override
    public void build(float[][] vectors) {
        index = HnswIndex.newBuilder(vectors[0].length, DistanceFunctions.FLOAT_INNER_PRODUCT, vectors.length)
                .withM(Params.M).withEfConstruction(Params.EF_CONSTRUCTION).withEf(Params.EF_CONSTRUCTION).build();
        for (int i = 0; i < vectors.length; i++) index.add(new Vec(i, vectors[i]));
    }

    @Override
    public int[] search(float[] query, int k, int ef) {
        setEf(Math.max(k, ef));
        return ids(index.findNearest(query, k), k, null);
    }

    @Override
    public int[] searchFiltered(float[] query, int k, int ef, BitSet accept) {
        double selectivity = Math.max(1e-3, (double) accept.cardinality() / index.size());
        int want = (int) Math.ceil(2 * k / selectivity);
        setEf(Math.max(ef, want));
        return ids(index.findNearest(query, want), k, accept);
    }

    private void setEf(int ef) {
        if (index.getEf() != ef) index.setEf(ef);
    }

    private static int[] ids(List<SearchResult<Vec, Float>> results, int k, BitSet accept) {
        int[] out = new int[k];
        int n = 0;
        for (SearchResult<Vec, Float> r : results) {
            int id = r.item().id();
            if (accept == null || accept.get(id)) out[n++] = id;
            if (n == k) break;
        }
        return n == k ? out : java.util.Arrays.copyOf(out, n);
    }

    @Override
    public String filterMechanism() {
        return "post-filter of top 2k/selectivity (no filter API in 1.2.1)";
    }

    @Override
    public boolean sharesCallerVectors() {
        return true;
    }
}
