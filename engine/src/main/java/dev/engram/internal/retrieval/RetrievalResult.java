package dev.engram.internal.retrieval;

import java.util.List;

/**
 * What a query returned.
 *
 * @param memories    the packed memories, in the order to place them in the prompt (best first)
 * @param totalTokens their summed {@link TokenEstimator} cost, never above the query's budget
 * @param candidates  how many candidates passed the filters and were scored
 */
public record RetrievalResult(List<ScoredMemory> memories, int totalTokens, int candidates) {
    public RetrievalResult {
        memories = List.copyOf(memories);
    }

    static RetrievalResult empty() {
        return new RetrievalResult(List.of(), 0, 0);
    }
}
