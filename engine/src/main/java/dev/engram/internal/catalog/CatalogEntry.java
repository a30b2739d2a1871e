package dev.engram.internal.catalog;

import dev.engram.internal.store.UserDirectoryLayout;
import dev.engram.internal.store.UserSummary;
import dev.engram.memory.UserId;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * One user's catalog entry, and its fixed-size value encoding in the Chronicle Map.
 *
 * @param directory      the user directory relative to the data directory, {@code users/ab/cd/<h>}
 *                       ({@link UserDirectoryLayout}), '/'-separated
 * @param liveMemories   memories with a current, undeleted version, or {@link UserSummary#UNKNOWN}
 * @param versions       stored versions of undeleted memories, or {@link UserSummary#UNKNOWN}
 * @param lastAppliedLsn the last WAL LSN applied to the user's committed files (0: none or not known)
 * @param created        when the user was first seen (after a rebuild: the directory's creation time)
 * @param updated        when the entry was last written (after a rebuild: the manifest's modification time)
 * @param bytesOnDisk    manifest plus the committed length of every listed file
 *
 * <p>Value layout ({@value #SIZE} bytes, big-endian; the key is the user id's ASCII bytes):
 * <pre>
 * offset width field
 * 0      1     value format version (1)
 * 1      1     n, directory length (1..64)
 * 2      64    directory, US-ASCII, zero-padded
 * 66     8     liveMemories (i64, -1 unknown)
 * 74     8     versions     (i64, -1 unknown)
 * 82     8     lastAppliedLsn
 * 90     8+4   created: epoch second (i64), nano (i32)
 * 102    8+4   updated: epoch second (i64), nano (i32)
 * 114    8     bytesOnDisk
 * 122    4     CRC32C of the key bytes followed by value bytes [0, 122)
 * </pre>
 * The CRC binds the value to its key, so a flipped byte in either is caught on read.
 * Immutable; thread-safe.
 */
public record CatalogEntry(String directory, long liveMemories, long versions, long lastAppliedLsn,
                           Instant created, Instant updated, long bytesOnDisk) {
    static final int SIZE = 126;
    static final int VALUE_VERSION = 1;
    private static final int MAX_DIRECTORY = 64;
    private static final int CRC_OFFSET = SIZE - 4;

    public CatalogEntry {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(updated, "updated");
        if (directory.isEmpty() || directory.length() > MAX_DIRECTORY || !StandardCharsets.US_ASCII.newEncoder().canEncode(directory)) {
            throw new IllegalArgumentException("directory must be 1.." + MAX_DIRECTORY + " ASCII characters: " + directory);
        }
        if (liveMemories < UserSummary.UNKNOWN || versions < UserSummary.UNKNOWN || lastAppliedLsn < 0 || bytesOnDisk < 0) {
            throw new IllegalArgumentException("negative count, LSN or size");
        }
    }

    /** The entry of a user with {@code summary}'s counts and bytes. */
    public static CatalogEntry of(UserSummary summary, long lastAppliedLsn, Instant created, Instant updated) {
        return new CatalogEntry(directoryOf(summary.user()), summary.liveMemories(), summary.versions(), lastAppliedLsn,
                created, updated, summary.bytesOnDisk());
    }

    /** The relative directory of {@code user}, as stored in its entry. */
    public static String directoryOf(UserId user) {
        return String.join("/", UserDirectoryLayout.pathElements(user));
    }

    /** The same entry with other counts, bytes and LSN, the creation time kept: what an owner writes after a flush. */
    public CatalogEntry updatedTo(UserSummary summary, long lastAppliedLsn, Instant now) {
        return new CatalogEntry(directory, summary.liveMemories(), summary.versions(), lastAppliedLsn, created, now,
                summary.bytesOnDisk());
    }

    /** Equal in everything a rebuild can establish (the timestamps of a rebuilt entry come from file times). */
    public boolean sameState(CatalogEntry o) {
        return directory.equals(o.directory) && liveMemories == o.liveMemories && versions == o.versions
                && lastAppliedLsn == o.lastAppliedLsn && bytesOnDisk == o.bytesOnDisk;
    }

    byte[] encode(String key) {
        byte[] v = new byte[SIZE];
        ByteBuffer b = ByteBuffer.wrap(v).order(ByteOrder.BIG_ENDIAN);
        byte[] dir = directory.getBytes(StandardCharsets.US_ASCII);
        b.put((byte) VALUE_VERSION).put((byte) dir.length).put(dir);
        b.position(2 + MAX_DIRECTORY);
        b.putLong(liveMemories).putLong(versions).putLong(lastAppliedLsn)
                .putLong(created.getEpochSecond()).putInt(created.getNano())
                .putLong(updated.getEpochSecond()).putInt(updated.getNano())
                .putLong(bytesOnDisk);
        b.putInt(crc(key, v));
        return v;
    }

    /** Decodes a value read under {@code key}; any inconsistency is an {@link IllegalStateException} naming the key. */
    static CatalogEntry decode(String key, byte[] v) {
        if (v == null || v.length != SIZE) throw bad(key, "value of " + (v == null ? "no" : v.length) + " bytes, expected " + SIZE);
        ByteBuffer b = ByteBuffer.wrap(v).order(ByteOrder.BIG_ENDIAN);
        int stored = b.getInt(CRC_OFFSET);
        int actual = crc(key, v);
        if (stored != actual) {
            throw bad(key, String.format("checksum mismatch (expected 0x%08x, found 0x%08x): map file damaged", stored, actual));
        }
        int version = b.get() & 0xFF;
        if (version != VALUE_VERSION) throw bad(key, "unsupported value version " + version);
        int n = b.get() & 0xFF;
        if (n < 1 || n > MAX_DIRECTORY) throw bad(key, "directory length " + n);
        String dir = new String(v, 2, n, StandardCharsets.US_ASCII);
        b.position(2 + MAX_DIRECTORY);
        try {
            return new CatalogEntry(dir, b.getLong(), b.getLong(), b.getLong(), Instant.ofEpochSecond(b.getLong(), b.getInt()),
                    Instant.ofEpochSecond(b.getLong(), b.getInt()), b.getLong());
        } catch (RuntimeException e) {
            throw bad(key, "field out of range: " + e.getMessage());
        }
    }

    private static int crc(String key, byte[] v) {
        CRC32C crc = new CRC32C();
        crc.update(key.getBytes(StandardCharsets.US_ASCII));
        crc.update(v, 0, CRC_OFFSET);
        return (int) crc.getValue();
    }

    private static IllegalStateException bad(String key, String problem) {
        // A damaged key may hold any bytes: never echo them.
        String shown = key.chars().allMatch(c -> c > 0x20 && c < 0x7F) ? key : "<" + key.length() + " unprintable characters>";
        return new IllegalStateException("catalog entry '" + shown + "': " + problem);
    }
}
