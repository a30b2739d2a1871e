package dev.engram.internal.pipeline;

import java.time.Duration;

/**
 * The pipeline's knobs (the engine's options map onto them).
 *
 * @param workers       extraction worker threads
 * @param queueCapacity most accepted, unfinished ingestions before {@code ingest} is refused
 * @param maxAttempts   extraction attempts before an ingestion is marked failed
 * @param retryBackoff  first retry delay; doubled per attempt, capped at 30 s, with ±20 % jitter
 * @param dedupWindow   a turn whose normalized content the user sent within this window is dropped
 * @param thresholds    reconciliation cosine thresholds
 */
public record PipelineSettings(int workers, int queueCapacity, int maxAttempts, Duration retryBackoff,
                               Duration dedupWindow, ReconcileThresholds thresholds) {
    public PipelineSettings {
        if (workers < 1) throw new IllegalArgumentException("workers must be >= 1");
        if (queueCapacity < 1) throw new IllegalArgumentException("queueCapacity must be >= 1");
        if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be >= 1");
    }

    public static PipelineSettings defaults() {
        return new PipelineSettings(2, 10_000, 5, Duration.ofMillis(200), Duration.ofHours(24), ReconcileThresholds.DEFAULT);
    }
}
