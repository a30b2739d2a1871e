package dev.engram.bench.locomo;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs retrieval systems over LoCoMo conversations and scores them with {@link EvidenceRecall}:
 * per conversation, each system ingests it and answers its questions (the ranked list for
 * recall@k and one retrieval per token budget). Adversarial questions and those without evidence
 * are counted as skipped and never asked. Not thread-safe.
 */
public final class LocomoHarness {
    private LocomoHarness() {}

    /** Results per system name, in the order given. */
    public static Map<String, EvidenceRecall> run(List<LocomoData.Conversation> conversations, List<? extends RetrievalSystem> systems)
            throws Exception {
        return run(conversations, systems, new HashMap<>());
    }

    /**
     * Same, and adds to {@code millisPerQuery} each system's mean wall time per retrieval call
     * (ingestion excluded).
     */
    public static Map<String, EvidenceRecall> run(List<LocomoData.Conversation> conversations, List<? extends RetrievalSystem> systems,
            Map<String, Double> millisPerQuery) throws Exception {
        Map<String, long[]> time = new HashMap<>();
        Map<String, EvidenceRecall> results = new LinkedHashMap<>();
        for (RetrievalSystem s : systems) {
            if (results.put(s.name(), new EvidenceRecall()) != null) throw new IllegalArgumentException("two systems named " + s.name());
        }
        for (LocomoData.Conversation c : conversations) {
            for (RetrievalSystem s : systems) {
                s.ingest(c);
                EvidenceRecall recall = results.get(s.name());
                for (LocomoData.Question q : c.questions()) {
                    if (!q.scored()) {
                        recall.add(q, List.of());
                        continue;
                    }
                    long t0 = System.nanoTime();
                    List<EvidenceRecall.Retrieved> ranked = s.retrieve(q);
                    Map<Integer, List<EvidenceRecall.Retrieved>> packed = new HashMap<>();
                    for (int b : EvidenceRecall.BUDGETS) packed.put(b, s.retrieve(q, b));
                    long[] t = time.computeIfAbsent(s.name(), k -> new long[2]);
                    t[0] += System.nanoTime() - t0;
                    t[1] += 1 + EvidenceRecall.BUDGETS.length;
                    recall.add(q, ranked, packed::get);
                }
            }
        }
        time.forEach((name, t) -> millisPerQuery.put(name, t[0] / 1e6 / Math.max(1, t[1])));
        return results;
    }
}
