package dev.engram.bench.embed;

import dev.engram.bench.BenchEnv;
import dev.engram.extraction.embed.EmbedderOptions;
import dev.engram.extraction.embed.EmbeddingModel;
import dev.engram.extraction.embed.OnnxEmbedder;
import dev.engram.extraction.internal.embed.OnnxModel;
import dev.engram.extraction.internal.embed.TokenBatch;
import dev.engram.extraction.internal.embed.WordPieceTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * {@code bench/run embed [--quick] [--models M1,M2] [--threads N] [--locomo FILE] [--no-perf]}, or
 * {@code bench/run embed [--quick] --sessions [CONFIG ...]} for {@link SessionProbe}.
 *
 * <p>Per model: single-text latency (p50/p99) and batch throughput of our pipeline against a bare
 * ONNX Runtime session fed the same pre-tokenized inputs (interleaved, so machine noise hits both
 * alike), dynamic batching of concurrent callers, and tokenizer speed (JMH). With
 * {@code --locomo}, the dense-retrieval evidence recall of each model on LoCoMo raw turns. Ends
 * with {@code RESULT embed p50_ms=… overhead_vs_raw=…} for the default model.
 */
public final class EmbedSuite {
    private EmbedSuite() {}

    public static void main(String[] args) throws Exception {
        boolean quick = BenchEnv.quick(args);
        List<String> argv = List.of(args);
        int threads = Integer.parseInt(option(argv, "--threads", "2"));
        List<EmbeddingModel> models = quick ? List.of(EmbeddingModel.defaultModel()) : List.of(EmbeddingModel.values());
        String modelArg = option(argv, "--models", null);
        if (modelArg != null) models = Arrays.stream(modelArg.split(",")).map(s -> EmbeddingModel.valueOf(s.trim())).toList();
        String locomo = option(argv, "--locomo", null);
        boolean perf = !argv.contains("--no-perf");
        int sessionsAt = argv.indexOf("--sessions");
        if (sessionsAt >= 0) {
            List<String> configs = argv.subList(sessionsAt + 1, argv.size()).stream().filter(a -> !a.startsWith("--")).toList();
            SessionProbe.run(configs.isEmpty() ? SessionProbe.DEFAULT_CONFIGS : configs, quick ? 3 : 8);
            return;
        }

        System.out.printf(Locale.ROOT, "embed suite: %s, %d intra-op threads, %d cores, models %s%n",
                quick ? "quick" : "full", threads, Runtime.getRuntime().availableProcessors(), models);
        double defaultP50 = Double.NaN, defaultOverhead = Double.NaN;
        if (perf) {
            List<String> sentences = Sentences.generate(quick ? 48 : 128, 42);
            System.out.println();
            System.out.println("model                    ours p50  p99 ms | raw p50  p99 ms | overhead p50 | batch32 ours  raw sent/s | overhead | batch1 sent/s");
            for (EmbeddingModel model : models) {
                ModelFigures f = measure(model, threads, sentences, quick);
                System.out.printf(Locale.ROOT, "%-24s %8.2f %5.2f   | %7.2f %5.2f   | %+11.1f%% | %12.0f %5.0f      | %+7.1f%% | %8.0f%n",
                        model.modelId(), f.oursP50, f.oursP99, f.rawP50, f.rawP99, 100 * (f.oursP50 / f.rawP50 - 1),
                        f.oursBatch, f.rawBatch, 100 * (f.rawBatch / f.oursBatch - 1), f.oursBatch1);
                if (model == EmbeddingModel.defaultModel()) {
                    defaultP50 = f.oursP50;
                    defaultOverhead = f.oursP50 / f.rawP50 - 1;
                }
            }
            concurrency(EmbeddingModel.defaultModel(), threads, sentences, quick);
            tokenizerSpeed(quick);
        }
        if (locomo != null) {
            System.out.println();
            LocomoDenseEval.run(Path.of(locomo), models, threads, System.out);
        }
        System.out.printf(Locale.ROOT, "RESULT embed p50_ms=%.2f overhead_vs_raw=%.3f%n", defaultP50, defaultOverhead);
    }

    private record ModelFigures(double oursP50, double oursP99, double rawP50, double rawP99, double oursBatch, double rawBatch,
            double oursBatch1) {}

    private static ModelFigures measure(EmbeddingModel model, int threads, List<String> sentences, boolean quick) throws Exception {
        WordPieceTokenizer tokenizer = OnnxModel.loadTokenizer(model);
        List<int[]> tokens = sentences.stream().map(s -> tokenizer.encode(s, model.maxTokens())).toList();
        int rounds = quick ? 2 : 3;
        try (OnnxEmbedder ours = OnnxEmbedder.load(model, EmbedderOptions.builder().threads(threads).build());
             OnnxEmbedder oursBatch32 = OnnxEmbedder.load(model, EmbedderOptions.builder().threads(threads).maxBatchSize(32).build());
             OnnxEmbedder oursBatch1 = OnnxEmbedder.load(model, EmbedderOptions.builder().threads(threads).maxBatchSize(1).build());
             RawOnnx raw = new RawOnnx(model, threads)) {
            // Warm-up: JIT, ONNX Runtime's arena, every shape once.
            for (int i = 0; i < Math.min(32, sentences.size()); i++) {
                ours.embed(sentences.get(i));
                raw.run(TokenBatch.of(List.of(tokens.get(i))));
            }
            oursBatch32.embedBatch(sentences);
            oursBatch1.embedBatch(sentences.subList(0, 16));

            long[] oursNs = new long[sentences.size() * rounds];
            long[] rawNs = new long[sentences.size() * rounds];
            int n = 0;
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < sentences.size(); i++, n++) {
                    // Alternate who goes first: the second call of a pair finds warmer caches.
                    if ((i & 1) == 0) {
                        oursNs[n] = timeOurs(ours, sentences.get(i));
                        rawNs[n] = timeRaw(raw, tokens.get(i));
                    } else {
                        rawNs[n] = timeRaw(raw, tokens.get(i));
                        oursNs[n] = timeOurs(ours, sentences.get(i));
                    }
                }
            }
            // Batches of 32, longest first, as embedBatch forms them.
            List<int[]> sorted = new ArrayList<>(tokens);
            sorted.sort(Comparator.comparingInt((int[] t) -> t.length).reversed());
            double[] oursRate = new double[rounds], rawRate = new double[rounds], ours1Rate = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                for (int k = 0; k < 3; k++) { // rotate the order each round, so no contender always goes first
                    long t0 = System.nanoTime();
                    switch ((k + r) % 3) {
                        case 0 -> oursBatch32.embedBatch(sentences);
                        case 1 -> {
                            for (int i = 0; i < sorted.size(); i += 32) raw.run(TokenBatch.of(sorted.subList(i, Math.min(sorted.size(), i + 32))));
                        }
                        default -> oursBatch1.embedBatch(sentences);
                    }
                    double rate = sentences.size() / ((System.nanoTime() - t0) / 1e9);
                    switch ((k + r) % 3) {
                        case 0 -> oursRate[r] = rate;
                        case 1 -> rawRate[r] = rate;
                        default -> ours1Rate[r] = rate;
                    }
                }
            }
            return new ModelFigures(percentile(oursNs, 50), percentile(oursNs, 99), percentile(rawNs, 50), percentile(rawNs, 99),
                    median(oursRate), median(rawRate), median(ours1Rate));
        }
    }

    private static long timeOurs(OnnxEmbedder ours, String text) {
        long t0 = System.nanoTime();
        ours.embed(text);
        return System.nanoTime() - t0;
    }

    private static long timeRaw(RawOnnx raw, int[] tokens) throws Exception {
        long t0 = System.nanoTime();
        raw.run(TokenBatch.of(List.of(tokens)));
        return System.nanoTime() - t0;
    }

    /** Dynamic batching: 8 threads each embedding single texts, batched together vs one at a time. */
    private static void concurrency(EmbeddingModel model, int threads, List<String> sentences, boolean quick) throws Exception {
        System.out.println();
        System.out.println("concurrent callers (" + model.modelId() + ", 8 threads, one text per call):");
        int calls = quick ? 96 : 256;
        for (int maxBatch : new int[] {1, 32}) {
            for (int pool : new int[] {1, 2}) {
                EmbedderOptions options = EmbedderOptions.builder().threads(pool == 1 ? threads : Math.max(1, threads / pool))
                        .poolSize(pool).maxBatchSize(maxBatch).build();
                try (OnnxEmbedder e = OnnxEmbedder.load(model, options); ExecutorService exec = Executors.newFixedThreadPool(8)) {
                    run(e, exec, sentences, 64);
                    long[] latencies = new long[calls];
                    long t0 = System.nanoTime();
                    run(e, exec, sentences, calls, latencies);
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    System.out.printf(Locale.ROOT, "  maxBatchSize %2d, poolSize %d × %d threads: %6.0f texts/s, per-call p50 %6.2f ms, p99 %6.2f ms%n",
                            maxBatch, pool, options.threads(), calls / seconds, percentile(latencies, 50), percentile(latencies, 99));
                }
            }
        }
    }

    private static void run(OnnxEmbedder e, ExecutorService exec, List<String> sentences, int calls) throws Exception {
        run(e, exec, sentences, calls, new long[calls]);
    }

    private static void run(OnnxEmbedder e, ExecutorService exec, List<String> sentences, int calls, long[] latencies) throws Exception {
        List<Future<?>> futures = new ArrayList<>(calls);
        for (int i = 0; i < calls; i++) {
            String s = sentences.get(i % sentences.size());
            int slot = i;
            futures.add(exec.submit(() -> {
                long t0 = System.nanoTime();
                e.embed(s);
                latencies[slot] = System.nanoTime() - t0;
            }));
        }
        for (Future<?> f : futures) f.get();
    }

    private static void tokenizerSpeed(boolean quick) throws Exception {
        System.out.println();
        System.out.println("tokenizer (JMH, bge tokenizer.json, µs per text; short ≈ 15 words, long ≈ 280 words):");
        Options opts = new OptionsBuilder()
                .include(TokenizerBenchmark.class.getName())
                .forks(1)
                .warmupIterations(quick ? 1 : 3).warmupTime(TimeValue.seconds(1))
                .measurementIterations(quick ? 2 : 5).measurementTime(TimeValue.seconds(1))
                .jvmArgsAppend(BenchEnv.jvmFlags())
                .build();
        Collection<RunResult> results = new Runner(opts).run();
        for (RunResult r : results) {
            System.out.printf(Locale.ROOT, "  %-6s %8.2f µs/text (± %.2f)%n", r.getParams().getParam("input"),
                    r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreError());
        }
    }

    static double percentile(long[] nanos, int p) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        int i = (int) Math.min(s.length - 1, Math.max(0, Math.ceil(p / 100.0 * s.length) - 1));
        return s[i] / 1e6;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static String option(List<String> argv, String name, String fallback) {
        int i = argv.indexOf(name);
        if (i < 0) return fallback;
        if (i + 1 >= argv.size()) throw new IllegalArgumentException(name + " needs a value");
        return argv.get(i + 1);
    }
}
