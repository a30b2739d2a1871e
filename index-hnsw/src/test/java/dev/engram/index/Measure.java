package dev.engram.index;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Manual measurements behind docs/vector-index.md (not a test; run from the test class path):
 * build time, recall@10 and single-thread QPS per efSearch, memory per vector, save and cold open
 * times, and the exact-vs-HNSW crossover.
 *
 * <pre>
 *   java --add-modules jdk.incubator.vector -cp … dev.engram.index.Measure recall N DIM [M EFC heuristic]
 *   java --add-modules jdk.incubator.vector -cp … dev.engram.index.Measure crossover DIM
 *   java --add-modules jdk.incubator.vector -cp … dev.engram.index.Measure int8walk N DIM DIR [ROUNDS]
 *   java --add-modules jdk.incubator.vector -cp … dev.engram.index.Measure files FLOAT.vec INT8.vec K EF
 *   java --add-modules jdk.incubator.vector -cp … dev.engram.index.Measure quantizers FILE.vec K R
 * </pre>
 */
public final class Measure {
    static final int K = 10;
    static boolean latent;

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "recall" -> recall(Integer.parseInt(args[1]), Integer.parseInt(args[2]),
                    args.length > 3 ? Integer.parseInt(args[3]) : IndexConfig.DEFAULT_M,
                    args.length > 4 ? Integer.parseInt(args[4]) : IndexConfig.DEFAULT_EF_CONSTRUCTION,
                    args.length <= 5 || Boolean.parseBoolean(args[5]),
                    args.length > 6 && Boolean.parseBoolean(args[6]),
                    args.length > 7 ? Integer.parseInt(args[7]) : 1);
            case "crossover" -> crossover(Integer.parseInt(args[1]));
            case "quantizers" -> quantizers(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            case "files" -> files(Path.of(args[1]), Path.of(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]));
            case "int8walk" -> int8walk(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Path.of(args[3]),
                    args.length > 4 ? Integer.parseInt(args[4]) : 5);
            case "latent" -> {
                latent = true;
                recall(Integer.parseInt(args[1]), Integer.parseInt(args[2]), IndexConfig.DEFAULT_M,
                        IndexConfig.DEFAULT_EF_CONSTRUCTION, true, args.length > 3 && Boolean.parseBoolean(args[3]), 1);
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    static void recall(int n, int dim, int m, int efc, boolean heuristic, boolean quantized, int threads) throws Exception {
        Random random = new Random(42);
        float[][] data;
        float[][] queries = new float[200][];
        if (latent) {
            float[][] all = Vectors.latent(random, n + queries.length, dim, 32, Math.max(16, n / 100));
            data = java.util.Arrays.copyOf(all, n);
            System.arraycopy(all, n, queries, 0, queries.length);
        } else {
            data = Vectors.clustered(random, n, dim, Math.max(RecallTest.CLUSTERS, n / 10), RecallTest.NOISE);
            for (int i = 0; i < queries.length; i++) queries[i] = perturb(random, data[random.nextInt(n)], RecallTest.QUERY_NOISE);
        }
        IndexConfig cfg = IndexConfig.defaults(dim).withM(m).withEfConstruction(efc).withQuantized(quantized);
        VectorIndex index = heuristic ? VectorIndex.create(cfg) : VectorIndex.createWithoutHeuristic(cfg);
        long t0 = System.nanoTime();
        long c0 = cpuNanos();
        if (threads == 1) {
            for (float[] v : data) index.add(v);
        } else {
            java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
            Thread[] ts = new Thread[threads];
            for (int t = 0; t < threads; t++) {
                ts[t] = new Thread(() -> {
                    for (int i; (i = next.getAndIncrement()) < n; ) index.add(data[i]);
                });
                ts[t].start();
            }
            for (Thread t : ts) t.join();
        }
        double build = (System.nanoTime() - t0) / 1e9;
        double buildCpu = (cpuNanos() - c0) / 1e9;
        int[][] truth = new int[queries.length][];
        for (int i = 0; i < queries.length; i++) truth[i] = Vectors.bruteForce(Similarity.DOT_PRODUCT, data, queries[i], K, x -> true);
        System.out.printf("%s n=%d dim=%d M=%d efC=%d heuristic=%s quantized=%s threads=%d build=%.2fs (cpu %.2fs) bytes/vector=%.0f%n",
                latent ? "latent" : "clustered", n, dim, m, efc, heuristic, quantized, threads, build, buildCpu, (double) index.offHeapBytes() / n);
        for (int ef : new int[] {10, 16, 24, 32, 48, 64, 96, 128, 200, 256}) {
            SearchOptions o = SearchOptions.defaults().withStrategy(SearchOptions.Strategy.HNSW).withEfSearch(ef);
            double r = 0;
            for (int i = 0; i < queries.length; i++) r += Vectors.recall(index.search(queries[i], K, o).ordinals(), truth[i]);
            double qps = qps(index, queries, o);
            System.out.printf("  ef=%3d recall@10=%.4f qps=%.0f%n", ef, r / queries.length, qps);
        }
        Path dir = Files.createTempDirectory("engram-measure");
        Path f = dir.resolve("index.evx");
        long t2 = System.nanoTime();
        index.save(f);
        double save = (System.nanoTime() - t2) / 1e6;
        long t3 = System.nanoTime();
        try (VectorIndex opened = VectorIndex.open(f)) {
            double open = (System.nanoTime() - t3) / 1e6;
            long t4 = System.nanoTime();
            opened.search(queries[0], K);
            double first = (System.nanoTime() - t4) / 1e6;
            System.out.printf("save=%.0fms open=%.1fms firstSearch=%.2fms file=%dMB%n", save, open, first, Files.size(f) >> 20);
        }
        Files.delete(f);
        Files.delete(dir);
        index.close();
    }

    /**
     * The float walk against the int8 walk on the same latent set and the same graph (a quantized
     * index is built with float scores, so for a seed and an insertion order both graphs are equal):
     * recall@k against exact and CPU-time QPS for k = 10 and 100. "int8 old" is the former 3·k
     * re-rank width, which is the int8 walk at {@code ef = max(ef, 3·k)}. Both indexes are saved in
     * {@code dir} and re-opened on the next run. QPS rounds alternate the variants; the median is
     * printed with the range.
     */
    static void int8walk(int n, int dim, Path dir, int rounds) throws Exception {
        Random random = new Random(42);
        float[][] all = Vectors.latent(random, n + 200, dim, 32, Math.max(16, n / 100));
        float[][] data = java.util.Arrays.copyOf(all, n);
        float[][] queries = java.util.Arrays.copyOfRange(all, n, n + 200);
        Files.createDirectories(dir);
        try (VectorIndex flt = buildOrOpen(dir.resolve("latent-float-" + n + "-" + dim + ".evx"), IndexConfig.defaults(dim), data);
             VectorIndex int8 = buildOrOpen(dir.resolve("latent-int8-" + n + "-" + dim + ".evx"),
                     IndexConfig.defaults(dim).withQuantized(true), data)) {
            int maxK = 100;
            int[][] truth = new int[queries.length][];
            for (int i = 0; i < queries.length; i++) truth[i] = Vectors.bruteForce(Similarity.DOT_PRODUCT, data, queries[i], maxK, x -> true);
            java.util.List<String> names = new java.util.ArrayList<>();
            java.util.List<java.util.function.IntConsumer> runs = new java.util.ArrayList<>(); // 10 queries from an index
            java.util.List<java.util.function.IntConsumer> single = new java.util.ArrayList<>(); // one query
            for (int k : new int[] {10, 100}) {
                int[][] t = new int[queries.length][];
                for (int i = 0; i < queries.length; i++) t[i] = java.util.Arrays.copyOf(truth[i], k);
                java.util.Set<String> seen = new java.util.HashSet<>();
                for (int ef : new int[] {100, 128, 200}) {
                    for (int v = 0; v < 3; v++) {
                        VectorIndex index = v == 0 ? flt : int8;
                        int walkEf = v == 1 ? Math.max(ef, 3 * k) : ef;
                        String name = String.format("k=%3d ef=%3d %-9s", k, ef, v == 0 ? "float" : 3 * k <= ef ? "int8" : v == 1 ? "int8-old" : "int8-new");
                        SearchOptions o = SearchOptions.defaults().withStrategy(SearchOptions.Strategy.HNSW).withEfSearch(walkEf);
                        double r = 0;
                        for (int i = 0; i < queries.length; i++) r += Vectors.recall(index.search(queries[i], k, o).ordinals(), t[i]);
                        System.out.printf("%s walk ef=%3d recall@%d=%.4f%n", name, walkEf, k, r / queries.length);
                        if (!seen.add((v == 0 ? "f" : "q") + walkEf)) continue; // same search as another variant
                        names.add(name);
                        runs.add(from -> { for (int i = from; i < from + 10; i++) index.search(queries[i], k, o); });
                        single.add(i -> index.search(queries[i], k, o));
                    }
                }
                for (int ef : new int[] {110, 120, 150, 300}) { // the int8 walk's recall between and beyond
                    SearchOptions o = SearchOptions.defaults().withStrategy(SearchOptions.Strategy.HNSW).withEfSearch(ef);
                    double r = 0, rf = 0;
                    for (int i = 0; i < queries.length; i++) {
                        r += Vectors.recall(int8.search(queries[i], k, o).ordinals(), t[i]);
                        rf += Vectors.recall(flt.search(queries[i], k, o).ordinals(), t[i]);
                    }
                    System.out.printf("k=%3d ef=%3d recall@%d float=%.4f int8=%.4f%n", k, ef, k, rf / queries.length, r / queries.length);
                }
            }
            for (var run : runs) for (int w = 0; w < 5; w++) for (int i = 0; i < queries.length; i += 10) run.accept(i); // warm-up, JIT
            double[][] qps = new double[runs.size()][rounds];
            for (int r = 0; r < rounds; r++) {
                for (int v = 0; v < runs.size(); v++) { // ≥ 1 s of CPU each: the process clock ticks every 10 ms
                    long t = cpuNanos();
                    int done = 0;
                    while (cpuNanos() - t < 1_000_000_000L) {
                        runs.get(v).accept(done % queries.length);
                        done += 10;
                    }
                    qps[v][r] = done / ((cpuNanos() - t) / 1e9);
                }
                System.out.printf("round %d done, load %s%n", r + 1, Files.readString(Path.of("/proc/loadavg")).trim());
            }
            // per-query wall latency, the variants alternating query by query, so load hits all alike
            int passes = 5;
            long[][] lat = new long[runs.size()][passes * queries.length];
            for (int p = 0, at = 0; p < passes; p++) {
                for (int i = 0; i < queries.length; i++, at++) {
                    for (int v = 0; v < single.size(); v++) { // another query per variant: no warm caches
                        long t0 = System.nanoTime();
                        single.get(v).accept((i + 37 * v) % queries.length);
                        lat[v][at] = System.nanoTime() - t0;
                    }
                }
            }
            for (int v = 0; v < runs.size(); v++) {
                long[] l = lat[v];
                java.util.Arrays.sort(l);
                System.out.printf("%s wall per query p50=%.0fus p90=%.0fus p99=%.0fus%n", names.get(v),
                        l[l.length / 2] / 1e3, l[(int) (l.length * 0.9)] / 1e3, l[(int) (l.length * 0.99)] / 1e3);
            }
            for (int v = 0; v < runs.size(); v++) {
                double[] q = qps[v].clone();
                java.util.Arrays.sort(q);
                System.out.printf("%s qps(cpu) median=%.0f min=%.0f max=%.0f%n", names.get(v), q[q.length / 2], q[0], q[q.length - 1]);
            }
        }
    }

    /**
     * Per-query latency and CPU-time QPS of two saved indexes over the same vectors (say a float
     * and a quantized one written by the engine), queries = normalized sums of three stored
     * vectors (like the retrieve bench's summed word embeddings), the two alternating query by
     * query on different queries.
     */
    static void files(Path a, Path b, int k, int ef) throws Exception {
        try (VectorIndex x = VectorIndex.open(a); VectorIndex y = VectorIndex.open(b)) {
            Random random = new Random(42);
            float[][] queries = new float[1000][];
            for (int i = 0; i < queries.length; i++) {
                float[] q = new float[x.config().dimension()];
                for (int t = 0; t < 3; t++) {
                    float[] v = x.vector(random.nextInt(x.size()));
                    if (v != null) for (int d = 0; d < q.length; d++) q[d] += v[d];
                }
                queries[i] = Vectors.normalize(q);
            }
            SearchOptions o = SearchOptions.defaults().withStrategy(SearchOptions.Strategy.HNSW).withEfSearch(ef);
            VectorIndex[] idx = {x, y};
            double overlap = 0;
            for (float[] q : queries) overlap += Vectors.recall(y.search(q, k, o).ordinals(), x.search(q, k, o).ordinals());
            System.out.printf("%s quantized=%s vs %s quantized=%s, k=%d ef=%d, result overlap %.4f%n", a.getFileName(),
                    x.config().quantized(), b.getFileName(), y.config().quantized(), k, ef, overlap / queries.length);
            float[][] data = new float[x.size()][];
            for (int i = 0; i < data.length; i++) data[i] = x.vector(i);
            float[][] data2 = new float[y.size()][];
            for (int i = 0; i < data2.length; i++) data2[i] = y.vector(i);
            int same = 0;
            for (int i = 0; i < data.length; i++) if (java.util.Arrays.equals(data[i], data2[i])) same++;
            System.out.printf("identical stored vectors: %d of %d%n", same, data.length);
            int[] argmax = new int[x.config().dimension()];
            double ratio = 0, levels = 0;
            for (float[] v : data) {
                int m = 0;
                double sq = 0;
                for (int d = 0; d < v.length; d++) {
                    if (Math.abs(v[d]) > Math.abs(v[m])) m = d;
                    sq += v[d] * v[d];
                }
                argmax[m]++;
                double rms = Math.sqrt(sq / v.length);
                ratio += Math.abs(v[m]) / rms / data.length;
                levels += 127 * rms / Math.abs(v[m]) / data.length; // int8 steps per typical component
            }
            int top = 0;
            for (int d = 0; d < argmax.length; d++) if (argmax[d] > argmax[top]) top = d;
            System.out.printf("largest |component| in dimension %d for %.1f%% of vectors; max|x|/rms %.1f on average, "
                    + "so a typical component gets ±%.1f int8 steps%n", top, 100.0 * argmax[top] / data.length, ratio, levels);
            for (int ef2 : new int[] {128, 300}) {
                SearchOptions o2 = o.withEfSearch(ef2);
                double[] r = new double[2];
                for (int i = 0; i < 200; i++) {
                    int[] truth = Vectors.bruteForce(Similarity.DOT_PRODUCT, data, queries[i], k, n -> data[n] != null);
                    r[0] += Vectors.recall(x.search(queries[i], k, o2).ordinals(), truth) / 200;
                    r[1] += Vectors.recall(y.search(queries[i], k, o2).ordinals(), truth) / 200;
                }
                System.out.printf("ef=%d recall@%d first %.4f second %.4f (200 queries)%n", ef2, k, r[0], r[1]);
            }
            for (int w = 0; w < 3; w++) for (float[] q : queries) for (VectorIndex v : idx) v.search(q, k, o);
            long[][] lat = new long[2][3 * queries.length];
            long[] cpu = new long[2];
            for (int p = 0, at = 0; p < 3; p++) {
                for (int i = 0; i < queries.length; i++, at++) {
                    for (int v = 0; v < 2; v++) {
                        long t0 = System.nanoTime();
                        idx[v].search(queries[(i + 500 * v) % queries.length], k, o);
                        lat[v][at] = System.nanoTime() - t0;
                    }
                }
            }
            for (int v = 0; v < 2; v++) {
                long[] l = lat[v];
                java.util.Arrays.sort(l);
                System.out.printf("%s wall per query p50=%.0fus p90=%.0fus p99=%.0fus p99.9=%.0fus max=%.0fus%n",
                        v == 0 ? "first " : "second", l[l.length / 2] / 1e3, l[(int) (l.length * 0.9)] / 1e3,
                        l[(int) (l.length * 0.99)] / 1e3, l[(int) (l.length * 0.999)] / 1e3, l[l.length - 1] / 1e3);
            }
        }
    }

    /**
     * How well int8 codes rank, without a graph: for 200 queries (normalized sums of three stored
     * vectors of the index in {@code file}), the top {@code r} of all vectors by approximate score,
     * re-ranked by the float score, against the exact top {@code k}. Quantizers: the index's
     * (per-vector scale, int8 query); the same with a float query; and both after subtracting the
     * mean of the first 10,000 vectors (rankings by dot product do not change under that shift).
     */
    static void quantizers(Path file, int k, int r) throws Exception {
        try (VectorIndex x = VectorIndex.open(file)) {
            int n = x.size(), dim = x.config().dimension();
            float[][] data = new float[n][];
            for (int i = 0; i < n; i++) data[i] = x.vector(i);
            float[] mu = new float[dim];
            int m = Math.min(n, 10_000);
            for (int i = 0; i < m; i++) for (int d = 0; d < dim; d++) mu[d] += data[i][d] / m;
            Random random = new Random(42);
            float[][] queries = new float[200][];
            for (int i = 0; i < queries.length; i++) {
                float[] q = new float[dim];
                for (int t = 0; t < 3; t++) {
                    float[] v = data[random.nextInt(n)];
                    for (int d = 0; d < dim; d++) q[d] += v[d];
                }
                queries[i] = Vectors.normalize(q);
            }
            String[] names = {"per-vector scale, int8 query (the index's)", "per-vector scale, float query",
                    "centred, per-vector scale, int8 query", "centred, per-vector scale, float query"};
            for (int variant = 0; variant < 4; variant++) {
                boolean centred = variant >= 2, floatQuery = variant % 2 == 1;
                byte[][] codes = new byte[n][dim];
                float[] scales = new float[n];
                for (int i = 0; i < n; i++) {
                    float[] v = data[i];
                    if (centred) {
                        v = v.clone();
                        for (int d = 0; d < dim; d++) v[d] -= mu[d];
                    }
                    scales[i] = dev.engram.index.internal.Quantizer.scale(v);
                    dev.engram.index.internal.Quantizer.encode(v, scales[i], codes[i]);
                }
                double recall = 0;
                for (float[] q : queries) {
                    int[] truth = Vectors.bruteForce(Similarity.DOT_PRODUCT, data, q, k, i -> true);
                    float[] qq = q;
                    byte[] qc = new byte[dim];
                    float qs = dev.engram.index.internal.Quantizer.scale(qq);
                    dev.engram.index.internal.Quantizer.encode(qq, qs, qc);
                    long[] top = new long[n];
                    for (int i = 0; i < n; i++) {
                        float sc;
                        if (floatQuery) {
                            float acc = 0;
                            for (int d = 0; d < dim; d++) acc += qq[d] * codes[i][d];
                            sc = acc * scales[i];
                        } else {
                            int acc = 0;
                            for (int d = 0; d < dim; d++) acc += qc[d] * codes[i][d];
                            sc = acc * scales[i] * qs;
                        }
                        top[i] = dev.engram.index.internal.LongHeap.pack(sc, i);
                    }
                    java.util.Arrays.sort(top);
                    long[] re = new long[r];
                    for (int j = 0; j < r; j++) {
                        int node = dev.engram.index.internal.LongHeap.node(top[n - 1 - j]);
                        re[j] = dev.engram.index.internal.LongHeap.pack((float) Vectors.similarity(Similarity.DOT_PRODUCT, q, data[node]), node);
                    }
                    java.util.Arrays.sort(re);
                    int[] found = new int[k];
                    for (int j = 0; j < k; j++) found[j] = dev.engram.index.internal.LongHeap.node(re[r - 1 - j]);
                    recall += Vectors.recall(found, truth) / queries.length;
                }
                System.out.printf("%-45s recall@%d of the int8 top %d re-ranked: %.4f%n", names[variant], k, r, recall);
            }
        }
    }

    static VectorIndex buildOrOpen(Path file, IndexConfig cfg, float[][] data) throws Exception {
        if (Files.exists(file)) {
            VectorIndex index = VectorIndex.open(file);
            if (index.config().equals(cfg) && index.size() == data.length) return index;
            index.close();
            throw new IllegalStateException(file + " holds another index; delete it");
        }
        VectorIndex index = VectorIndex.create(cfg);
        long c0 = cpuNanos();
        for (float[] v : data) index.add(v);
        System.out.printf("built %s in %.1fs cpu%n", file.getFileName(), (cpuNanos() - c0) / 1e9);
        index.save(file);
        return index;
    }

    static float[] perturb(Random r, float[] v, float noise) {
        float[] out = v.clone();
        float s = noise / (float) Math.sqrt(v.length);
        for (int i = 0; i < out.length; i++) out[i] += (float) r.nextGaussian() * s;
        return Vectors.normalize(out);
    }

    /** QPS of exact scan vs HNSW (default parameters) at growing sizes. */
    static void crossover(int dim) {
        Random random = new Random(42);
        int max = 16_000;
        float[][] data = Vectors.clustered(random, max, dim, 64, RecallTest.NOISE);
        float[][] queries = new float[100][];
        for (int i = 0; i < queries.length; i++) queries[i] = perturb(random, data[random.nextInt(max)], RecallTest.QUERY_NOISE);
        try (VectorIndex index = VectorIndex.create(IndexConfig.defaults(dim))) {
            int added = 0;
            for (int size : new int[] {250, 500, 1000, 1500, 2000, 3000, 4000, 6000, 8000, 12000, 16000}) {
                while (added < size) index.add(data[added++]);
                double exact = qps(index, queries, SearchOptions.defaults().withStrategy(SearchOptions.Strategy.EXACT));
                double hnsw = qps(index, queries, SearchOptions.defaults().withStrategy(SearchOptions.Strategy.HNSW));
                System.out.printf("size=%6d exact=%8.0f qps hnsw=%8.0f qps  hnsw/exact=%.2f%n", size, exact, hnsw, hnsw / exact);
            }
        }
    }

    /**
     * Queries per second of this thread's CPU time (not wall time: the machine is shared, and CPU
     * time is what a query costs when the core is ours).
     */
    static double qps(VectorIndex index, float[][] queries, SearchOptions o) {
        for (int w = 0; w < 3; w++) for (float[] q : queries) index.search(q, K, o);
        long t = cpuNanos();
        int rounds = 0;
        while (cpuNanos() - t < 1_000_000_000L) {
            for (float[] q : queries) index.search(q, K, o);
            rounds++;
        }
        return rounds * queries.length / ((cpuNanos() - t) / 1e9);
    }

    /** CPU time of the whole process (java.base has no per-thread clock; JIT and GC are idle by then). */
    static long cpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().orElseThrow().toNanos();
    }
}
