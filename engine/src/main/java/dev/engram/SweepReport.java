package dev.engram;

import java.time.Instant;

/**
 * What one sweep did (docs/privacy.md, "Expiry" and "Archive"). No content, no user ids.
 *
 * @param users          users visited
 * @param expiredDeleted expired memories deleted (tombstoned)
 * @param archived       memories moved to ARCHIVED
 * @param compacted      users compacted because the sweep deleted something of theirs
 * @param failedUsers    users skipped because reading or writing them failed (retried next sweep)
 */
public record SweepReport(long users, long expiredDeleted, long archived, long compacted, long failedUsers,
                          Instant startedAt, Instant finishedAt) {}
