package dev.engram.internal.format;

import dev.engram.io.CorruptFileException;
import dev.engram.io.Framing;
import java.nio.ByteBuffer;

/**
 * The header every engine file starts with: the project's {@link Framing} header (per-type magic,
 * format name, version; big-endian) followed by a CRC32C of those bytes, so that the header is
 * trusted before anything after it.
 *
 * <pre>
 * offset  width  field
 * 0       4      magic       per file type, e.g. "ESEG" (0x45534547)
 * 4       1      nameLength  1..64
 * 5       n      name        US-ASCII format name, e.g. "engram.segment"
 * 5+n     4      version     the format's version
 * 9+n     4      headerCrc   CRC32C of bytes [0, 9+n)
 * </pre>
 *
 * Stateless; thread-safe.
 */
public final class FileHeader {
    private FileHeader() {}

    /** The header's length for a format name. */
    public static int length(String formatName) {
        return Framing.headerLength(formatName) + 4;
    }

    public static void write(ByteWriter out, int magic, String formatName, int version) {
        ByteBuffer b = ByteBuffer.allocate(Framing.headerLength(formatName));
        Framing.writeHeader(b, magic, formatName, version);
        out.bytes(b.array());
        out.u32(Framing.crc32c(b.array(), 0, b.capacity()));
    }

    /**
     * Reads and checks a header: magic, name and version range (by {@link Framing#checkHeader}),
     * then the header checksum. Returns the version found.
     */
    public static int read(ByteReader in, int magic, String expectedName, int minVersion, int maxVersion)
            throws CorruptFileException {
        long start = in.offset();
        int pos = in.arrayPosition();
        int n = Framing.headerLength(expectedName);
        byte[] view = new byte[Math.min(n, in.remaining())];
        System.arraycopy(in.array(), pos, view, 0, view.length);
        int version = Framing.checkHeader(in.file(), view, 0, magic, expectedName, minVersion, maxVersion);
        in.skip(n);
        int stored = in.u32();
        Framing.checkCrc(in.file(), start + n, "file header", stored, Framing.crc32c(view, 0, n));
        return version;
    }
}
