package dev.engram.bench.crypto;

import dev.engram.bench.BenchEnv;
import dev.engram.bench.store.MemoryGenerator;
import dev.engram.internal.crypto.MasterKey;
import dev.engram.internal.lexical.TextAnalyzer;
import dev.engram.internal.store.MemoryStore;
import dev.engram.memory.Memory;
import dev.engram.memory.UserId;
import dev.engram.wal.Durability;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * {@code bench/run crypto [--quick]}: the cost of crypto-shredding, the same workload through the
 * WAL-backed {@link MemoryStore} without and with a master key (docs/privacy.md):
 * <ol>
 *   <li>put throughput: writes of one memory with a 384-d embedding each, round-robin over the users,
 *       under {@code Durability.NONE} (so the CPU cost of encoding, encrypting and applying shows,
 *       not the fsync) and under SYNC (what a caller sees);</li>
 *   <li>checkpoint, close, reopen; cold open of each small user (open its directory: read, decrypt
 *       and decode its segments and indexes, rebuild or map its vectors; first {@code current});</li>
 *   <li>cold open of one large user;</li>
 *   <li>warm retrieval: BM25 top-10 and vector top-10 on open users.</li>
 * </ol>
 * Ends with {@code RESULT crypto …} comparing the two. Data under {@code bench/cache}, deleted at the end.
 */
public final class CryptoSuite {
    public static void main(String[] args) throws Exception {
        boolean quick = BenchEnv.quick(args);
        int users = quick ? 200 : 1000;
        int perUser = 20;
        int large = quick ? 5_000 : 20_000;
        int syncWrites = quick ? 300 : 1000;
        Path base = BenchEnv.cacheDir().resolve("crypto-" + System.nanoTime());
        System.out.printf("crypto-shredding cost: %d users x %d memories, one user of %d, 384-d embeddings%n", users, perUser, large);
        // Two rounds, alternating, so neither variant pays the JIT warm-up alone; the second round is reported.
        Result plain = null;
        Result enc = null;
        for (int round = 1; round <= 2; round++) {
            plain = run(base.resolve("plain" + round), null, users, perUser, large, syncWrites);
            enc = run(base.resolve("enc" + round), MasterKey.random(), users, perUser, large, syncWrites);
            System.out.println("round " + round + ": plain " + plain + "\n         encrypted " + enc);
        }
        System.out.printf("%-40s %14s %14s%n", "", "plain", "encrypted");
        row("put, Durability.NONE (writes/s)", plain.putNone, enc.putNone);
        row("put, SYNC, 1 thread (writes/s)", plain.putSync, enc.putSync);
        row("cold open small user p50 (ms)", plain.coldP50, enc.coldP50);
        row("cold open small user p99 (ms)", plain.coldP99, enc.coldP99);
        row("cold open " + large + "-memory user, no index files (ms)", plain.largeRebuildMs, enc.largeRebuildMs);
        row("cold open " + large + "-memory user, compacted (ms)", plain.largeOpenMs, enc.largeOpenMs);
        row("BM25 top-10 p50 (us)", plain.lexP50, enc.lexP50);
        row("vector top-10 p50 (us)", plain.vecP50, enc.vecP50);
        row("disk bytes per memory", plain.bytesPerMemory, enc.bytesPerMemory);
        System.out.printf("RESULT crypto put_none_ratio=%.2f put_sync_ratio=%.2f cold_p50_ms=%.2f/%.2f large_open_ms=%.0f/%.0f%n",
                enc.putNone / plain.putNone, enc.putSync / plain.putSync, plain.coldP50, enc.coldP50, plain.largeOpenMs, enc.largeOpenMs);
        delete(base);
    }

    private static void row(String what, double a, double b) {
        System.out.printf("%-40s %14.2f %14.2f%n", what, a, b);
    }

    record Result(double putNone, double putSync, double coldP50, double coldP99, double largeRebuildMs, double largeOpenMs,
            double lexP50, double vecP50, double bytesPerMemory) {}

    private static Result run(Path dir, MasterKey master, int users, int perUser, int large, int syncWrites) throws Exception {
        Path data = dir.resolve("data");
        MemoryStore.Options o = MemoryStore.Options.defaults().withDurability(Durability.NONE).withCheckpointWalBytes(Long.MAX_VALUE)
                .withEncryption(master, dir.resolve("keys"));
        MemoryGenerator gen = new MemoryGenerator(42);
        List<UserId> ids = new ArrayList<>();
        for (int u = 0; u < users; u++) ids.add(UserId.of("user-" + u));
        UserId big = UserId.of("large-user");
        List<String> queries = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        double putNone;
        try (TextAnalyzer a = new TextAnalyzer(); MemoryStore s = MemoryStore.open(data, a, o, MemoryStore.EventSink.NONE)) {
            int n = users * perUser;
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                UserId u = ids.get(i % users);
                Memory m = gen.memory(u);
                float[] v = gen.embedding();
                if (i < 200) {
                    queries.add(m.content());
                    vectors.add(v);
                }
                s.write(u, List.of(new MemoryStore.Mutation.Put(m, v)));
            }
            putNone = n / ((System.nanoTime() - t0) / 1e9);
            for (int i = 0; i < large; i++) s.write(big, List.of(new MemoryStore.Mutation.Put(gen.memory(big), gen.embedding())));
            s.checkpoint();
        }
        double putSync;
        MemoryStore.Options sync = o.withDurability(Durability.SYNC);
        try (TextAnalyzer a = new TextAnalyzer(); MemoryStore s = MemoryStore.open(data, a, sync, MemoryStore.EventSink.NONE)) {
            long t0 = System.nanoTime();
            for (int i = 0; i < syncWrites; i++) {
                UserId u = ids.get(i % users);
                s.write(u, List.of(new MemoryStore.Mutation.Put(gen.memory(u), gen.embedding())));
            }
            putSync = syncWrites / ((System.nanoTime() - t0) / 1e9);
        }
        // Cold open of the large user as the memory store leaves it after checkpoints (segments only:
        // both variants rebuild every index), then compact everyone (index files written: the plain
        // variant gets a mapped .vec, the encrypted one never does) and measure again.
        double largeRebuildMs;
        try (TextAnalyzer a = new TextAnalyzer(); MemoryStore s = MemoryStore.open(data, a, o, MemoryStore.EventSink.NONE)) {
            long t0 = System.nanoTime();
            s.read(big, st -> st.liveIds().size());
            largeRebuildMs = (System.nanoTime() - t0) / 1e6;
            for (UserId u : ids) s.compact(u);
            s.compact(big);
        }
        long bytes = size(data);
        Histogram cold = new Histogram(3);
        Histogram lex = new Histogram(3);
        Histogram vec = new Histogram(3);
        double largeMs;
        try (TextAnalyzer a = new TextAnalyzer(); MemoryStore s = MemoryStore.open(data, a, o, MemoryStore.EventSink.NONE)) {
            for (UserId u : ids) {
                long t0 = System.nanoTime();
                s.read(u, st -> st.liveIds().size());
                cold.recordValue((System.nanoTime() - t0) / 1000);
            }
            long t0 = System.nanoTime();
            s.read(big, st -> st.liveIds().size());
            largeMs = (System.nanoTime() - t0) / 1e6;
            for (int rep = 0; rep < 3; rep++) {
                for (int i = 0; i < queries.size(); i++) {
                    UserId u = ids.get(i % users);
                    String q = queries.get(i);
                    float[] v = vectors.get(i);
                    long q0 = System.nanoTime();
                    s.read(u, st -> st.searchLexical(q, 10, null));
                    long q1 = System.nanoTime();
                    s.read(u, st -> st.vectorSearch(v, 10, null));
                    long q2 = System.nanoTime();
                    if (rep > 0) {
                        lex.recordValue((q1 - q0) / 1000);
                        vec.recordValue((q2 - q1) / 1000);
                    }
                }
            }
        }
        long memories = (long) users * perUser + large + syncWrites;
        return new Result(putNone, putSync, cold.getValueAtPercentile(50) / 1000.0, cold.getValueAtPercentile(99) / 1000.0,
                largeRebuildMs, largeMs,
                lex.getValueAtPercentile(50), vec.getValueAtPercentile(50), bytes / (double) memories);
    }

    private static long size(Path dir) throws IOException {
        try (Stream<Path> w = Files.walk(dir)) {
            return w.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> w = Files.walk(dir)) {
            for (Path p : w.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

}
