package dev.engram.bench.hnsw;

import dev.engram.bench.BenchEnv;
import dev.engram.bench.data.Datasets;
import dev.engram.bench.data.MatrixFile;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Measures one library on one data set size, in a JVM of its own (started by {@link HnswSuite}):
 * single-threaded build time, memory, a recall sweep over ef (unfiltered, and filtered at 10%
 * selectivity), printed as {@code ROW key=value …} per variant, then {@code READY}. It then
 * answers {@code RUN variant ef threads filtered} on stdin with one JMH throughput measurement
 * ({@code QPS median-ops/s}) until {@code END}, so the suite can interleave libraries in rounds.
 *
 * <p>Arguments: library, data file, data key, base size, ground-truth file, its key, filtered
 * ground-truth file, its key, quick (true/false).
 */
public final class Worker {
    static final int[] EF_GRID = {10, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024};
    static final double SELECTIVITY = 0.10;
    static final long FILTER_SEED = 0xF117E5L;

    private Worker() {}

    public static void main(String[] args) throws Exception {
        String lib = args[0];
        Path dataFile = Path.of(args[1]);
        String dataKey = args[2];
        int n = Integer.parseInt(args[3]);
        int[][] gt = MatrixFile.readInts(Path.of(args[4]), args[5]);
        int[][] gtFiltered = MatrixFile.readInts(Path.of(args[6]), args[7]);
        boolean quick = Boolean.parseBoolean(args[8]);
        if (gt == null || gtFiltered == null) throw new IllegalStateException("ground truth missing; run through HnswSuite");

        Map<String, String> row = new LinkedHashMap<>();
        row.put("lib", lib);
        row.put("n", Integer.toString(n));
        float[][] all = MatrixFile.readFloats(dataFile, dataKey);
        if (all == null) throw new IllegalStateException(dataFile + " missing or stale; run through HnswSuite");
        float[][] queries = Arrays.copyOfRange(all, 0, Datasets.QUERIES);
        float[][] base = Arrays.copyOfRange(all, Datasets.QUERIES, Datasets.QUERIES + n);
        all = null;
        BitSet filter = GroundTruth.filter(n, SELECTIVITY, FILTER_SEED);

        // Memory: heap retained after the build, plus what the library reports off heap. The base
        // arrays are subtracted from the baseline and dropped after the build, so they count as
        // the library's memory exactly when it keeps references to them instead of a copy.
        AnnIndex index = Libraries.create(lib);
        long heapBefore = usedHeapAfterGc() - (long) n * (16 + 4L * base[0].length);
        long t0 = System.nanoTime();
        index.build(base);
        double buildSec = (System.nanoTime() - t0) / 1e9;
        base = null;
        long heapAfter = usedHeapAfterGc();
        long heapRetained = Math.max(0, heapAfter - heapBefore);
        row.put("build_s", String.format("%.2f", buildSec));
        row.put("heap_bytes", Long.toString(heapRetained));
        row.put("offheap_bytes", Long.toString(index.offHeapBytes()));
        row.put("bytes_per_vector", String.format("%.0f", (heapRetained + index.offHeapBytes()) / (double) n));
        row.put("filter", index.filterMechanism().replace(' ', '_'));
        System.err.printf("%s n=%d: built in %.1f s, %.0f bytes/vector%n", lib, n, buildSec, (heapRetained + index.offHeapBytes()) / (double) n);

        Map<String, AnnIndex> variants = new LinkedHashMap<>();
        Map<String, Map<String, String>> rows = new LinkedHashMap<>();
        variants.put(index.name(), index);
        rows.put(index.name(), row);
        if (index instanceof EngramAnn engram) {
            Map<String, String> exact = new LinkedHashMap<>(row);
            exact.put("lib", "engram-exact");
            AnnIndex e = engram.exact();
            exact.put("filter", e.filterMechanism().replace(' ', '_'));
            variants.put(e.name(), e);
            rows.put(e.name(), exact);
        }
        for (var v : variants.entrySet()) {
            sweep(v.getValue(), queries, gt, gtFiltered, filter, rows.get(v.getKey()));
            emit(rows.get(v.getKey()));
        }
        System.out.println("READY");
        System.out.flush();

        // Throughput on request, so that the suite can interleave the libraries' measurements
        // in rounds (the machine's load changes over minutes; every library sees the same mix).
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String cmd; (cmd = in.readLine()) != null && !cmd.equals("END"); ) {
            String[] c = cmd.split(" "); // RUN variant ef threads filtered
            AnnIndex v = variants.get(c[1]);
            String qps = jmh(v, queries, Integer.parseInt(c[2]), Boolean.parseBoolean(c[4]) ? filter : null, Integer.parseInt(c[3]), quick);
            System.out.println("QPS " + qps);
            System.out.flush();
        }
        index.close();
    }

    private static void emit(Map<String, String> row) {
        StringBuilder line = new StringBuilder("ROW");
        row.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
        System.out.println(line);
    }

    /** Recall sweep over ef (plain harness: recall is a property of the graph, not a timing), filtered recall at ef95. */
    private static void sweep(AnnIndex index, float[][] queries, int[][] gt, int[][] gtFiltered, BitSet filter,
            Map<String, String> row) throws Exception {
        String lib = index.name();
        int ef95 = -1, ef99 = -1;
        double r95 = 0, r99 = 0;
        StringBuilder sweep = new StringBuilder();
        int[] grid = index.approximate() ? EF_GRID : new int[] {Params.K};
        recall(index, queries, gt, index.approximate() ? 64 : Params.K, null); // warm-up, so the first ef is not timed cold
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int ef : grid) {
            long s0 = System.nanoTime();
            long c0 = threads.getCurrentThreadCpuTime();
            double recall = recall(index, queries, gt, ef, null);
            double cpuQps = queries.length / ((threads.getCurrentThreadCpuTime() - c0) / 1e9);
            double qps = queries.length / ((System.nanoTime() - s0) / 1e9);
            sweep.append(ef).append(':').append(String.format("%.4f", recall)).append(':').append(String.format("%.0f", cpuQps)).append(',');
            System.err.printf("  %s ef=%d recall@10=%.4f (sweep: %.0f QPS wall, %.0f QPS of thread CPU time)%n", lib, ef, recall, qps, cpuQps);
            if (ef95 < 0 && recall >= 0.95) {
                ef95 = ef;
                r95 = recall;
                row.put("cpuqps95", String.format("%.0f", cpuQps));
            }
            if (ef99 < 0 && recall >= 0.99) {
                ef99 = ef;
                r99 = recall;
                row.put("cpuqps99", String.format("%.0f", cpuQps));
                break;
            }
        }
        row.put("sweep", sweep.toString());
        row.put("ef95", Integer.toString(ef95));
        row.put("recall95", String.format("%.4f", r95));
        row.put("ef99", Integer.toString(ef99));
        row.put("recall99", String.format("%.4f", r99));
        if (ef95 > 0) row.put("frecall", String.format("%.4f", recall(index, queries, gtFiltered, ef95, filter)));
    }

    static double recall(AnnIndex index, float[][] queries, int[][] gt, int ef, BitSet filter) throws Exception {
        double sum = 0;
        for (int q = 0; q < queries.length; q++) {
            int[] found = filter == null ? index.search(queries[q], Params.K, ef) : index.searchFiltered(queries[q], Params.K, ef, filter);
            sum += GroundTruth.recall(found, gt[q]);
        }
        return sum / queries.length;
    }

    /** Median ops/s over the JMH measurement iterations. */
    static String jmh(AnnIndex index, float[][] queries, int ef, BitSet filter, int threads, boolean quick) throws Exception {
        SearchBench.index = index;
        SearchBench.queries = queries;
        SearchBench.ef = ef;
        SearchBench.filter = filter;
        Options opt = new OptionsBuilder()
                .include(SearchBench.class.getName() + ".search")
                .forks(0)
                .threads(threads)
                .warmupIterations(quick ? 1 : 2).warmupTime(TimeValue.seconds(1))
                .measurementIterations(quick ? 2 : 3).measurementTime(TimeValue.seconds(1))
                .jvmArgsAppend(BenchEnv.jvmFlags())
                .verbosity(VerboseMode.SILENT)
                .build();
        List<RunResult> results = new ArrayList<>(new Runner(opt).run());
        var stats = results.getFirst().getPrimaryResult().getStatistics();
        double median = stats.getPercentile(50);
        System.err.printf("  %s ef=%d threads=%d filter=%s: %.0f ops/s (min %.0f, max %.0f)%n", index.name(), ef, threads,
                filter != null, median, stats.getMin(), stats.getMax());
        return String.format("%.0f", median);
    }

    static long usedHeapAfterGc() throws InterruptedException {
        var mx = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(50);
            used = Math.min(used, mx.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
