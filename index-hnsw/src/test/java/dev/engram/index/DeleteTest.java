package dev.engram.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.testkit.Seeded;
import dev.engram.testkit.TestRandom;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** Tombstones never come back; randomized interleavings agree with a brute-force model; rebuild. */
@Seeded
class DeleteTest {
    static final int DIM = 32;

    @Test
    void vectorReturnsACopyOfALiveVectorAndNullForADeletedOne(TestRandom random) {
        float[][] data = Vectors.clustered(random, 50, DIM, 4, 0.5f);
        try (VectorIndex index = RecallTest.build(IndexConfig.defaults(DIM), data)) {
            float[] v = index.vector(7);
            org.junit.jupiter.api.Assertions.assertArrayEquals(data[7], v);
            v[0] += 1;
            org.junit.jupiter.api.Assertions.assertArrayEquals(data[7], index.vector(7), "a copy");
            index.delete(7);
            org.junit.jupiter.api.Assertions.assertNull(index.vector(7));
            org.junit.jupiter.api.Assertions.assertThrows(UnknownOrdinalException.class, () -> index.vector(50));
        }
    }

    @Test
    void aDeletedVectorNeverComesBack(TestRandom random) {
        float[][] data = Vectors.clustered(random, 3000, DIM, 20, 0.5f);
        try (VectorIndex index = RecallTest.build(IndexConfig.defaults(DIM), data)) {
            BitSet deleted = new BitSet();
            for (int i = 0; i < 3000; i += 3) {
                index.delete(i);
                deleted.set(i);
            }
            index.delete(0); // twice is harmless
            assertEquals(2000, index.liveCount());
            for (int q = 0; q < 300; q += 3) { // query with exactly the deleted vectors: the worst case
                for (SearchOptions.Strategy s : SearchOptions.Strategy.values()) {
                    SearchResults r = index.search(data[q], 20, SearchOptions.defaults().withStrategy(s));
                    assertEquals(20, r.size());
                    for (int o : r.ordinals()) assertFalse(deleted.get(o), s + " returned deleted " + o);
                }
                assertFalse(index.isLive(q));
            }
            index.rebuild();
            assertEquals(2000, index.liveCount());
            assertEquals(3000, index.size(), "ordinals are kept");
            for (int q = 0; q < 300; q += 3) {
                SearchResults r = index.search(data[q], 20, SearchOptions.defaults().withStrategy(SearchOptions.Strategy.HNSW));
                for (int o : r.ordinals()) assertFalse(deleted.get(o), "after rebuild returned deleted " + o);
            }
            assertEquals(3000, index.add(data[0]), "the next ordinal continues after a rebuild");
        }
    }

    @Test
    void rebuildPastThresholdRestoresRecall(TestRandom random) {
        RecallTest.Data d = RecallTest.Data.generate(random, 3000, DIM);
        try (VectorIndex index = RecallTest.build(IndexConfig.defaults(DIM), d.vectors())) {
            BitSet deleted = new BitSet();
            for (int i = 0; i < 3000; i++) if (random.nextDouble() < 0.2) { index.delete(i); deleted.set(i); }
            assertFalse(index.rebuildIfNeeded(), "below threshold");
            for (int i = 0; i < 3000; i++) if (!deleted.get(i) && random.nextDouble() < 0.4) { index.delete(i); deleted.set(i); }
            assertTrue(index.deletedFraction() > VectorIndex.REBUILD_THRESHOLD);
            long before = index.offHeapBytes();
            assertTrue(index.rebuildIfNeeded());
            assertTrue(index.offHeapBytes() <= before * 2);
            double r = RecallTest.recall(index, d, SearchOptions.defaults().withStrategy(SearchOptions.Strategy.HNSW), i -> !deleted.get(i));
            assertTrue(r >= 0.95, "recall after rebuild " + r);
        }
    }

    /** Random add / delete / search steps; every search is checked against a brute-force model. */
    @RepeatedTest(4)
    void randomInterleavingsAgreeWithBruteForce(TestRandom random) {
        List<float[]> model = new ArrayList<>();
        BitSet deleted = new BitSet();
        IndexConfig config = IndexConfig.defaults(DIM).withM(8).withEfConstruction(64).withSeed(random.nextLong())
                .withQuantized(random.nextBoolean());
        try (VectorIndex index = VectorIndex.create(config)) {
            for (int step = 0; step < 1500; step++) {
                int op = random.nextInt(10);
                if (op < 6 || model.isEmpty()) {
                    float[] v = Vectors.gaussianUnit(random, DIM);
                    assertEquals(model.size(), index.add(v));
                    model.add(v);
                } else if (op < 8) {
                    int o = random.nextInt(model.size());
                    index.delete(o);
                    deleted.set(o);
                } else {
                    float[] q = Vectors.gaussianUnit(random, DIM);
                    int k = random.between(1, 15);
                    float[][] data = model.toArray(float[][]::new);
                    int[] truth = Vectors.bruteForce(Similarity.DOT_PRODUCT, data, q, k, i -> !deleted.get(i));
                    SearchResults exact = index.search(q, k, SearchOptions.defaults().withStrategy(SearchOptions.Strategy.EXACT));
                    assertEquals(truth.length, exact.size());
                    for (int i = 0; i < truth.length; i++) {
                        assertEquals(Vectors.similarity(Similarity.DOT_PRODUCT, q, data[truth[i]]), exact.scores()[i], 1e-4,
                                "exact rank " + i + " at step " + step);
                    }
                    SearchResults auto = index.search(q, k);
                    assertEquals(truth.length, auto.size(), "auto returns min(k, live)");
                    for (int o : auto.ordinals()) assertFalse(deleted.get(o), "deleted " + o + " at step " + step);
                    SearchResults graph = index.search(q, k, SearchOptions.defaults().withStrategy(SearchOptions.Strategy.HNSW));
                    for (int o : graph.ordinals()) assertFalse(deleted.get(o), "hnsw returned deleted " + o + " at step " + step);
                }
                assertEquals(model.size() - deleted.cardinality(), index.liveCount());
            }
        }
    }
}
