package dev.engram.bench.wal;

import dev.engram.bench.BenchEnv;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.util.Statistics;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * {@code bench/run wal [--quick]}: durable append throughput and latency of Engram's WAL against
 * RocksDB (sync writes), 128 B and 1 KiB records, 1 / 8 / 64 writer threads, in one run. Prints a
 * table and ends with {@code RESULT wal ratio_vs_rocksdb=<min over configurations>}, where the ratio
 * is Engram's throughput divided by RocksDB's for the same record size and thread count.
 *
 * <p>Throughput is derived from JMH's sample mode: threads / mean time per append. Each configuration
 * runs in its own JMH fork, the two engines alternately, for 2 (quick) or 3 rounds; the table shows
 * the median of the rounds.
 */
public final class WalSuite {
    private WalSuite() {}

    private record Row(String engine, int size, int threads, double opsPerSec, double p50us, double p99us, long samples) {}

    public static void main(String[] args) throws Exception {
        boolean quick = BenchEnv.quick(args);
        int rounds = quick ? 2 : 3;
        List<String> jvmArgs = new ArrayList<>(List.of(BenchEnv.jvmFlags()));
        jvmArgs.add("-Xmx2g");
        // The machine is shared and noisy: run the two engines alternately, configuration by
        // configuration, for several rounds, and keep the median of each configuration.
        Map<String, List<Row>> byConfig = new LinkedHashMap<>();
        for (int round = 1; round <= rounds; round++) {
            for (int threads : new int[] {1, 8, 64}) {
                for (int size : new int[] {128, 1024}) {
                    for (String engine : new String[] {"engram", "rocksdb"}) {
                        Row row = run(engine, size, threads, quick, jvmArgs);
                        System.out.printf("round %d/%d: %s%n", round, rounds, row);
                        byConfig.computeIfAbsent(engine + "/" + size + "/" + threads, k -> new ArrayList<>()).add(row);
                    }
                }
            }
        }
        List<Row> rows = new ArrayList<>();
        for (List<Row> runs : byConfig.values()) {
            Row first = runs.getFirst();
            rows.add(new Row(first.engine, first.size, first.threads, median(runs, Row::opsPerSec),
                    median(runs, Row::p50us), median(runs, Row::p99us), runs.stream().mapToLong(Row::samples).sum()));
        }
        rows.sort(java.util.Comparator.comparingInt(Row::size).thenComparingInt(Row::threads).thenComparing(Row::engine));
        print(rows, quick, rounds);
    }

    private static double median(List<Row> runs, java.util.function.ToDoubleFunction<Row> f) {
        double[] v = runs.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static Row run(String engine, int size, int threads, boolean quick, List<String> jvmArgs) throws Exception {
        Options opts = new OptionsBuilder()
                .include(WalAppendBenchmark.class.getName() + ".append")
                .param("engine", engine)
                .param("recordSize", Integer.toString(size))
                .threads(threads)
                .forks(1)
                .warmupIterations(1)
                .warmupTime(TimeValue.seconds(quick ? 1 : 3))
                .measurementIterations(quick ? 2 : 4)
                .measurementTime(TimeValue.seconds(quick ? 2 : 4))
                .jvmArgsAppend(jvmArgs.toArray(String[]::new))
                .shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT)
                .build();
        Collection<RunResult> results = new Runner(opts).run();
        RunResult r = results.iterator().next();
        BenchmarkParams p = r.getParams();
        Statistics stats = r.getPrimaryResult().getStatistics();
        return new Row(p.getParam("engine"), Integer.parseInt(p.getParam("recordSize")), p.getThreads(),
                p.getThreads() * 1e6 / stats.getMean(), stats.getPercentile(50), stats.getPercentile(99), stats.getN());
    }

    private static void print(List<Row> rows, boolean quick, int rounds) {
        System.out.println();
        System.out.println("WAL durable appends (SYNC / sync=true), " + (quick ? "--quick" : "full") + " run, median of "
                + rounds + " rounds, " + Runtime.getRuntime().availableProcessors() + " cores");
        System.out.printf("%-8s %7s %7s %14s %10s %10s %10s%n", "engine", "record", "threads", "appends/s", "p50 us", "p99 us", "ratio");
        Map<String, Row> rocks = new LinkedHashMap<>();
        for (Row r : rows) if (r.engine.equals("rocksdb")) rocks.put(r.size + "/" + r.threads, r);
        double minRatio = Double.MAX_VALUE;
        for (int size : new int[] {128, 1024}) {
            for (Row r : rows) {
                if (r.size != size) continue;
                Row peer = rocks.get(r.size + "/" + r.threads);
                String ratio = "";
                if (r.engine.equals("engram") && peer != null) {
                    double q = r.opsPerSec / peer.opsPerSec;
                    minRatio = Math.min(minRatio, q);
                    ratio = String.format("%.2f", q);
                }
                System.out.printf("%-8s %7d %7d %14.0f %10.1f %10.1f %10s%n", r.engine, r.size, r.threads, r.opsPerSec, r.p50us, r.p99us, ratio);
            }
        }
        System.out.printf("RESULT wal ratio_vs_rocksdb=%.2f%n", minRatio == Double.MAX_VALUE ? 0.0 : minRatio);
    }
}
