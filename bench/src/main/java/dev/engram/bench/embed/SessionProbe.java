package dev.engram.bench.embed;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.engram.bench.store.MemoryGenerator;
import dev.engram.extraction.embed.EmbeddingModel;
import dev.engram.extraction.internal.embed.OnnxModel;
import dev.engram.extraction.internal.embed.TokenBatch;
import dev.engram.extraction.internal.embed.WordPieceTokenizer;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code bench/run embed --sessions [CONFIG ...]}: single-query latency of bare ONNX Runtime
 * sessions of the default model under different session options, measured interleaved (each
 * query goes through every session, in rotating order) so that machine noise hits all alike.
 * A CONFIG is {@code threads,spinning(0|1),opt(all|ext|basic|none)[,key=value...]}, where a key is
 * {@code arena} / {@code mempat} (true|false) or an ONNX Runtime session config entry. Queries: the
 * retrieve suite's synthetic ones (random letter words) and English questions, reported apart.
 * Prints wall p50/p90/p99 and the calling thread's CPU time (with one intra-op thread, the whole
 * inference runs on the calling thread, so that is its compute cost).
 */
final class SessionProbe {
    static final List<String> DEFAULT_CONFIGS = List.of("2,0,all", "1,0,all", "2,1,all", "1,0,ext", "1,0,all,session.set_denormal_as_zero=1",
            "1,0,all,arena=false");

    private SessionProbe() {}

    static void run(List<String> configs, int rounds) throws Exception {
        EmbeddingModel model = EmbeddingModel.defaultModel();
        WordPieceTokenizer tokenizer = OnnxModel.loadTokenizer(model);
        byte[] bytes;
        try (InputStream in = SessionProbe.class.getClassLoader().getResourceAsStream(model.onnxResource())) {
            if (in == null) throw new IllegalStateException(model.onnxResource() + " not on the class path");
            bytes = in.readAllBytes();
        }
        MemoryGenerator g = new MemoryGenerator(99);
        List<String> synthetic = new ArrayList<>();
        for (int i = 0; i < 64; i++) synthetic.add(g.text(3, 8));
        List<String> english = new ArrayList<>();
        for (String s : Sentences.generate(64, 7)) english.add(s.split(" ").length > 10 ? String.join(" ", Arrays.copyOf(s.split(" "), 10)) : s);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        List<RawOnnx> sessions = new ArrayList<>();
        try {
            for (String c : configs) sessions.add(new RawOnnx(bytes, options(c)));
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            for (var set : List.of(java.util.Map.entry("synthetic", synthetic), java.util.Map.entry("English", english))) {
                List<TokenBatch> batches = set.getValue().stream().map(t -> TokenBatch.of(List.of(tokenizer.encode(t, model.maxTokens())))).toList();
                int[] lengths = batches.stream().mapToInt(TokenBatch::length).sorted().toArray();
                for (int w = 0; w < 32; w++) for (RawOnnx s : sessions) s.run(batches.get(w % batches.size()));
                int n = rounds * batches.size(), k = sessions.size();
                long[][] wall = new long[k][n], cpu = new long[k][n];
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < k; j++) {
                        int c = (i + j) % k;
                        long c0 = mx.getCurrentThreadCpuTime(), t0 = System.nanoTime();
                        sessions.get(c).run(batches.get(i % batches.size()));
                        wall[c][i] = System.nanoTime() - t0;
                        cpu[c][i] = mx.getCurrentThreadCpuTime() - c0;
                    }
                }
                System.out.printf(Locale.ROOT, "session options, %s queries (tokens median %d, %d..%d), %d runs each:%n", set.getKey(),
                        lengths[lengths.length / 2], lengths[0], lengths[lengths.length - 1], n);
                for (int c = 0; c < k; c++) {
                    System.out.printf(Locale.ROOT, "  %-45s wall p50 %6.2f p90 %6.2f p99 %6.2f ms | calling thread CPU p50 %6.2f ms%n", configs.get(c),
                            EmbedSuite.percentile(wall[c], 50), EmbedSuite.percentile(wall[c], 90), EmbedSuite.percentile(wall[c], 99),
                            EmbedSuite.percentile(cpu[c], 50));
                }
            }
        } finally {
            for (RawOnnx s : sessions) s.close();
        }
    }

    private static OrtSession.SessionOptions options(String config) throws Exception {
        String[] p = config.split(",");
        if (p.length < 3) throw new IllegalArgumentException("session config '" + config + "': expected threads,spinning,opt[,key=value...]");
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setIntraOpNumThreads(Integer.parseInt(p[0]));
        o.setInterOpNumThreads(1);
        o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        o.setOptimizationLevel(switch (p[2]) {
            case "basic" -> OrtSession.SessionOptions.OptLevel.BASIC_OPT;
            case "ext" -> OrtSession.SessionOptions.OptLevel.EXTENDED_OPT;
            case "none" -> OrtSession.SessionOptions.OptLevel.NO_OPT;
            case "all" -> OrtSession.SessionOptions.OptLevel.ALL_OPT;
            default -> throw new IllegalArgumentException("session config '" + config + "': opt must be all, ext, basic or none");
        });
        o.addConfigEntry("session.intra_op.allow_spinning", p[1]);
        for (int j = 3; j < p.length; j++) {
            String[] kv = p[j].split("=", 2);
            if (kv.length != 2) throw new IllegalArgumentException("session config '" + config + "': '" + p[j] + "' is not key=value");
            switch (kv[0]) {
                case "arena" -> o.setCPUArenaAllocator(Boolean.parseBoolean(kv[1]));
                case "mempat" -> o.setMemoryPatternOptimization(Boolean.parseBoolean(kv[1]));
                default -> o.addConfigEntry(kv[0], kv[1]);
            }
        }
        return o;
    }
}
