package dev.engram.internal.format;

import java.nio.charset.StandardCharsets;

/**
 * The header every Engram file starts with, so any file says what it is before anything else is
 * trusted (in the manner of Lucene's {@code CodecUtil}).
 *
 * <pre>
 * offset  width  field
 * 0       4      magic      'E' 'N' 'G' 'R' (0x45 0x4E 0x47 0x52)
 * 4       1      nameLength 1..64
 * 5       n      name       ASCII format name, e.g. "engram.segment"
 * 5+n     2      version    u16 little-endian, the format's version
 * 7+n     4      crc        CRC32C of bytes [0, 7+n)
 * </pre>
 *
 * Stateless; thread-safe.
 */
public final class FileHeader {
    public static final int MAGIC = 0x52474E45; // "ENGR" read as a little-endian u32
    public static final int MAX_NAME_LENGTH = 64;

    private FileHeader() {}

    /** The header's length for a format name. */
    public static int length(String formatName) {
        return 4 + 1 + formatName.length() + 2 + 4;
    }

    public static void write(ByteWriter out, String formatName, int version) {
        if (formatName.isEmpty() || formatName.length() > MAX_NAME_LENGTH || !isAscii(formatName)) {
            throw new IllegalArgumentException("format name must be 1-64 ASCII characters: " + formatName);
        }
        int start = out.size();
        out.u32(MAGIC).u8(formatName.length()).bytes(formatName.getBytes(StandardCharsets.US_ASCII)).u16(version);
        out.u32(Crc32c.of(out.array(), start, out.size() - start));
    }

    /**
     * Reads and checks a header: magic, checksum, then the name, then that the version is in
     * {@code [minVersion, maxVersion]}. Returns the version found.
     */
    public static int read(ByteReader in, String expectedName, int minVersion, int maxVersion) throws CorruptFileException {
        long start = in.offset();
        int firstPos = in.position();
        int magic = in.u32();
        if (magic != MAGIC) {
            throw new CorruptFileException(in.file(), start, String.format("bad magic: expected 0x%08X, found 0x%08X", MAGIC, magic),
                    "not an Engram file, or its first bytes are damaged");
        }
        int n = in.u8();
        if (n == 0 || n > MAX_NAME_LENGTH) throw in.corrupt("format name length " + n + " outside [1, 64]");
        byte[] nameBytes = in.bytes(n);
        int version = in.u16();
        int covered = in.position() - firstPos;
        int crc = in.u32();
        int actual = crc(nameBytes, version);
        if (crc != actual) {
            throw new CorruptFileException(in.file(), start + covered,
                    String.format("header checksum mismatch: expected 0x%08X, computed 0x%08X", crc, actual),
                    "file truncated? disk fault?");
        }
        String name = new String(nameBytes, StandardCharsets.US_ASCII);
        if (!name.equals(expectedName)) {
            throw new CorruptFileException(in.file(), start + 5, "format is '" + name + "', expected '" + expectedName + "'",
                    "a file of another kind in this place?");
        }
        if (version < minVersion || version > maxVersion) {
            throw new CorruptFileException(in.file(), start + 5 + n, "format '" + name + "' version " + version
                    + " is not supported (this build reads " + minVersion + ".." + maxVersion + ")",
                    "written by a newer Engram?");
        }
        return version;
    }

    private static int crc(byte[] name, int version) {
        ByteWriter w = new ByteWriter(name.length + 8);
        w.u32(MAGIC).u8(name.length).bytes(name).u16(version);
        return Crc32c.of(w.array(), 0, w.size());
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) < 0x20 || s.charAt(i) > 0x7E) return false;
        return true;
    }
}
