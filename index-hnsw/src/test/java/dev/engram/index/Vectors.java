package dev.engram.index;

import java.util.Random;

/** Synthetic test data: clustered unit vectors (like sentence embeddings: topics with spread) and brute force. */
final class Vectors {
    private Vectors() {}

    /** {@code n} unit vectors around {@code clusters} random centres, noise relative to the centre. */
    static float[][] clustered(Random random, int n, int dim, int clusters, float noise) {
        float[][] centres = new float[clusters][];
        for (int c = 0; c < clusters; c++) centres[c] = gaussianUnit(random, dim);
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
            float[] centre = centres[random.nextInt(clusters)];
            float[] v = new float[dim];
            float scale = noise / (float) Math.sqrt(dim);
            for (int j = 0; j < dim; j++) v[j] = centre[j] + (float) random.nextGaussian() * scale;
            out[i] = normalize(v);
        }
        return out;
    }

    static float[] gaussianUnit(Random random, int dim) {
        float[] v = new float[dim];
        for (int j = 0; j < dim; j++) v[j] = (float) random.nextGaussian();
        return normalize(v);
    }

    static float[] normalize(float[] v) {
        double s = 0;
        for (float x : v) s += (double) x * x;
        float inv = (float) (1 / Math.sqrt(s));
        for (int j = 0; j < v.length; j++) v[j] *= inv;
        return v;
    }

    static double similarity(Similarity sim, float[] a, float[] b) {
        double dot = 0, aa = 0, bb = 0, d2 = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            aa += (double) a[i] * a[i];
            bb += (double) b[i] * b[i];
            double d = (double) a[i] - b[i];
            d2 += d * d;
        }
        return switch (sim) {
            case DOT_PRODUCT -> dot;
            case COSINE -> dot / Math.sqrt(aa * bb);
            case EUCLIDEAN -> -d2;
        };
    }

    /** The exact top-k ordinals among {@code data} accepted by {@code accept}, computed in double precision. */
    static int[] bruteForce(Similarity sim, float[][] data, float[] q, int k, java.util.function.IntPredicate accept) {
        Integer[] idx = java.util.stream.IntStream.range(0, data.length).filter(accept).boxed().toArray(Integer[]::new);
        double[] s = new double[data.length];
        for (int i : idx) s[i] = similarity(sim, q, data[i]);
        java.util.Arrays.sort(idx, (x, y) -> Double.compare(s[y], s[x]));
        int n = Math.min(k, idx.length);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) out[i] = idx[i];
        return out;
    }

    /** |found ∩ truth| / |truth|. */
    static double recall(int[] found, int[] truth) {
        if (truth.length == 0) return 1;
        java.util.Set<Integer> t = new java.util.HashSet<>();
        for (int x : truth) t.add(x);
        int hit = 0;
        for (int x : found) if (t.contains(x)) hit++;
        return (double) hit / truth.length;
    }
}
