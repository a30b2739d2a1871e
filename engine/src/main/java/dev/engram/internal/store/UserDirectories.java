package dev.engram.internal.store;

import dev.engram.internal.bitmap.AttributeBitmaps;
import dev.engram.internal.bitmap.BitmapFile;
import dev.engram.internal.format.Crc32c;
import dev.engram.io.CorruptFileException;
import dev.engram.io.Storage;
import java.io.IOException;
import java.util.Optional;

/**
 * Cheap, read-only looks into a user directory for tools that must not open the whole store (the
 * user catalog's rebuild): the manifest alone, and a {@link UserSummary} from the manifest plus,
 * when it covers every committed record, the small bitmaps file. Nothing is deleted, truncated
 * or decoded beyond those two files, so it is safe beside an open {@link UserStore} of the same
 * user (it then sees the last committed manifest). Stateless; thread-safe.
 */
public final class UserDirectories {
    private UserDirectories() {}

    /**
     * The committed manifest of the user directory {@code dir}, or empty if it has none (a user
     * that never flushed). Unlike opening a store, the user id is not checked against anything:
     * the caller compares it with the directory name ({@link UserDirectoryLayout#hashName}).
     *
     * @throws CorruptFileException if the manifest is damaged
     */
    public static Optional<UserManifest> readManifest(Storage dir) throws IOException {
        if (!dir.exists(UserManifest.FILE_NAME)) return Optional.empty();
        byte[] bytes = StoreFiles.readAll(dir, UserManifest.FILE_NAME);
        return Optional.of(UserManifest.decode(bytes, bytes.length, dir.location(UserManifest.FILE_NAME)));
    }

    /**
     * The summary of the user directory {@code dir}, or empty without a manifest. The counts are
     * {@link UserSummary#UNKNOWN} unless the bitmaps file is listed, covers every committed record
     * and matches its manifest length and CRC32C (a stale or damaged bitmaps file is ignored,
     * as opening the store would ignore it).
     *
     * @throws CorruptFileException if the manifest is damaged
     */
    public static Optional<UserSummary> summarize(Storage dir) throws IOException {
        if (!dir.exists(UserManifest.FILE_NAME)) return Optional.empty();
        byte[] bytes = StoreFiles.readAll(dir, UserManifest.FILE_NAME);
        UserManifest manifest = UserManifest.decode(bytes, bytes.length, dir.location(UserManifest.FILE_NAME));
        long records = manifest.segments().stream().mapToLong(UserManifest.Entry::records).sum();
        AttributeBitmaps bitmaps = null;
        Optional<UserManifest.Entry> bmp = manifest.file(FileKind.BITMAPS);
        if (bmp.isPresent() && bmp.get().records() == records && dir.exists(bmp.get().name())) {
            byte[] b = StoreFiles.readAll(dir, bmp.get().name());
            if (b.length == bmp.get().length() && Crc32c.of(b) == bmp.get().crc32c()) {
                try {
                    bitmaps = BitmapFile.decode(b, b.length, dir.location(bmp.get().name()));
                } catch (CorruptFileException e) {
                    bitmaps = null; // derived state: counts unknown, never a failed scan
                }
            }
        }
        return Optional.of(UserSummary.of(manifest, bytes.length, bitmaps));
    }
}
