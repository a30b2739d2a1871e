package dev.engram.bench.retrieve;

import dev.engram.Engram;
import dev.engram.IngestRequest;
import dev.engram.Message;
import dev.engram.RetrieveRequest;
import dev.engram.bench.BenchEnv;
import dev.engram.bench.store.MemoryGenerator;
import dev.engram.extraction.embed.EmbeddingModel;
import dev.engram.extraction.embed.OnnxEmbedder;
import dev.engram.internal.lexical.TextAnalyzer;
import dev.engram.internal.store.MemoryStore;
import dev.engram.memory.UserId;
import dev.engram.wal.Durability;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * {@code bench/run retrieve [--quick]}: latency of {@link Engram#retrieve} (limit 10, 512-token
 * budget) for one user holding 1k / 10k (/ 100k without --quick) memories, with the query embedded
 * inside the call and with a precomputed query vector, single thread and while another thread
 * ingests into the same user; then {@code ingest} acknowledgment latency (SYNC, fsync per group
 * commit) and ingest-to-retrievable latency (an ingestion applied, i.e. extracted, embedded,
 * reconciled and written). Memories are synthetic (Zipf words, random unit vectors: the costs of
 * real ones, not their geometry), bulk-loaded through the store. Ends with
 * {@code RESULT retrieve p99_ms=<with embedding, largest user> p99_noembed_ms=<…> ingest_ack_p99_ms=<…>}.
 */
public final class RetrieveSuite {
    private RetrieveSuite() {}

    public static void main(String[] args) throws Exception {
        boolean quick = BenchEnv.quick(args);
        int[] sizes = quick ? new int[] {1_000, 10_000} : new int[] {1_000, 10_000, 100_000};
        int queries = quick ? 300 : 1_000;
        Path root = Files.createTempDirectory("engram-retrieve-bench-");
        System.out.printf(Locale.ROOT, "retrieve suite: %s, sizes %s, %d queries per cell, data in %s%n",
                quick ? "quick" : "full", java.util.Arrays.toString(sizes), queries, root);
        double lastEmbed = 0, lastNoEmbed = 0;
        try (OnnxEmbedder embedder = OnnxEmbedder.load(EmbeddingModel.defaultModel())) {
            System.out.printf(Locale.ROOT, "%-8s %-22s %9s %9s %9s %9s%n", "memories", "mode", "p50 ms", "p95 ms", "p99 ms", "max ms");
            for (int n : sizes) {
                Path dir = root.resolve("u" + n);
                UserId user = UserId.of("bench-user");
                long t0 = System.nanoTime();
                load(dir, user, n);
                System.out.printf(Locale.ROOT, "# loaded %d memories in %.1f s%n", n, (System.nanoTime() - t0) / 1e9);
                try (Engram e = Engram.builder(dir).embedder(embedder).open()) {
                    MemoryGenerator words = new MemoryGenerator(99);
                    List<String> qs = new ArrayList<>();
                    for (int i = 0; i < queries; i++) qs.add(words.text(3, 8));
                    List<float[]> qv = qs.stream().map(embedder::embedQuery).toList();
                    for (int i = 0; i < Math.min(100, queries); i++) e.retrieve(request(user, qs.get(i)), qv.get(i)); // warm-up
                    Histogram withEmbed = measure(queries, i -> e.retrieve(request(user, qs.get(i))));
                    Histogram noEmbed = measure(queries, i -> e.retrieve(request(user, qs.get(i)), qv.get(i)));
                    Histogram concurrent;
                    AtomicBoolean stop = new AtomicBoolean();
                    AtomicLong ingested = new AtomicLong();
                    Thread writer = Thread.ofPlatform().start(() -> {
                        MemoryGenerator g = new MemoryGenerator(7);
                        while (!stop.get()) {
                            e.ingest(IngestRequest.of(user, "bench", List.of(Message.user("I like " + g.text(2, 6) + "."))));
                            ingested.incrementAndGet();
                        }
                    });
                    try {
                        concurrent = measure(queries, i -> e.retrieve(request(user, qs.get(i)), qv.get(i)));
                    } finally {
                        stop.set(true);
                        writer.join();
                    }
                    row(n, "with query embedding", withEmbed);
                    row(n, "precomputed vector", noEmbed);
                    row(n, "vector, + ingest thread", concurrent);
                    System.out.printf(Locale.ROOT, "# %d ingestions accepted during the concurrent cell%n", ingested.get());
                    lastEmbed = withEmbed.getValueAtPercentile(99) / 1e6;
                    lastNoEmbed = noEmbed.getValueAtPercentile(99) / 1e6;
                }
            }
            Path dir = root.resolve("ingest");
            double ackP99;
            try (Engram e = Engram.builder(dir).embedder(embedder).durability(Durability.SYNC).open()) {
                MemoryGenerator g = new MemoryGenerator(5);
                for (int i = 0; i < 50; i++) e.ingest(IngestRequest.of(UserId.of("w" + i), "s", List.of(Message.user("warm up " + i))));
                Histogram ack = measure(queries, i -> e.ingest(IngestRequest.of(UserId.of("a" + (i % 50)), "s",
                        List.of(Message.user("I have a " + g.text(1, 2) + " named N" + i + "."), Message.assistant("Nice.")))));
                Histogram applied = measure(Math.min(queries, 200), i -> e.ingest(IngestRequest.of(UserId.of("r" + (i % 20)), "s",
                        List.of(Message.user("My favourite food is " + g.text(1, 3) + " number " + i + "."))).waitingForApply()));
                row(0, "ingest ack (SYNC)", ack);
                row(0, "ingest to retrievable", applied);
                ackP99 = ack.getValueAtPercentile(99) / 1e6;
            }
            System.out.printf(Locale.ROOT, "RESULT retrieve p99_ms=%.2f p99_noembed_ms=%.2f ingest_ack_p99_ms=%.2f%n",
                    lastEmbed, lastNoEmbed, ackP99);
        } finally {
            try (var files = Files.walk(root)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static RetrieveRequest request(UserId user, String q) {
        return RetrieveRequest.of(user, q).limit(10).tokenBudget(512);
    }

    /** Bulk-loads {@code n} synthetic memories through the store, 100 per WAL record. */
    private static void load(Path dir, UserId user, int n) throws Exception {
        MemoryGenerator g = new MemoryGenerator(n);
        try (TextAnalyzer analyzer = new TextAnalyzer();
             MemoryStore store = MemoryStore.open(dir, analyzer, MemoryStore.Options.defaults().withDurability(Durability.NONE),
                     MemoryStore.EventSink.NONE)) {
            List<MemoryStore.Mutation> batch = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                batch.add(new MemoryStore.Mutation.Put(g.memory(user), g.embedding()));
                if (batch.size() == 100 || i == n - 1) {
                    store.write(user, batch);
                    batch = new ArrayList<>();
                }
            }
            store.checkpoint();
        }
    }

    private interface Op {
        void run(int i) throws Exception;
    }

    private static Histogram measure(int count, Op op) throws Exception {
        Histogram h = new Histogram(60_000_000_000L, 3);
        for (int i = 0; i < count; i++) {
            long t = System.nanoTime();
            op.run(i);
            h.recordValue(System.nanoTime() - t);
        }
        return h;
    }

    private static void row(int n, String mode, Histogram h) {
        System.out.printf(Locale.ROOT, "%-8s %-22s %9.2f %9.2f %9.2f %9.2f%n", n == 0 ? "-" : Integer.toString(n), mode,
                h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(95) / 1e6, h.getValueAtPercentile(99) / 1e6, h.getMaxValue() / 1e6);
    }
}
