package dev.engram.index;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.testkit.Seeded;
import dev.engram.testkit.TestRandom;
import org.junit.jupiter.api.Test;

@Seeded
class RecallTest {
    static final int N = 4000, DIM = 96, QUERIES = 100, K = 10;

    static double recall(VectorIndex index, float[][] data, float[][] queries, SearchOptions opts) {
        double sum = 0;
        for (float[] q : queries) {
            int[] truth = Vectors.bruteForce(index.config().similarity(), data, q, K, i -> true);
            sum += Vectors.recall(index.search(q, K, opts).ordinals(), truth);
        }
        return sum / queries.length;
    }

    @Test
    void defaultParametersReach95AndHigherEfReaches99(TestRandom random) {
        float[][] data = Vectors.clustered(random, N, DIM, 40, 0.6f);
        float[][] queries = Vectors.clustered(random.fork(), QUERIES, DIM, 40, 0.6f);
        try (VectorIndex index = VectorIndex.create(IndexConfig.defaults(DIM))) {
            for (float[] v : data) index.add(v);
            SearchOptions hnsw = SearchOptions.defaults().withStrategy(SearchOptions.Strategy.HNSW);
            double r = recall(index, data, queries, hnsw);
            double r2 = recall(index, data, queries, hnsw.withEfSearch(256));
            System.out.printf("recall@10 default=%.4f ef256=%.4f%n", r, r2);
            assertTrue(r >= 0.95, "recall at defaults " + r);
            assertTrue(r2 >= 0.99, "recall at ef=256 " + r2);
        }
    }
}
