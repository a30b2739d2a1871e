package dev.engram.bench.data;

/**
 * Unit vectors to index and held-out queries (never in the index), plus a key that identifies
 * how they were made (for caches derived from them, such as ground truth) and the
 * {@link MatrixFile} holding them (queries first, then base), for worker processes.
 */
public record Dataset(String name, String key, java.nio.file.Path file, float[][] base, float[][] queries, String provenance) {
    public int dimension() {
        return base[0].length;
    }

    /** The first {@code n} base vectors, same queries. */
    public Dataset head(int n) {
        if (n > base.length) throw new IllegalArgumentException(name + " has " + base.length + " vectors, asked for " + n);
        float[][] b = n == base.length ? base : java.util.Arrays.copyOf(base, n);
        return new Dataset(name, key, file, b, queries, provenance);
    }
}
