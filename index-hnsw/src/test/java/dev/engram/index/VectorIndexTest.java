package dev.engram.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.testkit.Seeded;
import dev.engram.testkit.TestRandom;
import org.junit.jupiter.api.Test;
import org.roaringbitmap.RoaringBitmap;

/** The API contract: ordinals, validation, results order, lifecycle. */
@Seeded
class VectorIndexTest {
    static final int DIM = 16;

    @Test
    void ordinalsAreDenseAndSearchFindsTheVectorItself(TestRandom random) {
        try (VectorIndex index = VectorIndex.create(IndexConfig.defaults(DIM))) {
            float[][] data = Vectors.clustered(random, 300, DIM, 5, 0.5f);
            for (int i = 0; i < data.length; i++) assertEquals(i, index.add(data[i]));
            assertEquals(300, index.size());
            assertEquals(300, index.liveCount());
            assertTrue(index.offHeapBytes() >= 300L * DIM * 4);
            for (SearchOptions.Strategy s : SearchOptions.Strategy.values()) {
                SearchResults r = index.search(data[17], 5, SearchOptions.defaults().withStrategy(s));
                assertEquals(17, r.ordinals()[0], s.name());
                assertEquals(1f, r.scores()[0], 1e-5f);
                for (int i = 1; i < r.size(); i++) assertTrue(r.scores()[i - 1] >= r.scores()[i], "best first");
            }
        }
    }

    @Test
    void scoresOfListedOrdinalsEqualWhatASearchGivesThem(TestRandom random) {
        for (boolean quantized : new boolean[] {false, true}) {
            for (Similarity sim : Similarity.values()) {
                try (VectorIndex index = VectorIndex.create(IndexConfig.defaults(DIM).withSimilarity(sim).withQuantized(quantized))) {
                    float[][] data = Vectors.clustered(random, 200, DIM, 4, 0.5f);
                    for (float[] v : data) index.add(v);
                    index.delete(7);
                    float[] query = data[random.nextInt(data.length)].clone();
                    query[0] += 0.25f;
                    SearchResults all = index.search(query, 200, SearchOptions.defaults().withStrategy(SearchOptions.Strategy.EXACT));
                    int[] ordinals = {all.ordinals()[5], 7, all.ordinals()[0], all.ordinals()[198], all.ordinals()[5]};
                    float[] out = new float[ordinals.length + 1];
                    out[ordinals.length] = 42f;
                    index.scores(query, ordinals, ordinals.length, out);
                    String what = sim + (quantized ? " quantized" : "");
                    assertEquals(all.scores()[5], out[0], what);
                    assertTrue(Float.isNaN(out[1]), what + ": a deleted ordinal scores NaN");
                    assertEquals(all.scores()[0], out[2], what);
                    assertEquals(all.scores()[198], out[3], what);
                    assertEquals(out[0], out[4], what);
                    assertEquals(42f, out[ordinals.length], what + ": nothing written past n");
                    assertThrows(UnknownOrdinalException.class, () -> index.scores(query, new int[] {0, 200}, 2, out));
                    assertThrows(IllegalArgumentException.class, () -> index.scores(query, ordinals, ordinals.length + 1, out));
                    assertThrows(InvalidVectorException.class, () -> index.scores(new float[DIM + 1], ordinals, 1, out));
                }
            }
        }
    }

    @Test
    void exactScoresMatchEachSimilarity(TestRandom random) {
        for (Similarity sim : Similarity.values()) {
            try (VectorIndex index = VectorIndex.create(IndexConfig.defaults(3).withSimilarity(sim))) {
                index.add(new float[] {1, 0, 0});
                index.add(new float[] {0, 2, 0});
                index.add(new float[] {3, 3, 0});
                SearchResults r = index.search(new float[] {1, 1, 0}, 3, SearchOptions.defaults().withStrategy(SearchOptions.Strategy.EXACT));
                switch (sim) {
                    case DOT_PRODUCT -> {
                        assertArrayEquals(new int[] {2, 1, 0}, r.ordinals());
                        assertArrayEquals(new float[] {6, 2, 1}, r.scores(), 1e-6f);
                    }
                    case COSINE -> {
                        assertEquals(2, r.ordinals()[0]);
                        assertEquals(1f, r.scores()[0], 1e-6f);
                        assertEquals((float) Math.sqrt(0.5), r.scores()[1], 1e-6f);
                        assertEquals(r.scores()[1], r.scores()[2], 1e-6f);
                        assertEquals(0, r.ordinals()[1], "ties rank the smaller ordinal first");
                    }
                    case EUCLIDEAN -> {
                        assertArrayEquals(new int[] {0, 1, 2}, r.ordinals());
                        assertArrayEquals(new float[] {-1, -2, -8}, r.scores(), 1e-6f);
                    }
                }
            }
        }
    }

    @Test
    void badInputGetsTypedErrors() {
        try (VectorIndex index = VectorIndex.create(IndexConfig.defaults(DIM).withSimilarity(Similarity.COSINE))) {
            assertThrows(InvalidVectorException.class, () -> index.add(new float[DIM + 1]));
            float[] nan = new float[DIM];
            nan[3] = Float.NaN;
            InvalidVectorException e = assertThrows(InvalidVectorException.class, () -> index.add(nan));
            assertTrue(e.getMessage().contains("[3]"), e.getMessage());
            float[] inf = new float[DIM];
            inf[0] = Float.POSITIVE_INFINITY;
            assertThrows(InvalidVectorException.class, () -> index.add(inf));
            assertThrows(InvalidVectorException.class, () -> index.add(new float[DIM]), "zero vector under cosine");
            assertThrows(NullPointerException.class, () -> index.add(null));
            float[] ok = new float[DIM];
            ok[0] = 1;
            index.add(ok);
            assertThrows(IllegalArgumentException.class, () -> index.search(ok, 0));
            assertThrows(IllegalArgumentException.class, () -> index.search(ok, -3));
            assertThrows(InvalidVectorException.class, () -> index.search(new float[2], 3));
            assertThrows(InvalidVectorException.class, () -> index.search(nan, 3));
            assertThrows(UnknownOrdinalException.class, () -> index.delete(1));
            assertThrows(UnknownOrdinalException.class, () -> index.delete(-1));
            assertThrows(UnknownOrdinalException.class, () -> index.isLive(5));
            assertEquals(1, index.size(), "rejected adds changed nothing");
        }
        assertThrows(IllegalArgumentException.class, () -> IndexConfig.defaults(0));
        assertThrows(IllegalArgumentException.class, () -> IndexConfig.defaults(DIM).withM(1));
        assertThrows(IllegalArgumentException.class, () -> IndexConfig.defaults(DIM).withEfSearch(0));
        assertThrows(IllegalArgumentException.class, () -> IndexConfig.defaults(DIM).withEfConstruction(4));
        assertThrows(IllegalArgumentException.class, () -> SearchOptions.defaults().withEfSearch(0));
    }

    @Test
    void emptyIndexAndKLargerThanSize(TestRandom random) {
        try (VectorIndex index = VectorIndex.create(IndexConfig.defaults(DIM))) {
            float[] q = Vectors.gaussianUnit(random, DIM);
            for (SearchOptions.Strategy s : SearchOptions.Strategy.values()) {
                assertEquals(0, index.search(q, 10, SearchOptions.defaults().withStrategy(s)).size());
            }
            for (int i = 0; i < 7; i++) index.add(Vectors.gaussianUnit(random, DIM));
            for (SearchOptions.Strategy s : SearchOptions.Strategy.values()) {
                assertEquals(7, index.search(q, 50, SearchOptions.defaults().withStrategy(s)).size(), s.name());
            }
            RoaringBitmap none = new RoaringBitmap();
            assertEquals(0, index.search(q, 5, SearchOptions.defaults().withFilter(none)).size());
            RoaringBitmap beyond = RoaringBitmap.bitmapOf(3, 100, -5);
            assertArrayEquals(new int[] {3}, index.search(q, 5, SearchOptions.defaults().withFilter(beyond)).ordinals());
        }
    }

    @Test
    void closeIsIdempotentAndLaterCallsFail(TestRandom random) {
        VectorIndex index = VectorIndex.create(IndexConfig.defaults(DIM));
        float[] v = Vectors.gaussianUnit(random, DIM);
        index.add(v);
        index.close();
        index.close();
        assertThrows(IndexClosedException.class, () -> index.add(v));
        assertThrows(IndexClosedException.class, () -> index.search(v, 1));
        assertThrows(IndexClosedException.class, () -> index.delete(0));
        assertThrows(IndexClosedException.class, index::offHeapBytes);
        assertThrows(IndexClosedException.class, () -> index.save(java.nio.file.Path.of("unused")));
    }

    @Test
    void cosineNormalizesAndIgnoresLength(TestRandom random) {
        try (VectorIndex index = VectorIndex.create(IndexConfig.defaults(DIM).withSimilarity(Similarity.COSINE))) {
            float[] v = Vectors.gaussianUnit(random, DIM);
            float[] scaled = v.clone();
            for (int i = 0; i < DIM; i++) scaled[i] *= 42;
            index.add(scaled);
            SearchResults r = index.search(v, 1);
            assertEquals(1f, r.scores()[0], 1e-5f);
        }
    }
}
