package dev.engram.internal.store;

import dev.engram.internal.bitmap.AttributeBitmaps;
import dev.engram.memory.UserId;

/**
 * What the user catalog records about one user's committed state, computed the same way from a
 * live {@link UserStore} ({@link UserStore#summary()}) and from the user's directory on disk
 * ({@link UserDirectories#summarize}), so a catalog rebuilt from the directories equals the live one.
 *
 * @param liveMemories memories with a current, undeleted version ({@code |current|} of the
 *                     attribute bitmaps), or {@value #UNKNOWN} when only the manifest was read and
 *                     the persisted bitmaps do not cover every record
 * @param versions     stored versions of undeleted memories ({@code |all| - |tombstones|}), or {@value #UNKNOWN}
 * @param records      records in the committed segments (versions and tombstones), from the manifest
 * @param bytesOnDisk  the manifest's size plus the committed length of every file it lists
 *
 * <p>Immutable; thread-safe.
 */
public record UserSummary(UserId user, long liveMemories, long versions, long records, long bytesOnDisk) {
    /** A count that a directory scan could not establish without decoding segments. */
    public static final long UNKNOWN = -1;

    /** The summary of a committed manifest (of {@code manifestBytes} bytes) and bitmaps covering all of its records. */
    static UserSummary of(UserManifest manifest, long manifestBytes, AttributeBitmaps bitmaps) {
        long records = 0;
        long bytes = manifestBytes;
        for (UserManifest.Entry e : manifest.files()) {
            bytes += e.length();
            if (e.kind() == FileKind.SEGMENT) records += e.records();
        }
        long live = UNKNOWN;
        long versions = UNKNOWN;
        if (bitmaps != null) {
            live = bitmaps.current().getLongCardinality();
            versions = bitmaps.all().getLongCardinality() - bitmaps.tombstones().getLongCardinality();
        }
        return new UserSummary(manifest.user(), live, versions, records, bytes);
    }

    /** Whether the memory and version counts are known. */
    public boolean countsKnown() {
        return liveMemories != UNKNOWN && versions != UNKNOWN;
    }
}
