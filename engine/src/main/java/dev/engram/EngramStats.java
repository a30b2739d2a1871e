package dev.engram;

import java.util.List;
import java.util.Objects;

/**
 * A snapshot of the engine's operational figures, for metrics ({@link Engram#stats()}; the server
 * exports them, docs/operations.md). Counters are since the engine was opened. Immutable.
 *
 * @param ingestionsAccepted   new ingestions accepted (idempotent replays not counted)
 * @param ingestionsApplied    ingestions extraction applied (including those replayed from the WAL at open)
 * @param ingestionsFailed     ingestions whose extraction failed for good
 * @param ingestionsProductive applied ingestions that wrote at least one memory version; divided by
 *                             {@code ingestionsApplied} it is the extraction coverage
 * @param memoriesProduced     memory versions written by applied ingestions (added, updated, superseded or deleted)
 * @param walFsyncSeconds      latency of each fsync of the write-ahead log, in seconds
 * @param userMemories         live memories per user, over the users the catalog knows and the open
 *                             ones (a gauge: at most {@link Engram#STATS_USER_REFRESH} old); empty
 *                             buckets when the catalog is not open yet
 */
public record EngramStats(long ingestionsAccepted, long ingestionsApplied, long ingestionsFailed, long ingestionsProductive,
                          long memoriesProduced, Histogram walFsyncSeconds, Histogram userMemories) {
    public EngramStats {
        Objects.requireNonNull(walFsyncSeconds, "walFsyncSeconds");
        Objects.requireNonNull(userMemories, "userMemories");
    }

    /**
     * A histogram with fixed buckets: {@code counts.get(i)} observations fell in
     * ({@code upperBounds.get(i-1)}, {@code upperBounds.get(i)}] (not cumulative); the last bound is
     * {@link Double#POSITIVE_INFINITY}. {@code sum} is the sum of the observed values.
     */
    public record Histogram(List<Double> upperBounds, List<Long> counts, double sum) {
        public Histogram {
            upperBounds = List.copyOf(upperBounds);
            counts = List.copyOf(counts);
            if (upperBounds.size() != counts.size() || upperBounds.isEmpty()
                    || upperBounds.getLast() != Double.POSITIVE_INFINITY) {
                throw new IllegalArgumentException("one count per bound, the last bound +Inf");
            }
        }

        /** Observations in all. */
        public long count() {
            return counts.stream().mapToLong(Long::longValue).sum();
        }
    }
}
