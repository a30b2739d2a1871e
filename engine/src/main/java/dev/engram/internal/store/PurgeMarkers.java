package dev.engram.internal.store;

import dev.engram.internal.format.BodyFile;
import dev.engram.internal.format.ByteReader;
import dev.engram.internal.format.ByteWriter;
import dev.engram.io.Storage;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * The durable intents of user purges: one file per purge in progress, {@code purges/<h>} under the
 * data directory, {@code h} the user's directory name ({@link UserDirectoryLayout#hashName}; never
 * the user id). A {@link BodyFile} with format name {@value #FORMAT}, version {@value #VERSION},
 * magic "EPRG", replaced atomically; body {@code u64 purgeLsn}: every WAL record of that user up to
 * this LSN belongs to the purge. While the file exists, recovery deletes the user's directory and
 * drops those records (their mutations and events); the purge deletes the file last, once no WAL
 * segment holds them. Not thread-safe: the memory store serializes purges of one user.
 */
final class PurgeMarkers {
    static final String DIRECTORY = "purges";
    static final String FORMAT = "engram.purge";
    static final int MAGIC = 0x45505247;
    static final int VERSION = 1;

    private PurgeMarkers() {}

    /** Writes (replaces) the marker of the user whose directory name is {@code hash}; durable on return. */
    static void write(Storage root, String hash, long purgeLsn) throws IOException {
        boolean existed = root.isDirectory(DIRECTORY);
        try (Storage dir = root.subdirectory(DIRECTORY)) {
            if (!existed) root.syncDirectory();
            ByteWriter w = new ByteWriter(8);
            w.u64(purgeLsn);
            StoreFiles.writeAtomically(dir, hash, BodyFile.encode(MAGIC, FORMAT, VERSION, w.array(), w.size()));
        }
    }

    /** Directory name → purge LSN of every purge in progress (empty when none). Leftover temporaries are deleted. */
    static Map<String, Long> read(Storage root) throws IOException {
        Map<String, Long> out = new TreeMap<>();
        if (!root.isDirectory(DIRECTORY)) return out;
        try (Storage dir = root.subdirectory(DIRECTORY)) {
            for (String name : dir.list()) {
                if (name.endsWith(".tmp")) {
                    dir.delete(name);
                    continue;
                }
                String location = dir.location(name);
                byte[] data = StoreFiles.readAll(dir, name);
                BodyFile.Decoded d = BodyFile.decode(data, data.length, location, MAGIC, FORMAT, VERSION, VERSION);
                ByteReader in = new ByteReader(d.body(), 0, d.body().length, location + " (body)", d.bodyOffset());
                long lsn = in.u64();
                in.expectEnd("purge marker");
                out.put(name, lsn);
            }
        }
        return out;
    }

    /** Deletes the marker (the purge is complete); durable on return. */
    static void delete(Storage root, String hash) throws IOException {
        if (!root.isDirectory(DIRECTORY)) return;
        try (Storage dir = root.subdirectory(DIRECTORY)) {
            if (dir.delete(hash)) dir.syncDirectory();
        }
    }
}
