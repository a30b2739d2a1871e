package dev.engram.bench.embed;

import dev.engram.bench.locomo.EvidenceRecall;
import dev.engram.bench.locomo.LocomoData;
import dev.engram.extraction.embed.EmbedderOptions;
import dev.engram.extraction.embed.EmbeddingModel;
import dev.engram.extraction.embed.OnnxEmbedder;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Dense retrieval over raw LoCoMo turns, one document per turn ("speaker: text" plus the image
 * caption), scored with {@link EvidenceRecall}: the quality half of choosing the default model.
 * Each model is scored with plain questions and, where it has one, with its query instruction.
 * Not thread-safe; one evaluation at a time.
 */
final class LocomoDenseEval {
    /** Enough ranked turns to fill the largest budget (turns cost at least one token). */
    private static final int RANKED = 200;

    private LocomoDenseEval() {}

    /** Results per row label, in the order printed. */
    static Map<String, EvidenceRecall> run(Path file, List<EmbeddingModel> models, int threads, PrintStream out) throws IOException {
        List<LocomoData.Conversation> data = LocomoData.read(file);
        int questions = 0, scored = 0, dropped = 0, turns = 0;
        for (LocomoData.Conversation c : data) {
            turns += c.turns().size();
            dropped += c.droppedEvidence();
            for (LocomoData.Question q : c.questions()) {
                if (q.category() != LocomoData.ADVERSARIAL) questions++;
                if (q.scored()) scored++;
            }
        }
        out.printf(Locale.ROOT, "LoCoMo %s: %d conversations, %d turns, %d non-adversarial questions, %d with evidence"
                + " (%d evidence fragments naming no turn dropped)%n", file.getFileName(), data.size(), turns, questions, scored, dropped);

        Map<String, EvidenceRecall> results = new LinkedHashMap<>();
        for (EmbeddingModel model : models) {
            try (OnnxEmbedder embedder = OnnxEmbedder.load(model, EmbedderOptions.builder().threads(threads).build())) {
                long t0 = System.nanoTime();
                List<float[][]> docVectors = new ArrayList<>();
                for (LocomoData.Conversation c : data) {
                    List<String> docs = c.turns().stream().map(LocomoData.Turn::document).toList();
                    docVectors.add(embedder.embedBatch(docs).toArray(float[][]::new));
                }
                double docSeconds = (System.nanoTime() - t0) / 1e9;
                List<Boolean> variants = model.queryInstruction().isEmpty() ? List.of(false) : List.of(false, true);
                for (boolean instruction : variants) {
                    EvidenceRecall recall = new EvidenceRecall();
                    for (int ci = 0; ci < data.size(); ci++) {
                        LocomoData.Conversation c = data.get(ci);
                        List<LocomoData.Turn> convTurns = c.turns();
                        for (LocomoData.Question q : c.questions()) {
                            if (!q.scored()) {
                                recall.add(q, List.of());
                                continue;
                            }
                            float[] qv = embedder.embed(instruction ? model.queryInstruction() + q.question() : q.question());
                            recall.add(q, rank(qv, docVectors.get(ci), convTurns));
                        }
                    }
                    String label = model.modelId() + (instruction ? " +query instruction" : "");
                    results.put(label, recall);
                }
                out.printf(Locale.ROOT, "  %s: embedded %d turns in %.1f s%n", model.modelId(), turns, docSeconds);
            }
        }
        int width = results.keySet().stream().mapToInt(String::length).max().orElse(10) + 2;
        out.println(EvidenceRecall.header(width));
        results.forEach((label, r) -> out.println(r.row(label, width)));
        return results;
    }

    private static List<EvidenceRecall.Retrieved> rank(float[] query, float[][] docs, List<LocomoData.Turn> turns) {
        Integer[] order = new Integer[docs.length];
        double[] score = new double[docs.length];
        for (int i = 0; i < docs.length; i++) {
            order[i] = i;
            double dot = 0;
            for (int d = 0; d < query.length; d++) dot += query[d] * docs[i][d];
            score[i] = dot;
        }
        Arrays.sort(order, (a, b) -> Double.compare(score[b], score[a]));
        List<EvidenceRecall.Retrieved> ranked = new ArrayList<>();
        for (int i = 0; i < Math.min(RANKED, order.length); i++) {
            LocomoData.Turn t = turns.get(order[i]);
            ranked.add(new EvidenceRecall.Retrieved(t.document(), Set.of(t.id())));
        }
        return ranked;
    }
}
