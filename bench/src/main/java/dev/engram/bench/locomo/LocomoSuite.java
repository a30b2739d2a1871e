package dev.engram.bench.locomo;

import dev.engram.bench.BenchEnv;
import dev.engram.extraction.embed.EmbedderOptions;
import dev.engram.extraction.embed.EmbeddingModel;
import dev.engram.extraction.embed.OnnxEmbedder;
import dev.engram.internal.lexical.TextAnalyzer;
import dev.engram.internal.retrieval.RetrievalConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code bench/run locomo FILE [--quick] [--consolidate] [--variants[=PREFIX]]}: evidence recall on LoCoMo (see
 * {@code ../shared/eval/locomo/README.md}) of the flat baselines over raw turns (BM25, dense,
 * their 0.3/0.7 weighted hybrid) and of Engram — the whole engine through its API ({@link EngramPipeline}) and
 * its retriever over raw turns and over unreconciled candidates — all in one run on the same data.
 * {@code --quick} takes the first two conversations; {@code --variants} adds the tuning variants
 * of {@link Variants} (those whose name starts with PREFIX, e.g. {@code --variants=x:});
 * {@code --consolidate} adds the row {@code engram+consolidate}: the same engine after
 * {@code Engram.consolidate} of each conversation's user ({@code --consolidate=480,800}: one row per
 * setting {@code CHARS[:WINDOW_DAYS[:SIMILARITY]]}, each extra one on its own engine); {@code --engram-only} runs only the
 * engine rows (no baselines, nothing embedded up front). Ends with
 * {@code RESULT locomo recall_512=<engram> bm25_512=… dense_512=… hybrid_512=…} and, with
 * {@code --consolidate}, {@code consolidated_recall_512=… memories_before=… memories_after=…}.
 */
public final class LocomoSuite {
    private LocomoSuite() {}

    public static void main(String[] args) throws Exception {
        List<String> argv = new ArrayList<>(List.of(args));
        boolean quick = BenchEnv.quick(args);
        argv.remove("--quick");
        List<EngramPipeline.Spec> consolidate = new ArrayList<>();
        boolean engramOnly = argv.remove("--engram-only");
        for (String a : List.copyOf(argv)) {
            if (a.equals("--consolidate")) {
                consolidate.add(EngramPipeline.Spec.DEFAULT);
                argv.remove(a);
            } else if (a.startsWith("--consolidate=")) {
                for (String n : a.substring("--consolidate=".length()).split(",")) consolidate.add(EngramPipeline.Spec.parse(n));
                argv.remove(a);
            }
        }
        String variants = null; // null: none; "": all; else a name prefix
        for (String a : List.copyOf(argv)) {
            if (a.equals("--variants") || a.startsWith("--variants=")) {
                variants = a.equals("--variants") ? "" : a.substring("--variants=".length());
                argv.remove(a);
            }
        }
        if (argv.isEmpty()) {
            System.err.println("usage: bench/run locomo FILE [--quick] [--consolidate[=CHARS[:DAYS[:SIM]],…]] [--engram-only] [--variants[=PREFIX]]   (FILE: LoCoMo JSON, e.g. ../shared/eval/locomo/locomo-dev.json)");
            System.exit(2);
        }
        List<LocomoData.Conversation> data = LocomoData.read(Path.of(argv.getFirst()));
        if (quick) data = data.subList(0, Math.min(2, data.size()));
        int turns = 0, scored = 0;
        for (LocomoData.Conversation c : data) {
            turns += c.turns().size();
            scored += (int) c.questions().stream().filter(LocomoData.Question::scored).count();
        }
        System.out.printf(Locale.ROOT, "locomo suite: %s, %d conversations, %d turns, %d scored questions%n",
                quick ? "quick" : "full", data.size(), turns, scored);

        try (OnnxEmbedder embedder = OnnxEmbedder.load(EmbeddingModel.defaultModel(), EmbedderOptions.builder().threads(2).build());
             TextAnalyzer analyzer = new TextAnalyzer()) {
            LocomoEmbeddings embeddings = new LocomoEmbeddings(embedder);
            List<RetrievalSystem> systems = new ArrayList<>();
            EngramPipeline engram = new EngramPipeline("engram", embedder, consolidate.isEmpty()
                    ? EngramPipeline.Spec.DEFAULT : consolidate.getFirst());
            systems.add(engram);
            List<EngramPipeline.Consolidated> consolidated = new ArrayList<>();
            for (int i = 0; i < consolidate.size(); i++) {
                EngramPipeline base = engram;
                if (i > 0) {
                    base = new EngramPipeline("engram#" + consolidate.get(i), embedder, consolidate.get(i));
                    systems.add(base);
                }
                String label = i == 0 ? "engram+consolidate" : "engram+consolidate@" + consolidate.get(i);
                EngramPipeline.Consolidated c = new EngramPipeline.Consolidated(label, base);
                consolidated.add(c);
                systems.add(c); // right after its base: it consolidates the base's store
            }
            if (!engramOnly) {
                List<String> docs = new ArrayList<>(), questions = new ArrayList<>();
                for (LocomoData.Conversation c : data) {
                    for (LocomoData.Turn t : c.turns()) docs.add(t.document());
                    for (LocomoData.Question q : c.questions()) if (q.scored()) questions.add(q.question());
                }
                embeddings.embedAll("turns" + (quick ? "-quick" : ""), docs);
                embeddings.embedAll("questions" + (quick ? "-quick" : ""), questions);
                for (var e : Variants.texts(data).entrySet()) embeddings.embedAll(e.getKey() + (quick ? "-quick" : ""), e.getValue());
                embeddings.embedAll("extracted" + (quick ? "-quick" : ""), EngramExtracted.texts(data));

                systems.add(new FlatSystems.Bm25(embeddings, analyzer));
                systems.add(new FlatSystems.Dense(embeddings, analyzer));
                systems.add(new FlatSystems.Hybrid(embeddings, analyzer, 0.3));
                systems.add(new EngramTurns("engram-turns", embeddings, analyzer, RetrievalConfig.defaults()));
                systems.add(new EngramTurns("engram-turns+ctx", embeddings, analyzer, RetrievalConfig.defaults()) {
                    @Override
                    float[] embedding(LocomoData.Session s, int i) {
                        return Variants.contextEmbedding(embeddings, s, i, Variants.Context.BLEND);
                    }
                });
                systems.add(new EngramExtracted("engram-extracted", embeddings, analyzer, RetrievalConfig.defaults(), false));
                systems.add(new EngramExtracted("engram-extracted+turns", embeddings, analyzer, RetrievalConfig.defaults(), true));
            }
            if (variants != null && !engramOnly) {
                for (RetrievalSystem v : Variants.all(embeddings, analyzer)) {
                    if (v.name().startsWith(variants)) systems.add(v);
                    else v.close();
                }
            }
            long t0 = System.nanoTime();
            Map<String, Double> millis = new java.util.HashMap<>();
            Map<String, EvidenceRecall> results = LocomoHarness.run(data, systems, millis);
            for (RetrievalSystem s : systems) s.close();
            System.out.printf(Locale.ROOT, "retrieval over all systems: %.1f s%n", (System.nanoTime() - t0) / 1e9);
            print(results);
            System.out.println();
            System.out.println("mean wall time per retrieval call (query vectors precomputed, ingestion excluded):");
            for (String name : results.keySet()) System.out.printf(Locale.ROOT, "  %-26s %7.2f ms%n", name, millis.getOrDefault(name, Double.NaN));
            System.out.println("NOTE: engram is the whole engine through its public API (ingest each turn, rule-based extraction,"
                    + " reconciliation, retrieve with the budget; its time per call includes embedding the question); "
                    + engram.failed() + " ingestions failed. engram-turns / engram-extracted are the retriever over raw turns /"
                    + " unreconciled candidates stored directly");
            String extra = "";
            for (int i = 0; i < consolidated.size(); i++) {
                EngramPipeline.Consolidated c = consolidated.get(i);
                System.out.printf(Locale.ROOT, "%s (chars:window days[:similarity] %s): %d ACTIVE memories before, %d after (ratio %.3f);"
                        + " %d clusters, %d merged, %d events summarized%n", c.name(), consolidate.get(i), c.before, c.after,
                        c.after / (double) Math.max(1, c.before), c.clusters, c.merged, c.summarized);
                if (i == 0) {
                    extra = String.format(Locale.ROOT, " consolidated_recall_512=%.3f memories_before=%d memories_after=%d",
                            results.get(c.name()).atBudget(512), c.before, c.after);
                }
            }
            if (engramOnly) {
                System.out.printf(Locale.ROOT, "RESULT locomo recall_512=%.3f%s%n", results.get("engram").atBudget(512), extra);
            } else {
                System.out.printf(Locale.ROOT, "RESULT locomo recall_512=%.3f bm25_512=%.3f dense_512=%.3f hybrid_512=%.3f%s%n",
                        results.get("engram").atBudget(512), results.get("bm25").atBudget(512), results.get("dense").atBudget(512),
                        results.get("hybrid").atBudget(512), extra);
            }
        }
    }

    static void print(Map<String, EvidenceRecall> results) {
        int width = results.keySet().stream().mapToInt(String::length).max().orElse(10) + 2;
        System.out.println();
        System.out.println(EvidenceRecall.header(width));
        results.forEach((label, r) -> System.out.println(r.row(label, width)));
    }
}
