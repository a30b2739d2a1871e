package dev.engram;

import java.time.Duration;
import java.time.Instant;

/**
 * What {@link Engram#purge} removed. Holds no content and not the user id: the user appears under
 * its audit pseudonym.
 *
 * @param userPseudonym             the user's pseudonym in the audit log
 * @param memories                  memories the user had (not deleted)
 * @param versions                  versions of those memories
 * @param files                     files deleted from the user's directory
 * @param bytes                     bytes those files held
 * @param pendingIngestionsDropped  accepted ingestions not yet applied, dropped (never applied)
 * @param walSegmentsRetired        write-ahead log segments deleted by the purge's checkpoint
 * @param startedAt                 when the purge started
 * @param finishedAt                when it was complete
 */
public record PurgeReceipt(String userPseudonym, long memories, long versions, long files, long bytes,
        int pendingIngestionsDropped, int walSegmentsRetired, Instant startedAt, Instant finishedAt) {
    /** How long the purge took. */
    public Duration duration() {
        return Duration.between(startedAt, finishedAt);
    }
}
