package dev.engram.internal.pipeline;

/**
 * Cosine similarity thresholds of reconciliation (embeddings are unit vectors, so cosine is the
 * dot product). See docs/pipeline.md for how the defaults were measured.
 *
 * @param duplicate at or above: the same memory (reinforce, no new text)
 * @param update    at or above, same type, and the new text contains every word of the old: the same
 *                  memory, refined (new version)
 * @param forget    at or above: the memory a retraction without a slot key refers to
 */
public record ReconcileThresholds(double duplicate, double update, double forget) {
    public static final ReconcileThresholds DEFAULT = new ReconcileThresholds(0.94, 0.70, 0.90);

    public ReconcileThresholds {
        if (!(duplicate > 0 && duplicate <= 1 && update > 0 && update <= duplicate && forget > 0 && forget <= 1)) {
            throw new IllegalArgumentException("need 0 < update <= duplicate <= 1 and 0 < forget <= 1");
        }
    }
}
