package dev.engram.bench.hnsw;

import dev.engram.bench.BenchEnv;
import dev.engram.bench.data.Dataset;
import dev.engram.bench.data.Datasets;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code bench/run hnsw [--quick] [--libs=a,b] [--sizes=10000,100000] [--data=real,synthetic] [--builds=parallel|sequential] [--real-max=N]}: Engram's vector index
 * side by side with Lucene HNSW, JVector, hnswlib-java and an exact scan, on real sentence
 * embeddings and a synthetic clustered set. Prepares the data and ground truth here, then runs
 * each library on each size in a JVM of its own ({@link Worker}) and prints one table per data
 * set and size, ending with
 * {@code RESULT hnsw qps_ratio_vs_lucene=… qps_ratio_vs_jvector=… recall=…} (real, 100k,
 * single-thread QPS at the first ef reaching recall@10 ≥ 0.95; from the synthetic 100k set, with a
 * NOTE line, when the run has no real 100k table, e.g. with {@code --real-max=10000}, which
 * limits the real set to 10k so that only 11,000 sentences need embedding).
 *
 * <p>{@code --quick} runs the real set only (add {@code --data=real,synthetic} for both), two
 * interleaved rounds of 1×1 s warm-up + 2×1 s measurement instead of three rounds of 2×1 s +
 * 3×1 s, and at 100k skips hnswlib (its scalar build is the slowest and it is not in the RESULT
 * line) and the 2-thread and filtered measurements, and builds the libraries' indexes at the same
 * time ({@code --builds=parallel}: each build is still single-threaded, in its own JVM; on this
 * shared 2-core machine that gives every library the same load, and fits the time budget);
 * everything else is the same.
 */
public final class HnswSuite {
    private static final long SYNTHETIC_SEED = 0x5EED_0384L;
    private static final int MAX_BASE = 100_000;

    private HnswSuite() {}

    public static void main(String[] args) throws Exception {
        Locale.setDefault(Locale.ROOT);
        long started = System.nanoTime();
        boolean quick = BenchEnv.quick(args);
        List<String> libs = new ArrayList<>();
        for (String l : option(args, "--libs", String.join(",", Libraries.ALL)).split(",")) {
            if (Libraries.available(l)) libs.add(l);
            else System.out.println("skipping " + l + ": not available in this build");
        }
        boolean parallelBuilds = option(args, "--builds", quick ? "parallel" : "sequential").equals("parallel");
        int[] sizes = Arrays.stream(option(args, "--sizes", "10000,100000").split(",")).mapToInt(Integer::parseInt).toArray();
        System.out.printf("hnsw suite%s: k=%d, M=%d (level-0 degree %d), efConstruction=%d, dot product on unit vectors, single-thread builds%n",
                quick ? " (--quick)" : "", Params.K, Params.M, Params.LEVEL0_DEGREE, Params.EF_CONSTRUCTION);
        System.out.printf("builds: %s%n", parallelBuilds
                ? "all libraries at once, each single-threaded in its own JVM (same machine load for all; --builds=sequential to change)"
                : "one library after the other, each single-threaded");
        System.out.printf("machine: %d cores visible, JDK %s; shared with other work, so figures are disturbed: compare ratios%n",
                Runtime.getRuntime().availableProcessors(), Runtime.version());

        List<String> data = List.of(option(args, "--data", quick ? "real" : "real,synthetic").split(","));
        List<Dataset> sets = new ArrayList<>();
        int realMax = Math.min(Integer.parseInt(option(args, "--real-max", Integer.toString(MAX_BASE))),
                Arrays.stream(sizes).max().orElse(MAX_BASE));
        if (data.contains("real")) sets.add(Datasets.real(realMax));
        if (data.contains("synthetic")) sets.add(Datasets.synthetic(MAX_BASE, 384, 100, SYNTHETIC_SEED));

        Map<String, Map<String, Map<String, String>>> tables = new LinkedHashMap<>();
        for (Dataset d : sets) {
            for (int n : sizes) {
                if (n > d.base().length) continue;
                Path gtFile = BenchEnv.cacheDir().resolve("gt-" + d.name() + "-" + n + ".ints");
                String gtKey = d.key() + "/n=" + n + "/k=" + Params.K;
                Path fgtFile = BenchEnv.cacheDir().resolve("gt-" + d.name() + "-" + n + "-filtered.ints");
                String fgtKey = gtKey + "/filter=" + Worker.SELECTIVITY + "/" + Long.toHexString(Worker.FILTER_SEED);
                float[][] base = Arrays.copyOf(d.base(), n);
                GroundTruth.load(gtFile, gtKey, base, d.queries(), Params.K, null);
                GroundTruth.load(fgtFile, fgtKey, base, d.queries(), Params.K, GroundTruth.filter(n, Worker.SELECTIVITY, Worker.FILTER_SEED));
                String title = String.format("%s, %,d vectors × %d (%s; %,d held-out queries)", d.name(), n, d.dimension(), d.provenance(),
                        d.queries().length);
                System.out.println();
                System.out.println("== " + title);
                Map<String, Map<String, String>> rows = new LinkedHashMap<>();
                List<WorkerProcess> workers = new ArrayList<>();
                try {
                    List<WorkerProcess> starting = new ArrayList<>();
                    for (String lib : libs) {
                        if (quick && n >= MAX_BASE && lib.equals("hnswlib")) {
                            System.out.println("  (--quick: hnswlib skipped at " + n + ", its scalar build takes the longest)");
                            continue;
                        }
                        WorkerProcess w = WorkerProcess.start(lib, d, n, gtFile, gtKey, fgtFile, fgtKey, quick);
                        if (parallelBuilds) {
                            starting.add(w);
                        } else {
                            ready(w, workers, rows);
                        }
                    }
                    for (WorkerProcess w : starting) ready(w, workers, rows);
                    measureThroughput(workers, quick ? (n >= MAX_BASE ? QUICK_LARGE_KINDS : KINDS) : KINDS, quick ? 2 : 3);
                } finally {
                    for (WorkerProcess w : workers) w.close();
                }
                tables.put(title, rows);
                printTable(title, rows);
            }
        }

        System.out.println();
        System.out.println("==== summary (QPS = JMH median ops/s over interleaved rounds, single thread unless marked;"
                + " cpuQPS = 1,000 queries / thread CPU time in the recall sweep; recall = recall@10 vs brute force)");
        tables.forEach(HnswSuite::printTable);
        String large = String.format("%,d", MAX_BASE) + " ";
        Map<String, Map<String, String>> headline = tables.entrySet().stream()
                .filter(e -> e.getKey().startsWith("real, " + large)).map(Map.Entry::getValue).findFirst().orElse(null);
        if (headline == null) {
            headline = tables.entrySet().stream().filter(e -> e.getKey().startsWith("synthetic, " + large))
                    .map(Map.Entry::getValue).findFirst().orElse(Map.of());
            System.out.println("NOTE: no real " + large.trim() + " table in this run; the RESULT line below is from "
                    + (headline.isEmpty() ? "nothing (n/a)" : "the synthetic " + large.trim() + " set"));
        }
        System.out.printf("(suite took %.1f min)%n", (System.nanoTime() - started) / 60e9);
        System.out.printf("NOTE same point by thread CPU time (less disturbed by the shared machine): engram/lucene=%s engram/jvector=%s%n",
                ratio(headline, "engram", "lucene", "cpuqps95"), ratio(headline, "engram", "jvector", "cpuqps95"));
        System.out.printf("RESULT hnsw qps_ratio_vs_lucene=%s qps_ratio_vs_jvector=%s recall=%s%n",
                ratio(headline, "engram", "lucene"), ratio(headline, "engram", "jvector"),
                headline.getOrDefault("engram", Map.of()).getOrDefault("recall95", "n/a"));
    }

    private static String ratio(Map<String, Map<String, String>> rows, String a, String b) {
        return ratio(rows, a, b, "qps95");
    }

    private static String ratio(Map<String, Map<String, String>> rows, String a, String b, String column) {
        String qa = rows.getOrDefault(a, Map.of()).get(column);
        String qb = rows.getOrDefault(b, Map.of()).get(column);
        if (qa == null || qb == null) return "n/a";
        return String.format("%.2f", Double.parseDouble(qa) / Double.parseDouble(qb));
    }

    private static void ready(WorkerProcess w, List<WorkerProcess> workers, Map<String, Map<String, String>> rows) {
        try {
            w.awaitReady();
            workers.add(w);
            for (Map<String, String> row : w.rows()) rows.put(row.get("lib"), row);
        } catch (IOException e) {
            System.out.println("  " + e.getMessage());
            rows.put(w.lib(), new LinkedHashMap<>(Map.of("lib", w.lib(), "failed", "worker failed")));
        }
    }

    /** One throughput measurement: which column, at which recall target's ef, threads, filtered. */
    record Kind(String column, String efKey, int threads, boolean filtered) {}

    static final List<Kind> KINDS = List.of(new Kind("qps95", "ef95", 1, false), new Kind("qps99", "ef99", 1, false),
            new Kind("qps95_2t", "ef95", 2, false), new Kind("fqps", "ef95", 1, true));
    static final List<Kind> QUICK_LARGE_KINDS = KINDS.subList(0, 2);

    /**
     * JMH throughput for every variant of every live worker, interleaved: each round measures
     * every kind once per variant, in the same order, and the table shows the median over rounds.
     * The load of this shared machine drifts over minutes; interleaving gives every library the
     * same mix of it, which is what keeps the ratios meaningful.
     */
    private static void measureThroughput(List<WorkerProcess> workers, List<Kind> kinds, int rounds) throws Exception {
        Map<Map<String, String>, Map<String, List<Double>>> values = new LinkedHashMap<>();
        for (int round = 1; round <= rounds; round++) {
            StringBuilder progress = new StringBuilder("  round " + round + "/" + rounds + ":");
            for (Kind kind : kinds) {
                for (WorkerProcess w : workers) {
                    for (Map<String, String> row : w.rows()) {
                        int ef = Integer.parseInt(row.getOrDefault(kind.efKey(), "-1"));
                        if (ef <= 0) continue;
                        String variant = row.get("lib");
                        boolean exact = variant.endsWith("-exact");
                        if (exact && kind.column().equals("qps99")) continue; // exact: the same run as qps95
                        double qps = w.run(variant, ef, kind.threads(), kind.filtered());
                        values.computeIfAbsent(row, r -> new LinkedHashMap<>()).computeIfAbsent(kind.column(), c -> new ArrayList<>()).add(qps);
                        progress.append(String.format(" %s/%s=%.0f", variant, kind.column(), qps));
                    }
                }
            }
            System.out.println(progress);
        }
        values.forEach((row, byKind) -> byKind.forEach((column, list) -> {
            List<Double> sorted = list.stream().sorted().toList();
            double median = sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
                    : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
            row.put(column, String.format("%.0f", median));
            row.put(column + "_range", String.format("%.0f-%.0f", sorted.getFirst(), sorted.getLast()));
            if (row.get("lib").endsWith("-exact") && column.equals("qps95")) {
                row.put("qps99", row.get(column));
                row.put("qps99_range", row.get(column + "_range"));
            }
        }));
    }

    static void printTable(String title, Map<String, Map<String, String>> rows) {
        System.out.println();
        System.out.println(title);
        String fmt = "%-13s %8s %9s %12s %8s %12s %8s %12s %8s %8s %11s %16s%n";
        System.out.printf(fmt, "library", "build s", "B/vector", "ef@.95 (rec)", "QPS@.95", "(range)", "cpuQPS", "ef@.99 (rec)", "QPS@.99",
                "cpuQPS", "2T QPS@.95", "10% filt rec/QPS");
        for (var e : rows.entrySet()) {
            Map<String, String> r = e.getValue();
            if (r.containsKey("failed")) {
                System.out.printf("%-13s failed (%s)%n", e.getKey(), r.get("failed"));
                continue;
            }
            System.out.printf(fmt, e.getKey(), r.get("build_s"), r.get("bytes_per_vector"), efCell(r, "ef95", "recall95"),
                    r.getOrDefault("qps95", "-"), r.getOrDefault("qps95_range", "-"), r.getOrDefault("cpuqps95", "-"),
                    efCell(r, "ef99", "recall99"), r.getOrDefault("qps99", "-"), r.getOrDefault("cpuqps99", "-"),
                    r.getOrDefault("qps95_2t", "-"), r.getOrDefault("frecall", "-") + "/" + r.getOrDefault("fqps", "-"));
        }
    }

    private static String efCell(Map<String, String> r, String ef, String recall) {
        String e = r.getOrDefault(ef, "-1");
        if (e.equals("-1")) return "not reached";
        return e + " (" + r.get(recall).replace("0.", ".") + ")";
    }

    private static String option(String[] args, String name, String dflt) {
        for (String a : args) if (a.startsWith(name + "=")) return a.substring(name.length() + 1);
        return dflt;
    }
}
