package dev.engram.internal.store;

import dev.engram.internal.lexical.TextAnalyzer;
import dev.engram.io.FileStorage;
import dev.engram.memory.Memory;
import dev.engram.memory.RandomMemories;
import dev.engram.memory.UserId;
import dev.engram.testkit.TestRandom;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

/**
 * Rough figures for docs/storage.md, without embeddings (the benchmark suite is {@code bench/run store},
 * docs/benchmarks.md). Run from the repository root after {@code ./mvnw -o -pl engine -am test-compile}:
 * see docs/storage.md for the command. One user, N memories of 5-30 words, flushed every 1,000.
 */
public final class StoreFigures {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        Path root = Files.createTempDirectory("engram-figures");
        TestRandom random = new TestRandom(42);
        RandomMemories gen = new RandomMemories(random);
        UserId user = UserId.of("figures");
        Memory[] memories = new Memory[n];
        for (int i = 0; i < n; i++) memories[i] = gen.storable(user);
        try (TextAnalyzer analyzer = new TextAnalyzer()) {
            long t0 = System.nanoTime();
            try (UserStore s = UserStore.open(FileStorage.open(root), user, analyzer, UserStore.Options.DEFAULT)) {
                for (int i = 0; i < n; i++) {
                    s.put(memories[i]);
                    if (i % 1000 == 999) s.flush();
                }
                s.flush();
                long t1 = System.nanoTime();
                System.out.printf("put+flush: %d memories in %.2f s = %.0f memories/s (flush every 1000, fsync each)%n",
                        n, (t1 - t0) / 1e9, n / ((t1 - t0) / 1e9));
                long segBytes = bytes(root, ".seg");
                s.checkpointIndexes();
                System.out.printf("disk: segments %.1f bytes/memory, lexical %.1f, bitmaps %.1f, raw content %.1f%n",
                        segBytes / (double) n, bytes(root, ".lex") / (double) n, bytes(root, ".bmp") / (double) n,
                        Arrays.stream(memories).mapToLong(m -> m.content().length()).sum() / (double) n);
                long[] lat = new long[2000];
                var cpuBean = java.lang.management.ManagementFactory.getThreadMXBean();
                long cpu0 = cpuBean.getCurrentThreadCpuTime();
                for (int q = 0; q < lat.length; q++) {
                    String query = gen.text(4);
                    long a = System.nanoTime();
                    s.searchLexical(query, 10, null);
                    lat[q] = System.nanoTime() - a;
                }
                double cpuPerQuery = (cpuBean.getCurrentThreadCpuTime() - cpu0) / 1e6 / lat.length;
                Arrays.sort(lat);
                System.out.printf("BM25 mean CPU per query: %.3f ms%n", cpuPerQuery);
                System.out.printf("BM25 top-10 over %d docs, 1-4 word queries: p50 %.3f ms, p99 %.3f ms%n", n,
                        lat[lat.length / 2] / 1e6, lat[lat.length * 99 / 100] / 1e6);
            }
            var cpu = java.lang.management.ManagementFactory.getThreadMXBean();
            for (int round = 0; round < 3; round++) {
                long a = System.nanoTime();
                long c = cpu.getCurrentThreadCpuTime();
                try (UserStore s = UserStore.open(FileStorage.open(root), user, analyzer, UserStore.Options.DEFAULT)) {
                    long b = System.nanoTime();
                    System.out.printf("open (segments decoded, indexes loaded=%s): %.0f ms wall, %.0f ms CPU%n",
                            !s.indexesRebuiltOnOpen(), (b - a) / 1e6, (cpu.getCurrentThreadCpuTime() - c) / 1e6);
                }
            }
            try (Stream<Path> files = Files.list(UserDirectoryLayout.resolve(root, user))) {
                for (Path p : files.toList()) if (p.toString().endsWith(".lex") || p.toString().endsWith(".bmp")) Files.delete(p);
            }
            long a = System.nanoTime();
            try (UserStore s = UserStore.open(FileStorage.open(root), user, analyzer, UserStore.Options.DEFAULT)) {
                System.out.printf("open with index files missing (rebuilt=%s): %.0f ms%n", s.indexesRebuiltOnOpen(),
                        (System.nanoTime() - a) / 1e6);
            }
        }
    }

    private static long bytes(Path root, String suffix) throws Exception {
        try (Stream<Path> files = Files.walk(root)) {
            long sum = 0;
            for (Path p : files.filter(p -> p.toString().endsWith(suffix)).toList()) sum += Files.size(p);
            return sum;
        }
    }
}
