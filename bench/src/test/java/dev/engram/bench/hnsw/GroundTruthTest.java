package dev.engram.bench.hnsw;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class GroundTruthTest {
    @Test
    void recallCountsTheTrueNeighboursFound() {
        int[] truth = {1, 2, 3, 4};
        assertEquals(1.0, GroundTruth.recall(new int[] {4, 3, 2, 1}, truth));
        assertEquals(0.5, GroundTruth.recall(new int[] {1, 9, 3, 8}, truth));
        assertEquals(0.25, GroundTruth.recall(new int[] {2}, truth), "a short answer counts what it has");
        assertEquals(0.0, GroundTruth.recall(new int[] {}, truth));
    }

    @Test
    void topKMatchesASortOfAllScores() {
        long seed = 0xBEEFL;
        Random r = new Random(seed);
        float[][] base = new float[500][16];
        for (float[] v : base) for (int j = 0; j < v.length; j++) v[j] = (float) r.nextGaussian();
        float[] q = base[7].clone();
        BitSet accept = GroundTruth.filter(base.length, 0.1, seed);
        for (BitSet filter : new BitSet[] {null, accept}) {
            int[] expected = IntStream.range(0, base.length).filter(i -> filter == null || filter.get(i)).boxed()
                    .sorted(Comparator.comparingDouble((Integer i) -> -dot(q, base[i])).thenComparingInt(i -> i))
                    .limit(10).mapToInt(Integer::intValue).toArray();
            assertArrayEquals(expected, GroundTruth.topK(base, q, 10, filter), "seed 0x" + Long.toHexString(seed));
        }
    }

    @Test
    void filterIsSeededAndNearItsSelectivity() {
        BitSet a = GroundTruth.filter(100_000, 0.1, 1), b = GroundTruth.filter(100_000, 0.1, 1);
        assertEquals(a, b);
        assertTrue(Math.abs(a.cardinality() - 10_000) < 500, "cardinality " + a.cardinality());
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }
}
