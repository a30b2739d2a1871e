package dev.engram.bench.locomo;

import dev.engram.internal.lexical.TextAnalyzer;
import dev.engram.internal.retrieval.Fusion;
import dev.engram.internal.retrieval.RetrievalConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Retrieval configurations measured against the defaults when tuning ({@code --variants}). */
final class Variants {
    private Variants() {}

    static List<RetrievalSystem> all(LocomoEmbeddings e, TextAnalyzer a) throws IOException {
        RetrievalConfig d = RetrievalConfig.defaults();
        List<RetrievalSystem> out = new ArrayList<>();
        out.add(new EngramTurns("v:rrf", e, a, d.withFusion(Fusion.RRF)));
        out.add(new EngramTurns("v:no-complete", e, a, d.withCompleteScores(false)));
        for (double w : new double[] {0.2, 0.25, 0.35, 0.4, 0.5}) {
            out.add(new EngramTurns("v:lex" + w, e, a, d.withWeights(1 - w, w)));
        }
        for (int k : new int[] {30, 50, 200, 400}) out.add(new EngramTurns("v:pool" + k, e, a, d.withCandidates(k)));
        out.add(new EngramTurns("v:recency0.05/30d", e, a, d.withRecency(0.05, Duration.ofDays(30))));
        out.add(new EngramTurns("v:recency0.1/90d", e, a, d.withRecency(0.1, Duration.ofDays(90))));
        out.add(new EngramTurns("v:importance0", e, a, d.withImportanceWeight(0)));
        out.add(new EngramTurns("v:prefix-packing", e, a, d) {
            @Override
            public List<EvidenceRecall.Retrieved> retrieve(LocomoData.Question q, int tokenBudget) {
                return retrieve(q);
            }
        });
        return out;
    }
}
