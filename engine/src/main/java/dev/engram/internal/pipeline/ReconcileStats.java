package dev.engram.internal.pipeline;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * How reconciliation decisions were made since open: {@code model} (the extractor's advice,
 * validated and applied), {@code rules} (the similarity rules, because the extractor gave no
 * advice or there was nothing to reconcile against) and {@code fallback.<reason>} (the extractor's
 * advice was asked for but not used: the model failed, or its answer broke an invariant). Counts
 * candidates, never content. Thread-safe.
 */
final class ReconcileStats {
    static final String MODEL = "model";
    static final String RULES = "rules";
    static final String FALLBACK = "fallback.";

    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    void model() {
        count(MODEL);
    }

    void rules() {
        count(RULES);
    }

    void fallback(String reason) {
        count(FALLBACK + reason);
    }

    private void count(String key) {
        counts.computeIfAbsent(key, k -> new LongAdder()).increment();
    }

    /** A snapshot, sorted by key. */
    Map<String, Long> snapshot() {
        TreeMap<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
