package dev.engram.bench.hnsw;

import dev.engram.bench.BenchEnv;
import dev.engram.bench.data.Dataset;
import dev.engram.bench.data.Datasets;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code bench/run hnsw [--quick] [--libs=a,b] [--sizes=10000,100000] [--data=real,synthetic]}: Engram's vector index
 * side by side with Lucene HNSW, JVector, hnswlib-java and an exact scan, on real sentence
 * embeddings and a synthetic clustered set. Prepares the data and ground truth here, then runs
 * each library on each size in a JVM of its own ({@link Worker}) and prints one table per data
 * set and size, ending with
 * {@code RESULT hnsw qps_ratio_vs_lucene=… qps_ratio_vs_jvector=… recall=…} (real, 100k,
 * single-thread QPS at the first ef reaching recall@10 ≥ 0.95).
 *
 * <p>{@code --quick} shortens the JMH runs (2×1 s warm-up, 3×1 s measurement instead of 3×1 s
 * and 5×2 s) and drops the synthetic 100k set; everything else is the same.
 */
public final class HnswSuite {
    private static final long SYNTHETIC_SEED = 0x5EED_0384L;
    private static final int MAX_BASE = 100_000;

    private HnswSuite() {}

    public static void main(String[] args) throws Exception {
        Locale.setDefault(Locale.ROOT);
        boolean quick = BenchEnv.quick(args);
        List<String> libs = new ArrayList<>();
        for (String l : option(args, "--libs", String.join(",", Libraries.ALL)).split(",")) {
            if (Libraries.available(l)) libs.add(l);
            else System.out.println("skipping " + l + ": not available in this build");
        }
        int[] sizes = Arrays.stream(option(args, "--sizes", "10000,100000").split(",")).mapToInt(Integer::parseInt).toArray();
        System.out.printf("hnsw suite%s: k=%d, M=%d (level-0 degree %d), efConstruction=%d, dot product on unit vectors, single-thread builds%n",
                quick ? " (--quick)" : "", Params.K, Params.M, Params.LEVEL0_DEGREE, Params.EF_CONSTRUCTION);
        System.out.printf("machine: %d cores visible, JDK %s; shared with other work, so figures are disturbed: compare ratios%n",
                Runtime.getRuntime().availableProcessors(), Runtime.version());

        List<String> data = List.of(option(args, "--data", "real,synthetic").split(","));
        List<Dataset> sets = new ArrayList<>();
        if (data.contains("real")) sets.add(Datasets.real(MAX_BASE));
        if (data.contains("synthetic")) sets.add(Datasets.synthetic(quick ? 10_000 : MAX_BASE, 384, 100, SYNTHETIC_SEED));

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
                for (String lib : libs) {
                    Map<String, String> row = runWorker(lib, d, n, gtFile, gtKey, fgtFile, fgtKey, quick);
                    rows.put(lib, row);
                }
                tables.put(title, rows);
                printTable(title, rows);
            }
        }

        System.out.println();
        System.out.println("==== summary (QPS = JMH median ops/s, single thread unless marked; recall = recall@10 vs brute force)");
        tables.forEach(HnswSuite::printTable);
        Map<String, Map<String, String>> headline = tables.entrySet().stream()
                .filter(e -> e.getKey().startsWith("real, " + String.format("%,d", MAX_BASE) + " "))
                .map(Map.Entry::getValue).findFirst().orElse(Map.of());
        System.out.printf("RESULT hnsw qps_ratio_vs_lucene=%s qps_ratio_vs_jvector=%s recall=%s%n",
                ratio(headline, "engram", "lucene"), ratio(headline, "engram", "jvector"),
                headline.getOrDefault("engram", Map.of()).getOrDefault("recall95", "n/a"));
    }

    private static String ratio(Map<String, Map<String, String>> rows, String a, String b) {
        String qa = rows.getOrDefault(a, Map.of()).get("qps95");
        String qb = rows.getOrDefault(b, Map.of()).get("qps95");
        if (qa == null || qb == null) return "n/a";
        return String.format("%.2f", Double.parseDouble(qa) / Double.parseDouble(qb));
    }

    private static Map<String, String> runWorker(String lib, Dataset d, int n, Path gt, String gtKey, Path fgt, String fgtKey,
            boolean quick) throws Exception {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.add(System.getenv().getOrDefault("ENGRAM_BENCH_WORKER_HEAP", "-Xmx6g"));
        cmd.addAll(List.of(BenchEnv.jvmFlags()));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Worker.class.getName(), lib, d.file().toString(), d.key(),
                Integer.toString(n), gt.toString(), gtKey, fgt.toString(), fgtKey, Boolean.toString(quick)));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Map<String, String> row = new LinkedHashMap<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("ROW ")) {
                    for (String kv : line.substring(4).split(" ")) {
                        int eq = kv.indexOf('=');
                        row.put(kv.substring(0, eq), kv.substring(eq + 1));
                    }
                } else if (!line.isBlank()) {
                    System.out.println("  [" + lib + "] " + line);
                }
            }
        }
        int rc = p.waitFor();
        if (rc != 0 || row.isEmpty()) {
            System.out.println("  " + lib + ": worker failed (exit " + rc + "), see its output above");
            row.put("failed", "exit " + rc);
        }
        return row;
    }

    static void printTable(String title, Map<String, Map<String, String>> rows) {
        System.out.println();
        System.out.println(title);
        String fmt = "%-13s %8s %9s %12s %9s %12s %9s %11s %15s%n";
        System.out.printf(fmt, "library", "build s", "B/vector", "ef@.95 (rec)", "QPS@.95", "ef@.99 (rec)", "QPS@.99", "2T QPS@.95",
                "10% filt rec/QPS");
        for (var e : rows.entrySet()) {
            Map<String, String> r = e.getValue();
            if (r.containsKey("failed")) {
                System.out.printf("%-13s failed (%s)%n", e.getKey(), r.get("failed"));
                continue;
            }
            System.out.printf(fmt, e.getKey(), r.get("build_s"), r.get("bytes_per_vector"), efCell(r, "ef95", "recall95"),
                    r.getOrDefault("qps95", "-"), efCell(r, "ef99", "recall99"), r.getOrDefault("qps99", "-"),
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
