package dev.engram.bench.store;

import dev.engram.bench.BenchEnv;
import dev.engram.internal.catalog.CatalogEntry;
import dev.engram.internal.catalog.RebuildReport;
import dev.engram.internal.catalog.UserCatalog;
import dev.engram.internal.lexical.TextAnalyzer;
import dev.engram.internal.store.MemoryStore;
import dev.engram.internal.store.UserStore;
import dev.engram.io.FileStorage;
import dev.engram.memory.Memory;
import dev.engram.memory.MemoryId;
import dev.engram.memory.UserId;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * {@code bench/run store [--quick] [--scale] [--keep] [--wal-only]}: the per-user store ({@link UserStore}) and the
 * user catalog, used directly, then the WAL-backed multi-user {@link MemoryStore} (put throughput,
 * recovery time against WAL size: {@link #walPhase}).
 *
 * <ol>
 *   <li>one large user: put throughput (put + flush every 1,000, each flush fsyncs), warm
 *       {@code current}/{@code history} latency (HdrHistogram), and the open-time recovery of its
 *       segments (decode every record) per GB of segment data;</li>
 *   <li>many small users (20 memories each, indexes checkpointed, catalog entry put after each
 *       user's checkpoint as the owner will): build time, catalog open and rebuild time, catalog
 *       lookup latency, cold-user open latency (open the user's directory, first {@code current}, close),
 *       heap and resident memory with N users open, disk bytes per memory by file kind;</li>
 *   <li>JMH micro-benchmarks of the warm read path and the catalog lookup ({@link StoreReadBenchmark}),
 *       skipped with {@code --scale}.</li>
 * </ol>
 * Sizes: {@code --quick} 20,000-memory user and 2,000 small users; default 100,000 and 10,000;
 * {@code --scale} 100,000 and 100,000 (not for CI: about 8 GB of disk). Every memory has a 384-d
 * embedding. Ends with {@code RESULT store put_per_s=<x> cold_open_p99_ms=<y> recovery_s_per_gb=<z>}.
 * Data goes under {@code bench/cache} and is deleted at the end unless {@code --keep}.
 */
public final class StoreSuite {
    private static final int SMALL = 20;
    private static final int FLUSH_EVERY = 1000;

    private StoreSuite() {}

    private record BigUser(double putPerSec, long segmentBytes, long memories, double openSeconds, MemoryId[] ids) {}

    public static void main(String[] args) throws Exception {
        boolean quick = BenchEnv.quick(args);
        boolean scale = List.of(args).contains("--scale");
        boolean keep = List.of(args).contains("--keep");
        int bigMemories = scale ? 100_000 : quick ? 20_000 : 100_000;
        int smallUsers = scale ? 100_000 : quick ? 2_000 : 10_000;
        int buildThreads = 4; // fsync-bound: more writers than cores keeps the disk busy
        System.out.printf("store suite: %s, %d cores, max heap %s, big user %,d memories, %,d users x %d memories, 384-d embeddings%n",
                scale ? "--scale" : quick ? "--quick" : "full", Runtime.getRuntime().availableProcessors(),
                Footprint.mb(Runtime.getRuntime().maxMemory()), bigMemories, smallUsers, SMALL);
        Path root = Files.createTempDirectory(BenchEnv.cacheDir().toAbsolutePath(), "store-");
        if (List.of(args).contains("--wal-only")) { // the MemoryStore phase alone (put throughput, recovery vs WAL size)
            try (TextAnalyzer analyzer = new TextAnalyzer()) {
                WalFigures wal = walPhase(root.resolve("wal"), analyzer, quick, scale);
                System.out.printf("RESULT store wal_put_per_s=%.0f wal_put_per_s_%d=%.0f recovery_s_per_gb=%.2f%n", wal.putPerSec1,
                        wal.writersN, wal.putPerSecN, wal.recoverySPerGb);
            } finally {
                deleteTree(root);
            }
            return;
        }
        try (TextAnalyzer analyzer = new TextAnalyzer()) {
            BigUser big = bigUser(root.resolve("big"), analyzer, bigMemories);
            catalogAtSize(root.resolve("catalog-100k"), 100_000);
            double coldP99 = smallUsers(root.resolve("small"), analyzer, smallUsers, buildThreads, scale);
            WalFigures wal = walPhase(root.resolve("wal"), analyzer, quick, scale);
            if (!scale) jmh(quick);
            double openSPerGb = big.openSeconds / (big.segmentBytes / 1e9);
            System.out.println("NOTE put_per_s: one UserStore, put + flush every 1,000 (dominated by HNSW insertion, not fsync);"
                    + " wal_put_per_s[_N]: MemoryStore.write of one put, SYNC, 1 [N] writer threads over 100 users (group commit);"
                    + " recovery_s_per_gb: MemoryStore open after a kill, replaying the WAL since the checkpoint, per GB of WAL"
                    + " (largest size of the table); open_s_per_gb: UserStore open of the big user per GB of segments");
            System.out.printf("RESULT store put_per_s=%.0f wal_put_per_s=%.0f wal_put_per_s_%d=%.0f cold_open_p99_ms=%.2f"
                    + " recovery_s_per_gb=%.2f open_s_per_gb=%.2f%n", big.putPerSec, wal.putPerSec1, wal.writersN, wal.putPerSecN,
                    coldP99, wal.recoverySPerGb, openSPerGb);
        } finally {
            if (keep) System.out.println("kept data under " + root);
            else deleteTree(root);
        }
    }

    private record WalFigures(double putPerSec1, int writersN, double putPerSecN, double recoverySPerGb) {}

    /**
     * The WAL-backed store ({@link MemoryStore}): put throughput with 1 and 16 writer threads (SYNC: a
     * write returns once fsynced; concurrent writers share group commits), then recovery time against
     * the WAL size: a child process ({@link WalFill}) fills the WAL to each size and halts without a
     * checkpoint, the store is reopened (replaying every record) and checkpointed.
     */
    static WalFigures walPhase(Path dir, TextAnalyzer analyzer, boolean quick, boolean scale) throws Exception {
        Files.createDirectories(dir);
        int puts = quick ? 2_000 : 8_000;
        double one = walPuts(dir.resolve("puts-1"), analyzer, 1, puts / 4);
        int n = 16;
        double many = walPuts(dir.resolve("puts-" + n), analyzer, n, puts);
        long[] sizes = quick ? new long[] {8L << 20, 32L << 20} : scale ? new long[] {16L << 20, 64L << 20, 256L << 20}
                : new long[] {16L << 20, 64L << 20, 128L << 20};
        double sPerGb = 0;
        System.out.println("WAL recovery (kill after filling the WAL with puts of 384-d memories over 100 users, 8 writers, SYNC;"
                + " reopen replays every record; then checkpoint = flush 100 users + marker + WAL truncation):");
        System.out.println("  WAL size | records | fill puts/s | recovery s (CPU of the opening thread) | records/s | s per GB of WAL"
                + " | checkpoint s");
        for (long size : sizes) {
            Path d = dir.resolve("recovery-" + (size >> 20));
            String filled = fillInChild(d, size, 8, 100);
            long records = Long.parseLong(field(filled, "records"));
            double fillSecs = Double.parseDouble(field(filled, "seconds"));
            Footprint.Disk wd = Footprint.disk(d.resolve(MemoryStore.WAL_DIRECTORY));
            long walBytes = wd.total(wd.apparent());
            java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
            long cpu0 = mx.getCurrentThreadCpuTime(); // replay runs on the opening thread: its CPU time excludes the machine's load
            long a = System.nanoTime();
            double recovery;
            double recoveryCpu;
            double checkpoint;
            long replayed;
            try (MemoryStore s = MemoryStore.open(d, analyzer, MemoryStore.Options.defaults().withOpenUsersMaxBytes(1L << 30),
                    MemoryStore.EventSink.NONE)) {
                recovery = (System.nanoTime() - a) / 1e9;
                recoveryCpu = (mx.getCurrentThreadCpuTime() - cpu0) / 1e9;
                replayed = s.stats().replayedRecords();
                long c = System.nanoTime();
                s.checkpoint();
                checkpoint = (System.nanoTime() - c) / 1e9;
            }
            if (replayed != records) throw new IllegalStateException("replayed " + replayed + " records, the child acknowledged " + records);
            sPerGb = recovery / (walBytes / 1e9);
            System.out.printf("  %s | %,d | %,.0f | %.2f (CPU %.2f) | %,.0f | %.1f (CPU %.1f) | %.2f%n", Footprint.mb(walBytes), records,
                    records / fillSecs, recovery, recoveryCpu, records / recovery, sPerGb, recoveryCpu / (walBytes / 1e9), checkpoint);
            deleteTree(d);
        }
        return new WalFigures(one, n, many, sPerGb);
    }

    /** Puts per second through {@link MemoryStore#write} (one put per write) with {@code threads} writers over 100 users. */
    private static double walPuts(Path dir, TextAnalyzer analyzer, int threads, int puts) throws Exception {
        try (MemoryStore store = MemoryStore.open(dir, analyzer, MemoryStore.Options.defaults(), MemoryStore.EventSink.NONE)) {
            // Every user exists first (creating a user's directory costs fsyncs of its parents): not measured.
            MemoryGenerator warm = new MemoryGenerator(499);
            for (int i = 0; i < 100; i++) {
                UserId u = userId(i);
                store.write(u, List.of(new MemoryStore.Mutation.Put(warm.memory(u), warm.embedding())));
            }
            List<Thread> ts = new ArrayList<>();
            AtomicInteger next = new AtomicInteger();
            long syncs0 = store.walStats().syncs();
            long a = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                ts.add(Thread.ofPlatform().start(() -> {
                    MemoryGenerator gen = new MemoryGenerator(500 + thread);
                    try {
                        for (int i = next.getAndIncrement(); i < puts; i = next.getAndIncrement()) {
                            UserId u = userId(i % 100);
                            store.write(u, List.of(new MemoryStore.Mutation.Put(gen.memory(u), gen.embedding())));
                        }
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }));
            }
            for (Thread t : ts) t.join();
            double secs = (System.nanoTime() - a) / 1e9;
            long syncs = store.walStats().syncs() - syncs0;
            System.out.printf("WAL-backed put (MemoryStore.write, SYNC, one 384-d memory per write, 100 users), %d writer%s: %,d puts"
                    + " in %.1f s = %,.0f puts/s; %,d fsyncs = %.2f per put%n", threads, threads == 1 ? "" : "s", puts, secs,
                    puts / secs, syncs, syncs / (double) puts);
            return puts / secs;
        } finally {
            deleteTree(dir);
        }
    }

    /** Runs {@link WalFill} in a child JVM and returns its FILLED line. */
    private static String fillInChild(Path dir, long bytes, int threads, int users) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(List.of(BenchEnv.jvmFlags()));
        cmd.addAll(List.of("-Xmx2g", "-cp", System.getProperty("java.class.path"), WalFill.class.getName(), dir.toString(),
                Long.toString(bytes), Integer.toString(threads), Integer.toString(users)));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        int rc = p.waitFor();
        String line = out.lines().filter(l -> l.startsWith("FILLED ")).findFirst().orElse(null);
        if (rc != 0 || line == null) throw new IllegalStateException("WAL fill failed (exit " + rc + "): " + out);
        return line;
    }

    private static String field(String line, String key) {
        for (String f : line.split(" ")) if (f.startsWith(key + "=")) return f.substring(key.length() + 1);
        throw new IllegalArgumentException(key + " not in " + line);
    }

    // --- one large user ---

    private static BigUser bigUser(Path dir, TextAnalyzer analyzer, int n) throws IOException {
        UserId user = UserId.of("big-user");
        MemoryGenerator gen = new MemoryGenerator(1);
        Memory[] memories = new Memory[n];
        float[][] vectors = new float[n][];
        for (int i = 0; i < n; i++) {
            memories[i] = gen.memory(user);
            vectors[i] = gen.embedding();
        }
        MemoryId[] ids = Arrays.stream(memories).map(Memory::id).toArray(MemoryId[]::new);
        long t0 = System.nanoTime();
        try (UserStore s = UserStore.open(FileStorage.open(dir), user, analyzer, UserStore.Options.DEFAULT)) {
            for (int i = 0; i < n; i++) {
                s.put(memories[i], vectors[i]);
                if (i % FLUSH_EVERY == FLUSH_EVERY - 1) s.flush();
            }
            s.flush();
            double secs = (System.nanoTime() - t0) / 1e9;
            double perSec = n / secs;
            System.out.printf("%nbig user: put + flush every %,d (fsync each): %,d memories in %.1f s = %,.0f puts/s"
                    + " (includes HNSW insertion of every embedding)%n", FLUSH_EVERY, n, secs, perSec);
            long c0 = System.nanoTime();
            s.checkpointIndexes();
            System.out.printf("big user: checkpointIndexes (lexical, bitmaps, vector index files) %.2f s%n", (System.nanoTime() - c0) / 1e9);
            memories = null;
            vectors = null;
            latency("big user warm current()", 200_000, r -> s.current(ids[r.nextInt(ids.length)]));
            latency("big user warm history()", 200_000, r -> s.history(ids[r.nextInt(ids.length)]));
            Footprint.Disk d = Footprint.disk(dir);
            long seg = d.apparent().getOrDefault("seg", 0L);
            System.out.printf("big user disk: %s%n", perMemory(d, n));
            double[] opens = new double[3];
            for (int round = 0; round < opens.length; round++) {
                long a = System.nanoTime();
                try (UserStore o = UserStore.open(FileStorage.open(dir), user, analyzer, UserStore.Options.DEFAULT)) {
                    o.current(ids[0]).orElseThrow();
                    opens[round] = (System.nanoTime() - a) / 1e9;
                    if (o.indexesRebuiltOnOpen() || o.vectorsRebuiltOnOpen()) throw new IllegalStateException("indexes rebuilt");
                }
            }
            Arrays.sort(opens);
            double open = opens[1];
            System.out.printf("big user open (closed store; decode %,d records = %s of segments, load lexical/bitmaps,"
                    + " map vectors): %.2f s median of 3 (%.2f / %.2f / %.2f) = %.2f s per GB%n",
                    n, Footprint.mb(seg), open, opens[0], opens[1], opens[2], open / (seg / 1e9));
            return new BigUser(perSec, seg, n, open, ids);
        }
    }

    // --- many small users ---

    private static double smallUsers(Path data, TextAnalyzer analyzer, int users, int threads, boolean scale) throws Exception {
        Files.createDirectories(data);
        Path catalogDir = data.resolve("catalog");
        MemoryId[] firstIds = new MemoryId[users];
        long t0 = System.nanoTime();
        try (FileStorage root = FileStorage.open(data); UserCatalog catalog = UserCatalog.open(catalogDir, data, users)) {
            AtomicInteger next = new AtomicInteger();
            AtomicInteger done = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                fs.add(pool.submit(() -> {
                    for (int u = next.getAndIncrement(); u < users; u = next.getAndIncrement()) {
                        UserId user = userId(u);
                        MemoryGenerator gen = new MemoryGenerator(1000L + u);
                        try (UserStore s = UserStore.open(root, user, analyzer, UserStore.Options.DEFAULT)) {
                            for (int i = 0; i < SMALL; i++) {
                                Memory m = gen.memory(user);
                                if (i == 0) firstIds[u] = m.id();
                                s.put(m, gen.embedding());
                            }
                            s.checkpointIndexes();
                            Instant now = Instant.now();
                            catalog.put(user, CatalogEntry.of(s.summary(), 0, now, now));
                        }
                        int d = done.incrementAndGet();
                        if (d % 10_000 == 0) System.out.printf("  built %,d users in %.0f s%n", d, (System.nanoTime() - t0) / 1e9);
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) f.get();
            pool.shutdown();
        }
        double build = (System.nanoTime() - t0) / 1e9;
        System.out.printf("%nsmall users: built %,d users x %d memories (open, 20 puts, checkpointIndexes, catalog put, close;"
                + " %d threads) in %.1f s = %,.0f users/s, %,.0f memories/s%n", users, SMALL, threads, build, users / build,
                users * (double) SMALL / build);

        // The catalog: open (clean), lookups, rebuild from the directories.
        long a = System.nanoTime();
        double coldP99;
        try (UserCatalog catalog = UserCatalog.open(catalogDir, data, users)) {
            double openMs = (System.nanoTime() - a) / 1e6;
            if (catalog.rebuiltOnOpen().isPresent()) throw new IllegalStateException("catalog was rebuilt: " + catalog.rebuiltOnOpen());
            long mapBytes = Files.size(catalogDir.resolve(UserCatalog.MAP_FILE));
            System.out.printf("catalog: open of %,d entries (marker, whole-file CRC32C, Chronicle open) %.1f ms;"
                    + " users.cm %s = %.0f bytes/entry%n", catalog.size(), openMs, Footprint.mb(mapBytes), mapBytes / (double) catalog.size());
            long l0 = System.nanoTime();
            long[] count = {0};
            catalog.forEach((u, e) -> count[0]++);
            System.out.printf("catalog: list all %,d users %.1f ms%n", count[0], (System.nanoTime() - l0) / 1e6);
            latency("catalog get()", 500_000, r -> catalog.get(userId(r.nextInt(users))).orElseThrow());

            coldP99 = coldOpens(data, analyzer, users, firstIds, scale ? 20_000 : 5_000);
            footprint(data, analyzer, users, firstIds, scale ? 10_000 : Math.min(users, 2_000));
        }
        RebuildReport report = UserCatalog.rebuild(catalogDir, data, users);
        System.out.printf("catalog: rebuild from %,d user directories (read MANIFEST + bitmaps each) %.1f s, %d skipped,"
                + " %d with unknown counts%n", report.users(), report.nanos() / 1e9, report.skipped().size(), report.countsUnknown());
        Footprint.Disk d = Footprint.disk(data.resolve("users"));
        System.out.printf("small users disk (%,d files, %,d directories): %s%n", d.files(), d.directories(), perMemory(d, (long) users * SMALL));
        return coldP99;
    }

    /** Open time and size of a catalog of {@code n} entries (synthetic entries: no user directories needed). */
    private static void catalogAtSize(Path dir, int n) throws IOException {
        Files.createDirectories(dir);
        long a = System.nanoTime();
        try (UserCatalog c = UserCatalog.open(dir.resolve("catalog"), dir, n)) {
            Instant now = Instant.now();
            for (int i = 0; i < n; i++) {
                UserId u = userId(i);
                c.put(u, new CatalogEntry(CatalogEntry.directoryOf(u), 20, 20, i, now, now, 70_000));
            }
        }
        double fill = (System.nanoTime() - a) / 1e9;
        double[] opens = new double[3];
        long rss0 = Footprint.rss();
        for (int round = 0; round < opens.length; round++) {
            long t = System.nanoTime();
            try (UserCatalog c = UserCatalog.open(dir.resolve("catalog"), dir, n)) {
                opens[round] = (System.nanoTime() - t) / 1e6;
                if (c.rebuiltOnOpen().isPresent() || c.size() != n) throw new IllegalStateException("catalog not trusted");
            }
        }
        Arrays.sort(opens);
        long bytes = Files.size(dir.resolve("catalog").resolve(UserCatalog.MAP_FILE));
        System.out.printf("%ncatalog of %,d entries: filled (put + clean close) in %.1f s; open (marker, whole-file CRC32C,"
                + " Chronicle open, generation stamp) %.1f ms median of 3 (%.1f / %.1f / %.1f); users.cm %s = %.0f bytes/entry%n",
                n, fill, opens[1], opens[0], opens[1], opens[2], Footprint.mb(bytes), bytes / (double) n);
    }

    static UserId userId(int i) {
        return UserId.of("user-" + i + "@tenant-" + (i % 97));
    }

    /** Cold-user first read: open the (closed) user's store, read one memory, close. Page cache is warm. */
    private static double coldOpens(Path data, TextAnalyzer analyzer, int users, MemoryId[] firstIds, int samples) throws IOException {
        Histogram h = new Histogram(3_600_000_000L, 3);
        Random r = new Random(5);
        try (FileStorage root = FileStorage.open(data)) {
            for (int i = 0; i < samples + 500; i++) {
                int u = r.nextInt(users);
                long a = System.nanoTime();
                try (UserStore s = UserStore.open(root, userId(u), analyzer, UserStore.Options.DEFAULT)) {
                    s.current(firstIds[u]).orElseThrow();
                    long t = System.nanoTime() - a;
                    if (i >= 500) h.recordValue(t); // the first 500 warm up the JIT
                    if (s.indexesRebuiltOnOpen() || s.vectorsRebuiltOnOpen()) throw new IllegalStateException("indexes rebuilt");
                }
            }
        }
        System.out.printf("cold user (%d memories) open + first current(), %,d samples over %,d users (page cache warm):"
                + " p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, max %.3f ms%n", SMALL, samples, users,
                h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(90) / 1e6, h.getValueAtPercentile(99) / 1e6, h.getMaxValue() / 1e6);
        return h.getValueAtPercentile(99) / 1e6;
    }

    /** Heap and resident memory with {@code n} small users open at once. */
    private static void footprint(Path data, TextAnalyzer analyzer, int users, MemoryId[] firstIds, int n) throws IOException {
        long heap0 = Footprint.heapUsed();
        long rss0 = Footprint.rss();
        long pools0 = Footprint.bufferPools();
        List<UserStore> open = new ArrayList<>();
        try (FileStorage root = FileStorage.open(data)) {
            long a = System.nanoTime();
            for (int i = 0; i < n; i++) {
                UserStore s = UserStore.open(root, userId(i), analyzer, UserStore.Options.DEFAULT);
                open.add(s);
                s.current(firstIds[i]).orElseThrow();
            }
            double secs = (System.nanoTime() - a) / 1e9;
            long heap = Footprint.heapUsed() - heap0;
            long rss = Footprint.rss() - rss0;
            long pools = Footprint.bufferPools() - pools0;
            System.out.printf("%,d small users open at once (opened in %.1f s): heap +%s (%.1f KB/user), resident +%s"
                    + " (%.1f KB/user), NIO buffer pools +%s%n", n, secs, Footprint.mb(heap), heap / 1e3 / n, Footprint.mb(rss),
                    rss / 1e3 / n, Footprint.mb(pools));
        } finally {
            for (UserStore s : open) s.close();
        }
    }

    private static String perMemory(Footprint.Disk d, long memories) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%.0f B/memory apparent, %.0f B/memory in 4 KiB blocks; by kind (apparent / blocks):",
                d.total(d.apparent()) / (double) memories, d.total(d.allocated()) / (double) memories));
        for (String k : d.apparent().keySet()) {
            sb.append(String.format(" %s %.1f / %.1f", k, d.apparent().get(k) / (double) memories, d.allocated().get(k) / (double) memories));
        }
        return sb.toString();
    }

    interface Op {
        Object run(Random r) throws IOException;
    }

    private static void latency(String what, int samples, Op op) throws IOException {
        Random r = new Random(3);
        Object sink = null;
        for (int i = 0; i < samples / 2; i++) sink = op.run(r); // warm-up
        Histogram h = new Histogram(60_000_000_000L, 3);
        for (int i = 0; i < samples; i++) {
            long a = System.nanoTime();
            sink = op.run(r);
            h.recordValue(System.nanoTime() - a);
        }
        if (sink == null) System.out.print("");
        System.out.printf("%s: %,d samples, p50 %.2f us, p99 %.2f us, p99.9 %.2f us, max %.1f us%n", what, samples,
                h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3,
                h.getMaxValue() / 1e3);
    }

    // --- JMH ---

    private static void jmh(boolean quick) throws Exception {
        List<String> jvm = new ArrayList<>(List.of(BenchEnv.jvmFlags()));
        jvm.add("-Xmx2g");
        var opts = new OptionsBuilder()
                .include(StoreReadBenchmark.class.getName())
                .param("memories", quick ? "5000" : "10000")
                .param("catalogUsers", quick ? "20000" : "100000")
                .forks(1)
                .warmupIterations(quick ? 1 : 2)
                .warmupTime(TimeValue.seconds(quick ? 1 : 2))
                .measurementIterations(quick ? 2 : 4)
                .measurementTime(TimeValue.seconds(quick ? 1 : 2))
                .jvmArgsAppend(jvm.toArray(String[]::new))
                .shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT)
                .build();
        Collection<RunResult> results = new Runner(opts).run();
        System.out.println();
        for (RunResult r : results) {
            var p = r.getParams();
            System.out.printf("JMH %s (memories=%s, catalogUsers=%s): %.1f +- %.1f ns/op%n", p.getBenchmark().replaceAll(".*\\.", ""),
                    p.getParam("memories"), p.getParam("catalogUsers"), r.getPrimaryResult().getScore(),
                    r.getPrimaryResult().getScoreError());
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                Files.delete(f);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
