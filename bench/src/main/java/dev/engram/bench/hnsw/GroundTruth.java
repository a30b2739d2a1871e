package dev.engram.bench.hnsw;

import dev.engram.bench.data.MatrixFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.Random;
import java.util.stream.IntStream;
import org.apache.lucene.util.VectorUtil;

/**
 * Exact top-k by brute force (dot product, every query against every accepted base vector, on
 * all cores), cached as a {@link MatrixFile}, and recall@k against it. Stateless.
 */
final class GroundTruth {
    private GroundTruth() {}

    /** The fixed 10%-selectivity filter over {@code n} ordinals (seeded, same for every library). */
    static BitSet filter(int n, double selectivity, long seed) {
        Random r = new Random(seed);
        BitSet b = new BitSet(n);
        for (int i = 0; i < n; i++) if (r.nextDouble() < selectivity) b.set(i);
        return b;
    }

    /** Cached exact neighbours of each query among {@code base} (restricted to {@code accept} if not null). */
    static int[][] load(Path file, String key, float[][] base, float[][] queries, int k, BitSet accept) throws IOException {
        int[][] gt = MatrixFile.readInts(file, key);
        if (gt != null) return gt;
        long t0 = System.nanoTime();
        gt = compute(base, queries, k, accept);
        MatrixFile.writeInts(file, key, gt);
        System.out.printf("ground truth %s: %d queries × %,d vectors in %.1f s%n", file.getFileName(), queries.length, base.length,
                (System.nanoTime() - t0) / 1e9);
        return gt;
    }

    static int[][] compute(float[][] base, float[][] queries, int k, BitSet accept) {
        int[][] out = new int[queries.length][];
        IntStream.range(0, queries.length).parallel().forEach(q -> out[q] = topK(base, queries[q], k, accept));
        return out;
    }

    /** Best k by descending score, ties by lower ordinal. */
    static int[] topK(float[][] base, float[] query, int k, BitSet accept) {
        int[] ids = new int[k];
        float[] scores = new float[k];
        int size = 0;
        for (int i = 0; i < base.length; i++) {
            if (accept != null && !accept.get(i)) continue;
            float s = VectorUtil.dotProduct(query, base[i]);
            if (size < k) {
                int j = size++;
                while (j > 0 && scores[j - 1] < s) {
                    scores[j] = scores[j - 1];
                    ids[j] = ids[j - 1];
                    j--;
                }
                scores[j] = s;
                ids[j] = i;
            } else if (s > scores[k - 1]) {
                int j = k - 1;
                while (j > 0 && scores[j - 1] < s) {
                    scores[j] = scores[j - 1];
                    ids[j] = ids[j - 1];
                    j--;
                }
                scores[j] = s;
                ids[j] = i;
            }
        }
        return size == k ? ids : java.util.Arrays.copyOf(ids, size);
    }

    /** |found ∩ truth| / |truth| for one query (found may be shorter than k). */
    static double recall(int[] found, int[] truth) {
        int hits = 0;
        for (int t : truth) {
            for (int f : found) {
                if (f == t) {
                    hits++;
                    break;
                }
            }
        }
        return truth.length == 0 ? 1.0 : (double) hits / truth.length;
    }
}
