package dev.engram.bench.retrieve;

import dev.engram.Engram;
import dev.engram.EngramOptions;
import dev.engram.IngestRequest;
import dev.engram.Message;
import dev.engram.RetrieveRequest;
import dev.engram.bench.BenchEnv;
import dev.engram.bench.store.MemoryGenerator;
import dev.engram.extraction.embed.EmbedderOptions;
import dev.engram.extraction.embed.EmbeddingModel;
import dev.engram.extraction.embed.OnnxEmbedder;
import dev.engram.internal.lexical.TextAnalyzer;
import dev.engram.internal.store.MemoryStore;
import dev.engram.memory.UserId;
import dev.engram.wal.Durability;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * {@code bench/run retrieve [--quick] [--sizes=1000,10000,100000] [--cells=embed,noembed,concurrent,queryembed,ingest|bm25]
 * [--embed-threads=N] [--reuse] [--corpus=english|letters]}: latency of {@link Engram#retrieve} (limit 10, 512-token budget)
 * for one user holding 1k / 10k (/ 100k without --quick) memories, with the query embedded inside
 * the call and with a precomputed query vector, single thread and while another thread ingests
 * into the same user; the query embedding alone ({@code queryembed}: the suite's queries and
 * English questions, with their token counts); then {@code ingest} acknowledgment latency (SYNC,
 * fsync per group commit) of 50 users' first ingestions (which create the user) and of later
 * ingestions to them, and ingest-to-retrievable latency (an ingestion applied, i.e. extracted,
 * embedded, reconciled and written). Memories are synthetic (Zipf words; vectors: the normalized
 * sum of their words' embeddings for the English corpus, random unit vectors for the letters
 * corpus — the costs of real ones, and for English roughly their geometry), bulk-loaded through the store with their indexes
 * checkpointed. Their words, and the queries', are Zipf-drawn from 2,000 English words (one
 * word piece each, as real text; {@code --corpus=english}, the default) or from 2,000 generated
 * letter strings ({@code --corpus=letters}: several word pieces per word, so queries of ≈ 27
 * tokens instead of ≈ 8, and no stop words; the suite's corpus before session 4).
 *
 * <p>{@code --sizes} replaces the user sizes, {@code --cells} picks the measurements (default all),
 * {@code --embed-threads} sets the embedder's intra-op threads (default: the embedder's default).
 * {@code --cells=bm25} (only when asked, alone) measures the BM25 scorer by itself per size.
 * {@code --reuse} keeps each loaded user under {@code bench/cache/retrieve/u<n>} (same seed, so the
 * same data) and copies it for each run instead of loading again (a 100k load takes minutes).
 * Ends with {@code RESULT retrieve p99_ms=<with embedding, largest user> p99_noembed_ms=<…> ingest_ack_p99_ms=<…>}.
 */
public final class RetrieveSuite {
    private RetrieveSuite() {}

    public static void main(String[] args) throws Exception {
        boolean quick = BenchEnv.quick(args);
        int[] sizes = quick ? new int[] {1_000, 10_000} : new int[] {1_000, 10_000, 100_000};
        String sizeArg = option(args, "--sizes");
        if (sizeArg != null) sizes = Arrays.stream(sizeArg.split(",")).mapToInt(x -> Integer.parseInt(x.trim())).toArray();
        for (int n : sizes) if (n < 1) throw new IllegalArgumentException("--sizes: sizes must be positive, got " + n);
        String cellArg = option(args, "--cells");
        Set<String> cells = cellArg == null ? Set.of("embed", "noembed", "concurrent", "ingest", "queryembed") : Set.of(cellArg.split(",")); // bm25: only when asked
        for (String c : cells) {
            if (!Set.of("embed", "noembed", "concurrent", "ingest", "queryembed", "bm25", "split").contains(c)) {
                throw new IllegalArgumentException("--cells: unknown cell '" + c + "' (embed, noembed, concurrent, ingest, queryembed, bm25, split)");
            }
        }
        String corpusArg = option(args, "--corpus");
        corpus = corpusArg == null ? "english" : corpusArg;
        if (!Set.of("english", "letters").contains(corpus)) {
            throw new IllegalArgumentException("--corpus: english or letters, got '" + corpus + "'");
        }
        if (cells.contains("bm25")) {
            if (cells.size() > 1) throw new IllegalArgumentException("--cells: bm25 runs alone");
            for (int n : sizes) bm25(n);
            return;
        }
        boolean reuse = List.of(args).contains("--reuse");
        int queries = quick ? 300 : 1_000;
        String candidateArg = option(args, "--candidates");
        int candidates = candidateArg == null ? EngramOptions.builder(Path.of(".")).build().candidates() : Integer.parseInt(candidateArg);
        Path root = Files.createTempDirectory("engram-retrieve-bench-");
        System.out.printf(Locale.ROOT, "retrieve suite: %s, sizes %s, %d queries per cell, %s corpus, %d candidates per side, data in %s%n",
                quick ? "quick" : "full", Arrays.toString(sizes), queries, corpus, candidates, root);
        double lastEmbed = Double.NaN, lastNoEmbed = Double.NaN;
        String pairedArg = option(args, "--paired-candidates");
        int pairedCandidates = pairedArg == null ? 0 : Integer.parseInt(pairedArg);
        String threadArg = option(args, "--embed-threads");
        EmbedderOptions embedderOptions = threadArg == null ? EmbedderOptions.defaults()
                : EmbedderOptions.builder().threads(Integer.parseInt(threadArg)).build();
        System.out.printf(Locale.ROOT, "embedder: %s, %s%n", EmbeddingModel.defaultModel().modelId(), embedderOptions);
        try (OnnxEmbedder embedder = OnnxEmbedder.load(EmbeddingModel.defaultModel(), embedderOptions)) {
            System.out.printf(Locale.ROOT, "%-8s %-22s %9s %9s %9s %9s %9s %9s%n", "memories", "mode", "p50 ms", "p95 ms", "p99 ms", "max ms",
                    "cpu p50", "cpu p99");
            for (int n : sizes) {
                Path dir = root.resolve("u" + n);
                UserId user = UserId.of("bench-user");
                long t0 = System.nanoTime();
                if (reuse) {
                    Path cached = BenchEnv.cacheDir().resolve("retrieve").resolve(corpus.equals("letters") ? "u" + n : "u" + n + "-" + corpus);
                    if (!Files.exists(cached.resolve(COMPLETE))) {
                        deleteTree(cached);
                        load(cached, user, n, embedder);
                        Files.createFile(cached.resolve(COMPLETE));
                        System.out.printf(Locale.ROOT, "# loaded %d memories into %s in %.1f s%n", n, cached, (System.nanoTime() - t0) / 1e9);
                        t0 = System.nanoTime();
                    }
                    copyTree(cached, dir);
                    System.out.printf(Locale.ROOT, "# copied %d memories from %s in %.1f s%n", n, cached, (System.nanoTime() - t0) / 1e9);
                } else {
                    load(dir, user, n, embedder);
                    System.out.printf(Locale.ROOT, "# loaded %d memories in %.1f s%n", n, (System.nanoTime() - t0) / 1e9);
                }
                if (pairedCandidates > 0) {
                    paired(root, dir, user, n, embedder, queries, candidates, pairedCandidates);
                    continue;
                }
                try (Engram e = Engram.builder(dir).embedder(embedder).candidates(candidates).open()) {
                    List<String> qs = queryTexts(queries);
                    List<float[]> qv = qs.stream().map(embedder::embedQuery).toList();
                    for (int i = 0; i < Math.min(100, queries); i++) e.retrieve(request(user, qs.get(i)), qv.get(i)); // warm-up
                    Timing withEmbed = cells.contains("embed") ? measure(queries, i -> e.retrieve(request(user, qs.get(i)))) : null;
                    Timing noEmbed = cells.contains("noembed") ? measure(queries, i -> e.retrieve(request(user, qs.get(i)), qv.get(i))) : null;
                    if (cells.contains("split")) split(queries, embedder, q -> e.retrieve(request(user, q)),
                            (q, v) -> e.retrieve(request(user, q), v), qs, qv);
                    Timing concurrent = null;
                    AtomicBoolean stop = new AtomicBoolean();
                    AtomicLong ingested = new AtomicLong();
                    Thread writer = !cells.contains("concurrent") ? null : Thread.ofPlatform().start(() -> {
                        MemoryGenerator g = generator(7);
                        while (!stop.get()) {
                            e.ingest(IngestRequest.of(user, "bench", List.of(Message.user("I like " + g.text(2, 6) + "."))));
                            ingested.incrementAndGet();
                        }
                    });
                    if (writer != null) {
                        try {
                            concurrent = measure(queries, i -> e.retrieve(request(user, qs.get(i)), qv.get(i)));
                        } finally {
                            stop.set(true);
                            writer.join();
                        }
                    }
                    row(n, "with query embedding", withEmbed);
                    row(n, "precomputed vector", noEmbed);
                    row(n, "vector, + ingest thread", concurrent);
                    if (writer != null) System.out.printf(Locale.ROOT, "# %d ingestions accepted during the concurrent cell%n", ingested.get());
                    lastEmbed = withEmbed == null ? Double.NaN : withEmbed.p99Ms();
                    lastNoEmbed = noEmbed == null ? Double.NaN : noEmbed.p99Ms();
                }
            }
            if (cells.contains("queryembed")) queryEmbedding(embedder, queries);
            Path dir = root.resolve("ingest");
            double ackP99 = Double.NaN;
            if (cells.contains("ingest")) try (Engram e = Engram.builder(dir).embedder(embedder).durability(Durability.SYNC).open()) {
                MemoryGenerator g = generator(5);
                // A user's first ingestion also creates the user (directory, files, fsyncs): its own row.
                Timing first = measure(50, i -> e.ingest(IngestRequest.of(UserId.of("a" + i), "s", List.of(Message.user("warm up " + i)))));
                Timing ack = measure(queries, i -> e.ingest(IngestRequest.of(UserId.of("a" + (i % 50)), "s",
                        List.of(Message.user("I have a " + g.text(1, 2) + " named N" + i + "."), Message.assistant("Nice.")))));
                // The ack cell leaves its ingestions queued for extraction; ingestions applied behind
                // that backlog would measure the queue, not the pipeline: let it drain first.
                long drainStart = System.nanoTime();
                while (e.pendingIngestions() > 0) Thread.sleep(20);
                System.out.printf(Locale.ROOT, "# the ack cell's backlog applied in %.1f s%n", (System.nanoTime() - drainStart) / 1e9);
                Timing applied = measure(Math.min(queries, 200), i -> e.ingest(IngestRequest.of(UserId.of("r" + (i % 20)), "s",
                        List.of(Message.user("My favourite food is " + g.text(1, 3) + " number " + i + "."))).waitingForApply()));
                row(0, "ingest ack, new user", first);
                row(0, "ingest ack (SYNC)", ack);
                row(0, "ingest to retrievable", applied);
                ackP99 = ack.p99Ms();
            }
            System.out.printf(Locale.ROOT, "RESULT retrieve p99_ms=%.2f p99_noembed_ms=%.2f ingest_ack_p99_ms=%.2f%n",
                    lastEmbed, lastNoEmbed, ackP99);
        } finally {
            deleteTree(root);
        }
    }

    /**
     * BM25 alone ({@code --cells=bm25}): the same generator's {@code n} memory texts in a
     * {@link dev.engram.internal.lexical.LexicalIndex}, the suite's 300 queries × 5 rounds after 3
     * warm-up rounds, top 100 over an accept-all bitmap; calling-thread CPU per query, and a
     * checksum of every result list so that two versions of the scorer can be compared.
     */
    private static void bm25(int n) {
        try (TextAnalyzer analyzer = new TextAnalyzer()) {
            var index = new dev.engram.internal.lexical.LexicalIndex(analyzer);
            MemoryGenerator g = generator(n);
            UserId user = UserId.of("bench-user");
            for (int i = 0; i < n; i++) {
                index.add(i, g.memory(user).content());
                g.embedding(); // keep the generator's sequence that of the loaded users
            }
            org.roaringbitmap.RoaringBitmap accept = index.liveDocs();
            List<String> qs = queryTexts(300);
            long checksum = 0;
            for (int r = 0; r < 3; r++) for (String q : qs) checksum += index.search(q, 100, accept).size();
            Histogram cpu = new Histogram(60_000_000_000L, 3);
            for (int r = 0; r < 5; r++) {
                for (String q : qs) {
                    long c = THREADS.getCurrentThreadCpuTime();
                    var result = index.search(q, 100, accept);
                    cpu.recordValue(Math.max(0, THREADS.getCurrentThreadCpuTime() - c));
                    checksum += result.hashCode();
                }
            }
            System.out.printf(Locale.ROOT, "%-8d BM25 top-100 CPU per query: p50 %.3f ms, p90 %.3f, p99 %.3f (result checksum %d)%n", n,
                    cpu.getValueAtPercentile(50) / 1e6, cpu.getValueAtPercentile(90) / 1e6, cpu.getValueAtPercentile(99) / 1e6, checksum);
        }
    }

    private static final String COMPLETE = "LOADED-BY-RETRIEVE-SUITE-3";

    private static final String[] WHO = {"Caroline", "Melanie", "my sister", "the doctor", "our team", "my landlord"};
    private static final String[] ASK = {"What did %s say about", "When did %s start", "Where did %s go for", "Why did %s stop",
        "Does %s still like", "How often does %s mention"};
    private static final String[] WHAT = {"the pottery class", "her trip to Lisbon", "the marathon in October", "gluten",
        "the animal shelter", "the new job", "painting", "the budget", "their anniversary", "the noisy neighbours"};

    /** English questions of 4-11 words, the kind an agent retrieves with. */
    static List<String> englishQuestions(int count, long seed) {
        java.util.Random r = new java.util.Random(seed);
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(String.format(Locale.ROOT, ASK[r.nextInt(ASK.length)], WHO[r.nextInt(WHO.length)]) + " "
                    + WHAT[r.nextInt(WHAT.length)] + (r.nextBoolean() ? " last week" : "") + "?");
        }
        return out;
    }

    /**
     * The query embedding alone ({@code embedQuery}), for the suite's synthetic queries (random
     * letter strings: several word pieces per word) and for English questions, with their token counts.
     */
    private static void queryEmbedding(OnnxEmbedder embedder, int queries) {
        List<String> synthetic = queryTexts(queries);
        var tokenizer = dev.engram.extraction.internal.embed.OnnxModel.loadTokenizer(embedder.model());
        for (var set : List.of(java.util.Map.entry("embed only, " + corpus + " words", synthetic),
                java.util.Map.entry("embed only, English", englishQuestions(queries, 3)))) {
            List<String> qs = set.getValue();
            int[] tokens = qs.stream().mapToInt(q -> tokenizer.encode(q, embedder.model().maxTokens()).length).sorted().toArray();
            for (int i = 0; i < Math.min(50, qs.size()); i++) embedder.embedQuery(qs.get(i));
            try {
                row(0, set.getKey(), measure(qs.size(), i -> embedder.embedQuery(qs.get(i))));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            System.out.printf(Locale.ROOT, "#   %s: tokens per query median %d (min %d, max %d)%n", set.getKey(), tokens[tokens.length / 2],
                    tokens[0], tokens[tokens.length - 1]);
        }
    }

    /** {@code --corpus}: {@code english} (default; {@link MemoryGenerator#english}) or {@code letters} (generated words, several word pieces each). */
    private static String corpus = "english";

    private static MemoryGenerator generator(long seed) {
        return corpus.equals("letters") ? new MemoryGenerator(seed) : MemoryGenerator.english(seed);
    }

    private static String option(String[] args, String name) {
        for (String a : args) {
            if (a.startsWith(name + "=")) return a.substring(name.length() + 1);
        }
        return null;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else if (!p.getFileName().toString().equals(COMPLETE)) Files.copy(p, target);
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static RetrieveRequest request(UserId user, String q) {
        return RetrieveRequest.of(user, q).limit(10).tokenBudget(512);
    }

    /** Bulk-loads {@code n} synthetic memories through the store, 100 per WAL record, and checkpoints the user's indexes. */
    private static void load(Path dir, UserId user, int n, OnnxEmbedder embedder) throws Exception {
        MemoryGenerator g = generator(n);
        WordVectors words = corpus.equals("english") ? new WordVectors(embedder) : null;
        try (TextAnalyzer analyzer = new TextAnalyzer();
             MemoryStore store = MemoryStore.open(dir, analyzer, MemoryStore.Options.defaults().withDurability(Durability.NONE),
                     MemoryStore.EventSink.NONE)) {
            List<MemoryStore.Mutation> batch = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                var m = g.memory(user);
                float[] random = g.embedding(); // drawn either way: the generator's sequence stays that of the letters corpus
                batch.add(new MemoryStore.Mutation.Put(m, words == null ? random : words.of(m.content())));
                if (batch.size() == 100 || i == n - 1) {
                    store.write(user, batch);
                    batch = new ArrayList<>();
                }
            }
            // Persist the derived indexes too, as a long-lived user has them: else every open rebuilds them (HNSW included).
            store.read(user, s -> {
                try {
                    s.checkpointIndexes();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return null;
            });
            store.checkpoint();
        }
    }

    /**
     * Memory vectors for the English corpus that live in the embedder's space without embedding
     * every memory (100k inferences take tens of minutes on this machine): each vocabulary word is
     * embedded once, and a memory's vector is the normalized sum of its words' vectors. Such
     * vectors cluster as the texts' words do, and a real query embedding lands among them, unlike
     * random directions (the letters corpus), which are the worst case for a graph index.
     */
    private static final class WordVectors {
        private final OnnxEmbedder embedder;
        private final java.util.Map<String, float[]> cache = new java.util.HashMap<>();

        WordVectors(OnnxEmbedder embedder) {
            this.embedder = embedder;
        }

        float[] of(String text) {
            float[] sum = new float[embedder.dimension()];
            for (String w : text.split(" ")) {
                float[] v = cache.computeIfAbsent(w, embedder::embed);
                for (int i = 0; i < sum.length; i++) sum[i] += v[i];
            }
            double norm = 0;
            for (float x : sum) norm += (double) x * x;
            float inv = (float) (1 / Math.sqrt(norm));
            for (int i = 0; i < sum.length; i++) sum[i] *= inv;
            return sum;
        }
    }

    /**
     * {@code --paired-candidates=B}: instead of the cells, two engines over two copies of the same
     * user, one with {@code a} candidates per side ({@code --candidates}, default the engine's) and
     * one with {@code b}, the suite's queries with precomputed vectors alternating between them
     * query by query (one warm-up pass, then three), and the calling thread's CPU time per call of
     * each: a paired comparison that the machine's drift cannot bias towards either side.
     */
    private static void paired(Path root, Path dir, UserId user, int n, OnnxEmbedder embedder, int queries, int a, int b)
            throws Exception {
        Path copy = root.resolve("u" + n + "-paired");
        copyTree(dir, copy);
        try (Engram ea = Engram.builder(dir).embedder(embedder).candidates(a).open();
             Engram eb = Engram.builder(copy).embedder(embedder).candidates(b).open()) {
            List<String> qs = queryTexts(queries);
            List<float[]> qv = qs.stream().map(embedder::embedQuery).toList();
            for (int i = 0; i < queries; i++) {
                ea.retrieve(request(user, qs.get(i)), qv.get(i));
                eb.retrieve(request(user, qs.get(i)), qv.get(i));
            }
            Histogram ha = new Histogram(60_000_000_000L, 3), hb = new Histogram(60_000_000_000L, 3);
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < queries; i++) {
                    long c0 = THREADS.getCurrentThreadCpuTime();
                    ea.retrieve(request(user, qs.get(i)), qv.get(i));
                    long c1 = THREADS.getCurrentThreadCpuTime();
                    eb.retrieve(request(user, qs.get(i)), qv.get(i));
                    long c2 = THREADS.getCurrentThreadCpuTime();
                    ha.recordValue(Math.max(0, c1 - c0));
                    hb.recordValue(Math.max(0, c2 - c1));
                }
            }
            System.out.printf(Locale.ROOT, "%-8d paired, CPU ms per retrieval with a precomputed vector: %d candidates p50 %.3f p90 %.3f p99 %.3f | "
                    + "%d candidates p50 %.3f p90 %.3f p99 %.3f%n", n, a, ha.getValueAtPercentile(50) / 1e6, ha.getValueAtPercentile(90) / 1e6,
                    ha.getValueAtPercentile(99) / 1e6, b, hb.getValueAtPercentile(50) / 1e6, hb.getValueAtPercentile(90) / 1e6,
                    hb.getValueAtPercentile(99) / 1e6);
        }
    }

    /**
     * The {@code split} cell (only when asked): for each query in turn, the query embedding alone,
     * the retrieval with the embedding inside, and the retrieval with a precomputed vector, so the
     * three see the same machine at the same moment; prints their wall-time percentiles and those
     * of "embedding alone + retrieval with a vector" per query, to show what the with-embedding
     * time is made of.
     */
    private static void split(int queries, OnnxEmbedder embedder, java.util.function.Consumer<String> withEmbedding,
            java.util.function.BiConsumer<String, float[]> withVector, List<String> qs, List<float[]> qv) {
        Histogram alone = new Histogram(60_000_000_000L, 3), full = new Histogram(60_000_000_000L, 3);
        Histogram vector = new Histogram(60_000_000_000L, 3), sum = new Histogram(60_000_000_000L, 3);
        for (int i = 0; i < queries; i++) {
            long t0 = System.nanoTime();
            embedder.embedQuery(qs.get(i));
            long t1 = System.nanoTime();
            withEmbedding.accept(qs.get(i));
            long t2 = System.nanoTime();
            withVector.accept(qs.get(i), qv.get(i));
            long t3 = System.nanoTime();
            alone.recordValue(t1 - t0);
            full.recordValue(t2 - t1);
            vector.recordValue(t3 - t2);
            sum.recordValue(t1 - t0 + t3 - t2);
        }
        for (var row : List.of(Map.entry("split: embedding alone", alone), Map.entry("split: with embedding", full),
                Map.entry("split: with vector", vector), Map.entry("split: alone + vector", sum))) {
            Histogram h = row.getValue();
            System.out.printf(Locale.ROOT, "%-8s %-22s %9.2f %9.2f %9.2f %9.2f%n", "", row.getKey(), h.getValueAtPercentile(50) / 1e6,
                    h.getValueAtPercentile(95) / 1e6, h.getValueAtPercentile(99) / 1e6, h.getMaxValue() / 1e6);
        }
    }

    /** The suite's query texts: {@code n} Zipf-drawn 3–8-word texts, the same for every cell and run. */
    private static List<String> queryTexts(int n) {
        MemoryGenerator words = generator(99);
        List<String> qs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) qs.add(words.text(3, 8));
        return qs;
    }

    private interface Op {
        void run(int i) throws Exception;
    }

    /** Wall time and the calling thread's CPU time per call (the latter is steadier on a shared machine). */
    private record Timing(Histogram wall, Histogram cpu) {
        double p99Ms() {
            return wall.getValueAtPercentile(99) / 1e6;
        }
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private static Timing measure(int count, Op op) throws Exception {
        Histogram wall = new Histogram(60_000_000_000L, 3);
        Histogram cpu = new Histogram(60_000_000_000L, 3);
        for (int i = 0; i < count; i++) {
            long c = THREADS.getCurrentThreadCpuTime();
            long t = System.nanoTime();
            op.run(i);
            wall.recordValue(System.nanoTime() - t);
            cpu.recordValue(Math.max(0, THREADS.getCurrentThreadCpuTime() - c));
        }
        return new Timing(wall, cpu);
    }

    private static void row(int n, String mode, Timing t) {
        if (t == null) return;
        Histogram h = t.wall();
        System.out.printf(Locale.ROOT, "%-8s %-22s %9.2f %9.2f %9.2f %9.2f %9.2f %9.2f%n", n == 0 ? "-" : Integer.toString(n), mode,
                h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(95) / 1e6, h.getValueAtPercentile(99) / 1e6, h.getMaxValue() / 1e6,
                t.cpu().getValueAtPercentile(50) / 1e6, t.cpu().getValueAtPercentile(99) / 1e6);
    }
}
