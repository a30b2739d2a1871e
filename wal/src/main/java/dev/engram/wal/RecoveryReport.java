package dev.engram.wal;

import java.util.List;

/**
 * What recovery found and did when the log was opened. Immutable and thread-safe.
 *
 * @param segments  segment files kept
 * @param records   records found in them
 * @param firstLsn  the oldest record kept (equals {@code lastLsn + 1} when there is none)
 * @param lastLsn   the newest record kept (0 when the log never had one)
 * @param repairs   what recovery changed: torn tails truncated, torn segments removed, and in salvage
 *                  mode what was dropped; empty when the log was clean
 */
public record RecoveryReport(int segments, long records, long firstLsn, long lastLsn, List<Repair> repairs) {
    public RecoveryReport {
        repairs = List.copyOf(repairs);
    }

    /** True when recovery changed nothing. */
    public boolean clean() {
        return repairs.isEmpty();
    }

    /** Bytes removed by all repairs. */
    public long droppedBytes() {
        return repairs.stream().mapToLong(Repair::droppedBytes).sum();
    }

    /** One change recovery made. */
    public record Repair(Kind kind, String file, long offset, long droppedBytes, String reason) {
        @Override
        public String toString() {
            return kind + " " + file + " at offset " + offset + ": dropped " + droppedBytes + " bytes (" + reason + ")";
        }
    }

    /** Kinds of repair. */
    public enum Kind {
        /** An incomplete or damaged record at the end of the log (a write cut short by a crash) was cut off. */
        TORN_TAIL_TRUNCATED,
        /** The newest segment file had only a partial header (crash while creating it) and was deleted. */
        TORN_SEGMENT_DELETED,
        /** Salvage mode: the segment was cut at the damage. */
        SALVAGE_TRUNCATED,
        /** Salvage mode: a whole segment after the damage was deleted. */
        SALVAGE_SEGMENT_DELETED
    }
}
