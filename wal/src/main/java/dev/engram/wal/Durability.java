package dev.engram.wal;

import java.time.Duration;
import java.util.Objects;

/**
 * When an append is acknowledged, relative to its fsync.
 *
 * <ul>
 *   <li>{@link #SYNC} (default): an append returns only after its record was fsynced. Concurrent
 *       appends share fsyncs (group commit). Acknowledged records survive power loss.</li>
 *   <li>{@link #interval(Duration)}: an append returns once its record is written to the operating
 *       system; a background fsync runs at most once per period while there are unsynced records.
 *       Survives a process crash; a power loss may lose up to one period of acknowledged records.
 *       {@link Wal#durableLsn()} says what is fsynced.</li>
 *   <li>{@link #NONE}: no fsync except on segment roll and close (tests, bulk import).</li>
 * </ul>
 */
public sealed interface Durability {
    /** Acknowledge after fsync (default). */
    Durability SYNC = new Sync();
    /** Never fsync on the append path. */
    Durability NONE = new None();

    /** Acknowledge after write; fsync in the background at most every {@code period}. */
    static Durability interval(Duration period) {
        return new Interval(period);
    }

    /** See {@link #SYNC}. */
    record Sync() implements Durability {}

    /** See {@link #NONE}. */
    record None() implements Durability {}

    /** See {@link Durability#interval(Duration)}. */
    record Interval(Duration period) implements Durability {
        public Interval {
            Objects.requireNonNull(period, "period");
            if (period.isNegative() || period.isZero()) throw new IllegalArgumentException("interval must be positive: " + period);
        }
    }
}
