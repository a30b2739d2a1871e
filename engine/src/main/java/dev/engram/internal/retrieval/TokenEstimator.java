package dev.engram.internal.retrieval;

/**
 * The prompt cost of a memory: {@code ceil(code points / 4)} of its content, the text placed in
 * the prompt. About four characters per token is what BPE tokenizers of current chat models give
 * for English; the exact count depends on the caller's model, which the engine does not know. It
 * is the same estimate the LoCoMo evaluation's budgets use, so packing and the metric agree.
 * Stateless and thread-safe.
 */
public final class TokenEstimator {
    private TokenEstimator() {}

    /** ceil(code points / 4); 0 for the empty string. */
    public static int estimate(String text) {
        return (text.codePointCount(0, text.length()) + 3) / 4;
    }
}
