package dev.engram.bench.data;

import dev.engram.bench.BenchEnv;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import dev.engram.extraction.embed.EmbedderOptions;
import dev.engram.extraction.embed.EmbeddingModel;
import dev.engram.extraction.embed.OnnxEmbedder;

/**
 * The benchmark data sets: real sentence embeddings (cached) and a seeded synthetic clustered set.
 * Not thread-safe; call from the suite's main thread.
 */
public final class Datasets {
    public static final int QUERIES = 1_000;
    /** Sentences in the real corpus: 1,000 queries + 100,000 to index. */
    public static final int MAX_SENTENCES = 101_000;
    private static final int CHUNK = 1_000;
    private static final int BATCH = 32;
    private static final int EMBED_THREADS = 2;

    /** The project's default embedding model. */
    static final EmbeddingModel MODEL = EmbeddingModel.BGE_SMALL_EN_V15_Q;

    private Datasets() {}

    /**
     * {@code base} real sentences embedded as passages by the extraction module's
     * {@link OnnxEmbedder} with the default model (bge-small-en-v1.5 int8), plus {@link #QUERIES}
     * held-out sentences as queries. The corpus is always the same {@link #MAX_SENTENCES}
     * sentences (queries first); a smaller {@code base} takes a prefix. Embeddings are cached in
     * {@link BenchEnv#cacheDir()} in chunks of {@link #CHUNK} sentences, each keyed by its
     * sentences' fingerprint and the model, so an interrupted first run resumes where it stopped
     * and a stale or corrupt chunk is re-embedded; the prefix needed is then assembled into one
     * file for the worker JVMs.
     */
    public static Dataset real(int base) {
        long t0 = System.nanoTime();
        int need = base + QUERIES;
        List<String> sentences = SentenceCorpus.load(MAX_SENTENCES);
        if (sentences.size() < need) {
            throw new IllegalStateException("only " + sentences.size() + " distinct sentences under " + SentenceCorpus.ROOTS
                    + ", need " + need + ": install more documentation (e.g. apt-get install debian-reference-en"
                    + " python3-doc) or run with --sizes=10000");
        }
        System.out.printf("corpus: %,d distinct sentences from %s in %.1f s (sha256 %s…)%n",
                sentences.size(), SentenceCorpus.ROOTS, (System.nanoTime() - t0) / 1e9,
                SentenceCorpus.fingerprint(sentences).substring(0, 12));
        List<String> used = sentences.subList(0, need);
        String key = "real/" + MODEL.modelId() + "/" + need + "/" + SentenceCorpus.fingerprint(used);
        Path file = BenchEnv.cacheDir().resolve("real-" + MODEL.modelId() + "-" + need + ".vec");
        try {
            float[][] all = MatrixFile.readFloats(file, key);
            if (all == null) {
                all = new float[need][];
                OnnxEmbedder embedder = null;
                try {
                    for (int from = 0; from < need; from += CHUNK) {
                        int to = Math.min(sentences.size(), from + CHUNK);
                        List<String> part = sentences.subList(from, to);
                        String chunkKey = "real/" + MODEL.modelId() + "/chunk/" + from + "-" + to + "/" + SentenceCorpus.fingerprint(part);
                        Path chunkFile = BenchEnv.cacheDir().resolve("real-" + MODEL.modelId() + "-chunk-" + from + ".vec");
                        float[][] vs = MatrixFile.readFloats(chunkFile, chunkKey);
                        if (vs == null) {
                            if (embedder == null) {
                                System.out.printf("embedding %,d sentences with %s on %d threads, in chunks of %,d cached in %s"
                                        + " (first run only; several minutes on an idle machine; resumes if interrupted)%n",
                                        need, MODEL.modelId(), EMBED_THREADS, CHUNK, BenchEnv.cacheDir());
                                embedder = OnnxEmbedder.load(MODEL,
                                        EmbedderOptions.builder().threads(1).poolSize(EMBED_THREADS).build());
                            }
                            long c0 = System.nanoTime();
                            vs = embed(embedder, part);
                            MatrixFile.writeFloats(chunkFile, chunkKey, vs);
                            System.out.printf("  embedded sentences %,d-%,d (%.0f sentences/s)%n", from, to,
                                    part.size() / ((System.nanoTime() - c0) / 1e9));
                        }
                        System.arraycopy(vs, 0, all, from, Math.min(vs.length, need - from));
                    }
                } finally {
                    if (embedder != null) embedder.close();
                }
                MatrixFile.writeFloats(file, key, all);
                Files.write(BenchEnv.cacheDir().resolve("real-sentences.txt"), used, StandardCharsets.UTF_8);
            } else {
                System.out.println("embeddings: cached " + file);
            }
            float[][] queries = java.util.Arrays.copyOfRange(all, 0, QUERIES);
            float[][] vectors = java.util.Arrays.copyOfRange(all, QUERIES, need);
            return new Dataset("real", key, file, vectors, queries,
                    "Debian docs under /usr/share/doc, first " + need + " of " + sentences.size() + " shuffled distinct sentences, "
                            + MODEL.modelId());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Unit vectors around {@code clusters} random unit centroids (Gaussian noise, sigma 0.05 per
     * dimension, so noise and centroid have similar norms), queries from the same distribution.
     */
    public static Dataset synthetic(int base, int dim, int clusters, long seed) {
        Random r = new Random(seed);
        float[][] centroids = new float[clusters][];
        for (int c = 0; c < clusters; c++) {
            float[] v = new float[dim];
            for (int j = 0; j < dim; j++) v[j] = (float) r.nextGaussian();
            centroids[c] = normalize(v);
        }
        float[][] all = new float[base + QUERIES][];
        for (int i = 0; i < all.length; i++) {
            float[] c = centroids[r.nextInt(clusters)];
            float[] v = new float[dim];
            for (int j = 0; j < dim; j++) v[j] = c[j] + (float) (0.05 * r.nextGaussian());
            all[i] = normalize(v);
        }
        String key = "synthetic/" + dim + "/" + clusters + "/" + base + "/" + Long.toHexString(seed);
        Path file = BenchEnv.cacheDir().resolve("synthetic-" + base + "-" + Long.toHexString(seed) + ".vec");
        try {
            if (MatrixFile.readFloats(file, key) == null) MatrixFile.writeFloats(file, key, all);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Dataset("synthetic", key, file, java.util.Arrays.copyOfRange(all, QUERIES, all.length),
                java.util.Arrays.copyOfRange(all, 0, QUERIES),
                "synthetic: " + clusters + " Gaussian clusters, sigma 0.05/dim, seed 0x" + Long.toHexString(seed));
    }

    static float[] normalize(float[] v) {
        double s = 0;
        for (float x : v) s += (double) x * x;
        float inv = (float) (1 / Math.sqrt(s));
        for (int i = 0; i < v.length; i++) v[i] *= inv;
        return v;
    }

    /** Embeds in fixed batches of similar length (less padding) on {@link #EMBED_THREADS} threads. */
    private static float[][] embed(OnnxEmbedder embedder, List<String> sentences) {
        int n = sentences.size();
        int[] order = IntStream.range(0, n).boxed()
                .sorted(Comparator.comparingInt((Integer i) -> sentences.get(i).length()).thenComparingInt(i -> i))
                .mapToInt(Integer::intValue).toArray();
        float[][] out = new float[n][];
        int batches = (n + BATCH - 1) / BATCH;
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(EMBED_THREADS);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < EMBED_THREADS; t++) {
                fs.add(pool.submit(() -> {
                    for (int b; (b = next.getAndIncrement()) < batches; ) {
                        int from = b * BATCH, to = Math.min(n, from + BATCH);
                        List<String> texts = new ArrayList<>(to - from);
                        for (int i = from; i < to; i++) texts.add(sentences.get(order[i]));
                        List<float[]> vs = embedder.embedBatch(texts);
                        for (int i = from; i < to; i++) out[order[i]] = vs.get(i - from);
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) f.get();
        } catch (Exception e) {
            throw new IllegalStateException("embedding the corpus failed", e);
        } finally {
            pool.shutdownNow();
        }
        return out;
    }
}
