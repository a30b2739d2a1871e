package dev.engram.internal.retrieval;

import java.util.ArrayList;
import java.util.List;

/**
 * Packs scored candidates into a token budget, in score order or, for diversity, in maximal
 * marginal relevance order. Stateless.
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
     * Packing in maximal-marginal-relevance order: repeatedly considers the unvisited candidate
     * maximizing {@code λ · score/maxScore − (1 − λ) · max cosine to those packed}, packs it if it
     * fits the remaining budget (else skips it for good), until {@code limit} memories are packed,
     * the budget is used up or the candidates run out. Only packed memories count as "already
     * said", so a skipped long memory does not push its neighbours away. A candidate without an
     * embedding ({@code null}) counts as dissimilar to everything. {@code ranked} is best first.
     * Cost: O(packed × candidates) dot products.
     */
    static List<ScoredMemory> packMmr(List<ScoredMemory> ranked, List<float[]> embeddings, double lambda, int limit, Integer budget) {
        int n = ranked.size();
        List<ScoredMemory> out = new ArrayList<>();
        if (n == 0) return out;
        double max = ranked.getFirst().score();
        double scale = max > 0 ? max : 1;
        double[] maxSim = new double[n];
        boolean[] visited = new boolean[n];
        long remaining = budget == null ? Long.MAX_VALUE : budget;
        for (int round = 0; round < n && out.size() < limit && remaining > 0; round++) {
            int best = -1;
            double bestValue = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                if (visited[i]) continue;
                double value = lambda * ranked.get(i).score() / scale - (1 - lambda) * maxSim[i];
                if (value > bestValue) {
                    bestValue = value;
                    best = i;
                }
            }
            visited[best] = true;
            ScoredMemory m = ranked.get(best);
            if (m.tokens() > remaining) continue;
            remaining -= m.tokens();
            out.add(m);
            float[] e = embeddings.get(best);
            if (e == null) continue;
            for (int i = 0; i < n; i++) {
                float[] o = embeddings.get(i);
                if (visited[i] || o == null) continue;
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
