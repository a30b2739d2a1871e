package dev.engram.bench.locomo;

import java.util.List;

/**
 * One retrieval system under evaluation. The harness calls {@link #ingest} with a conversation
 * (all of it is one user), then {@link #retrieve} for each of that conversation's questions, then
 * moves on to the next conversation: a system answers only from the conversation last ingested.
 * Not thread-safe; the harness drives one system from one thread.
 */
public interface RetrievalSystem extends AutoCloseable {
    /** The row label. */
    String name();

    /** Replaces whatever the system held with this conversation, every session in order. */
    void ingest(LocomoData.Conversation conversation) throws Exception;

    /** Memories for a question, best first, enough to fill the largest budget (recall@k reads the first k). */
    List<EvidenceRecall.Retrieved> retrieve(LocomoData.Question question) throws Exception;

    /**
     * Memories for a question under a token budget, as the system would put them in a prompt. By
     * default the ranked list of {@link #retrieve}, which the metric cuts at the first memory that
     * does not fit; a system that packs to a budget itself (skipping a memory that does not fit for
     * smaller ones after it) overrides this.
     */
    default List<EvidenceRecall.Retrieved> retrieve(LocomoData.Question question, int tokenBudget) throws Exception {
        return retrieve(question);
    }

    @Override
    default void close() throws Exception {}
}
