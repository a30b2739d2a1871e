package dev.engram.bench.lifecycle;

import dev.engram.Engram;
import dev.engram.NewMemory;
import dev.engram.PurgeReceipt;
import dev.engram.bench.BenchEnv;
import dev.engram.extraction.embed.Embedder;
import dev.engram.memory.UserId;
import dev.engram.wal.Durability;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * {@code bench/run lifecycle [--quick]}: purge latency of users with 100, 10,000 and (not with
 * {@code --quick}) 100,000 memories (the user open in the cache, its records in the WAL, a second
 * user's data beside it), export throughput (every version, NDJSON, to a null stream) of a
 * 10,000-memory user, and the consolidation ratio of a long synthetic history
 * ({@link ConsolidationHistory}: one user, 400 days ≈ 2,400 turns, or 60 days with {@code --quick},
 * ingested through the whole engine with the bundled embedder). Purge and export memories are
 * loaded with {@code Durability.NONE} and a deterministic 384-d hash embedder (so those parts
 * measure the store, not ONNX); a purge's own fsyncs (intent, roll, checkpoint, deletions) are
 * unaffected by the mode. Ends with {@code RESULT lifecycle purge_p99_ms=<p99 over the 10k users>
 * export_mb_s=<x> consolidation_ratio=<ACTIVE memories after / before>}.
 */
public final class LifecycleSuite {
    private LifecycleSuite() {}

    /** A deterministic unit vector per text. */
    static final class HashEmbedder implements Embedder {
        public int dimension() { return 384; }
        public String modelId() { return "hash-384"; }
        public float[] embed(String text) {
            Random r = new Random(text.hashCode());
            float[] v = new float[384];
            double n = 0;
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) r.nextGaussian();
                n += v[i] * v[i];
            }
            float s = (float) (1 / Math.sqrt(n));
            for (int i = 0; i < v.length; i++) v[i] *= s;
            return v;
        }
        public float[] embedQuery(String text) { return embed(text); }
        public List<float[]> embedBatch(List<String> texts) { return texts.stream().map(this::embed).toList(); }
        public void close() {}
    }

    public static void main(String[] args) throws Exception {
        boolean quick = BenchEnv.quick(args);
        Path dir = Files.createTempDirectory("engram-lifecycle");
        try (Engram e = Engram.builder(dir).embedder(new HashEmbedder()).durability(Durability.NONE).open()) {
            load(e, UserId.of("bystander"), 1000, new Random(1));
            double[] small = purges(e, 100, quick ? 20 : 50);
            double[] large = purges(e, 10_000, quick ? 5 : 10);
            double[] huge = quick ? null : purges(e, 100_000, 3);
            UserId u = UserId.of("exported");
            load(e, u, 10_000, new Random(2));
            double mbs = 0;
            for (int i = 0; i < 3; i++) {
                CountingStream out = new CountingStream();
                long t0 = System.nanoTime();
                e.export(u, true, out);
                double s = (System.nanoTime() - t0) / 1e9;
                mbs = Math.max(mbs, out.bytes / 1e6 / s);
                System.out.printf("export of 10,000 memories: %.1f MB in %.0f ms%n", out.bytes / 1e6, s * 1000);
            }
            System.out.println();
            System.out.println("Purge latency (" + (quick ? "--quick" : "full") + ", " + Runtime.getRuntime().availableProcessors() + " cores)");
            System.out.printf("%-10s %6s %10s %10s %10s%n", "memories", "runs", "p50 ms", "p99 ms", "max ms");
            row(100, small);
            row(10_000, large);
            if (huge != null) row(100_000, huge);
            System.out.printf("export (all versions, NDJSON): %.1f MB/s (best of 3)%n", mbs);
            ConsolidationHistory.Result h;
            Path hdir = Files.createTempDirectory("engram-history");
            try {
                h = ConsolidationHistory.run(hdir, quick ? 60 : 400, 20261124L);
            } finally {
                delete(hdir);
            }
            var r = h.report();
            System.out.printf("consolidation of one user, %d turns: ACTIVE memories %d -> %d (ratio %.3f; EVENT %d -> %d);"
                    + " %d clusters, %d merged, %d events into %d summaries; %.1f s (ingestion %.1f s)%n", h.turns(),
                    r.memoriesBefore(), r.memoriesAfter(), h.ratio(), h.eventsBefore(), h.eventsAfter(), r.clusters(), r.merged(),
                    r.summarized(), r.summaries(), h.seconds(), h.ingestSeconds());
            System.out.printf("RESULT lifecycle purge_p99_ms=%.0f export_mb_s=%.1f consolidation_ratio=%.3f%n", percentile(large, 0.99),
                    mbs, h.ratio());
        } finally {
            delete(dir);
        }
    }

    private static void delete(Path dir) throws java.io.IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static double[] purges(Engram e, int memories, int runs) {
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            UserId u = UserId.of("user-" + memories + "-" + i);
            load(e, u, memories, new Random(i));
            long t0 = System.nanoTime();
            PurgeReceipt r = e.purge(u);
            ms[i] = (System.nanoTime() - t0) / 1e6;
            if (r.memories() != memories) throw new IllegalStateException("purged " + r.memories() + " of " + memories);
        }
        return ms;
    }

    private static void load(Engram e, UserId u, int n, Random r) {
        for (int i = 0; i < n; i++) {
            e.add(u, NewMemory.of("memory " + i + " of " + u.value() + " about topic " + r.nextInt(1000) + " and " + Long.toHexString(r.nextLong())));
        }
    }

    private static void row(int memories, double[] ms) {
        System.out.printf("%-10d %6d %10.1f %10.1f %10.1f%n", memories, ms.length, percentile(ms, 0.5), percentile(ms, 0.99),
                Arrays.stream(ms).max().orElse(0));
    }

    private static double percentile(double[] v, double q) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.ceil(q * s.length) - 1)];
    }

    private static final class CountingStream extends OutputStream {
        long bytes;

        @Override
        public void write(int b) {
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes += len;
        }
    }
}
