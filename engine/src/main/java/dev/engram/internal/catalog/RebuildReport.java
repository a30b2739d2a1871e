package dev.engram.internal.catalog;

import java.util.List;

/**
 * What a catalog rebuild found.
 *
 * @param reason        why it ran ("no marker", "not closed cleanly", "map file checksum mismatch", …)
 * @param users         entries written
 * @param countsUnknown entries whose memory and version counts could not be read without decoding
 *                      segments (their bitmaps do not cover every record); the owner refreshes them
 * @param skipped       directories left out, each with the reason (no manifest, damaged manifest,
 *                      directory name does not match the manifest's user)
 * @param nanos         wall time of the scan and the writes
 *
 * <p>Immutable; thread-safe.
 */
public record RebuildReport(String reason, long users, long countsUnknown, List<String> skipped, long nanos) {
    public RebuildReport {
        skipped = List.copyOf(skipped);
    }
}
