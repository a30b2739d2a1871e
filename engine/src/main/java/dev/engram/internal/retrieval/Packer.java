package dev.engram.internal.retrieval;

import java.util.ArrayList;
import java.util.List;

/**
 * Orders scored candidates for diversity (MMR) and packs them into a token budget. Stateless.
 */
final class Packer {
    private Packer() {}

    /**
     * Greedy packing in the given order: a memory that does not fit the remaining budget is
     * skipped and later (smaller) ones are tried; stops at {@code limit} memories. The total never
     * exceeds {@code budget} ({@code null}: no budget).
     */
    static List<ScoredMemory> pack(List<ScoredMemory> ranked, int limit, Integer budget) {
        List<ScoredMemory> out = new ArrayList<>();
        long used = 0;
        for (ScoredMemory m : ranked) {
            if (out.size() == limit) break;
            if (budget != null && used + m.tokens() > budget) continue;
            used += m.tokens();
            out.add(m);
        }
        return out;
    }

    /**
     * Maximal marginal relevance: repeatedly takes the candidate maximizing
     * {@code λ · score/maxScore − (1 − λ) · max cosine to those taken}. A candidate without an
     * embedding ({@code null}) counts as dissimilar to everything. {@code ranked} is best first.
     */
    static List<ScoredMemory> mmr(List<ScoredMemory> ranked, List<float[]> embeddings, double lambda) {
        int n = ranked.size();
        if (n <= 1) return ranked;
        double max = ranked.getFirst().score();
        double scale = max > 0 ? max : 1;
        double[] maxSim = new double[n];
        boolean[] taken = new boolean[n];
        List<ScoredMemory> out = new ArrayList<>(n);
        for (int round = 0; round < n; round++) {
            int best = -1;
            double bestValue = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                if (taken[i]) continue;
                double value = lambda * ranked.get(i).score() / scale - (1 - lambda) * maxSim[i];
                if (value > bestValue) {
                    bestValue = value;
                    best = i;
                }
            }
            taken[best] = true;
            out.add(ranked.get(best));
            float[] e = embeddings.get(best);
            if (e == null) continue;
            for (int i = 0; i < n; i++) {
                float[] o = embeddings.get(i);
                if (taken[i] || o == null) continue;
                maxSim[i] = Math.max(maxSim[i], dot(e, o));
            }
        }
        return out;
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }
}
