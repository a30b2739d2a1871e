package dev.engram.bench.data;

/**
 * Unit vectors to index and held-out queries (never in the index), plus a key that identifies
 * how they were made (for caches derived from them, such as ground truth).
 */
public record Dataset(String name, String key, float[][] base, float[][] queries, String provenance) {
    public int dimension() {
        return base[0].length;
    }

    /** The first {@code n} base vectors, same queries. */
    public Dataset head(int n) {
        if (n > base.length) throw new IllegalArgumentException(name + " has " + base.length + " vectors, asked for " + n);
        float[][] b = n == base.length ? base : java.util.Arrays.copyOf(base, n);
        return new Dataset(name, key, b, queries, provenance);
    }
}
