package dev.engram;

import java.time.Instant;

/**
 * What one consolidation run did (docs/privacy.md, "Consolidation"). No content, no user ids.
 *
 * @param users           users visited
 * @param clusters        duplicate groups merged plus episodes folded
 * @param merged          memories superseded by a near-duplicate that was kept
 * @param summarized      EVENT memories superseded by an episode summary
 * @param summaries       episode summaries written (new ACTIVE memories)
 * @param memoriesBefore  ACTIVE, unexpired memories of the visited users before the run
 * @param memoriesAfter   … and after it
 * @param conflicts       groups not written because a concurrent change of a member came first (retried next run)
 * @param failedUsers     users skipped because reading or writing them failed (retried next run)
 */
public record ConsolidationReport(long users, long clusters, long merged, long summarized, long summaries,
                                  long memoriesBefore, long memoriesAfter, long conflicts, long failedUsers,
                                  Instant startedAt, Instant finishedAt) {}
