package dev.engram.wal;

/**
 * Counters of a {@link Wal} since it was opened (for metrics and to check group commit). An immutable
 * snapshot; {@link Wal#stats()} is thread-safe.
 *
 * @param appends       records appended
 * @param batches       batches written (one write, and under SYNC one fsync, each)
 * @param syncs         fsyncs of segment files
 * @param syncNanos     total time spent in those fsyncs
 * @param bytesWritten  bytes written to segment files
 * @param segmentsRolled new segment files created
 */
public record WalStats(long appends, long batches, long syncs, long syncNanos, long bytesWritten, long segmentsRolled) {}
