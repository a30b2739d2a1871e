package dev.engram.internal.catalog;

import dev.engram.io.CorruptFileException;
import dev.engram.io.FileInput;
import dev.engram.io.FileOutput;
import dev.engram.io.Framing;
import dev.engram.io.Storage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * The catalog's shutdown marker, file {@value #FILE_NAME} beside the map file, written through the
 * storage seam and replaced atomically (write {@code .tmp}, sync, rename, sync directory).
 *
 * <p>Layout (big-endian): {@link Framing} header (magic {@code ECAT} 0x45434154, format name
 * {@value #FORMAT}, version {@value #VERSION}), then
 * <pre>
 * u64 generation    +1 on every open; also stored in the map under its meta key
 * u8  state         0 OPEN (the map may be changing or half-written), 1 CLEAN (closed cleanly)
 * u64 mapLength     CLEAN: length of users.cm when it was closed; OPEN: 0
 * u32 mapCrc32c     CLEAN: CRC32C of those bytes; OPEN: 0
 * u64 users         CLEAN: entries at close; OPEN: 0
 * </pre>
 * and the {@link Framing} footer (magic 0xC0DEF00D, CRC32C of every byte before it). A marker that
 * is missing, damaged or of another version reads as absent: the catalog is rebuilt.
 * Immutable; thread-safe.
 */
record CatalogMarker(long generation, boolean clean, long mapLength, int mapCrc32c, long users) {
    static final String FILE_NAME = "CATALOG";
    static final String FORMAT = "engram.catalog";
    static final int MAGIC = 0x45434154;
    static final int VERSION = 1;

    static CatalogMarker open(long generation) {
        return new CatalogMarker(generation, false, 0, 0, 0);
    }

    byte[] encode() {
        int header = Framing.headerLength(FORMAT);
        ByteBuffer b = ByteBuffer.allocate(header + 29 + Framing.FOOTER_LENGTH).order(ByteOrder.BIG_ENDIAN);
        Framing.writeHeader(b, MAGIC, FORMAT, VERSION);
        b.putLong(generation).put((byte) (clean ? 1 : 0)).putLong(mapLength).putInt(mapCrc32c).putLong(users);
        Framing.writeFooter(b, Framing.crc32c(b.array(), 0, b.position()));
        return b.array();
    }

    /** The marker in {@code dir}, or empty when it is missing or not a valid marker of this version. */
    static Optional<CatalogMarker> read(Storage dir) throws IOException {
        if (!dir.exists(FILE_NAME)) return Optional.empty();
        try (FileInput in = dir.openInput(FILE_NAME)) {
            Framing.checkFooter(in);
            byte[] bytes = new byte[(int) Math.min(in.size(), 4096)];
            in.readFully(0, bytes, 0, bytes.length);
            Framing.checkHeader(in.name(), bytes, 0, MAGIC, FORMAT, VERSION, VERSION);
            int header = Framing.headerLength(FORMAT);
            if (bytes.length != header + 29 + Framing.FOOTER_LENGTH) return Optional.empty();
            ByteBuffer b = ByteBuffer.wrap(bytes, header, 29).order(ByteOrder.BIG_ENDIAN);
            long generation = b.getLong();
            int state = b.get();
            if (state != 0 && state != 1) return Optional.empty();
            return Optional.of(new CatalogMarker(generation, state == 1, b.getLong(), b.getInt(), b.getLong()));
        } catch (CorruptFileException e) {
            return Optional.empty(); // derived state: a bad marker means "rebuild", never a failed open
        }
    }

    /** Replaces the marker atomically and durably. */
    void write(Storage dir) throws IOException {
        String tmp = FILE_NAME + ".tmp";
        if (dir.exists(tmp)) dir.delete(tmp);
        try (FileOutput out = dir.create(tmp)) {
            out.write(encode());
            out.sync();
        }
        dir.rename(tmp, FILE_NAME);
        dir.syncDirectory();
    }
}
