package dev.engram.io;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * How every Engram file is framed (in the spirit of Lucene's {@code CodecUtil}).
 *
 * <h2>Header (at offset 0)</h2>
 * <pre>
 *   offset  width  field
 *   0       4      magic, big-endian (per file type)
 *   4       1      length n of the format name (1..64)
 *   5       n      format name, US-ASCII (for example "engram-wal")
 *   5+n     4      format version, big-endian
 * </pre>
 * The header has no checksum of its own: a format puts its own fields after it and covers header
 * and fields with one CRC32C (the WAL segment header does).
 *
 * <h2>Footer (optional, last 8 bytes, for write-once files)</h2>
 * <pre>
 *   0  4  footer magic 0xC0DEF00D
 *   4  4  CRC32C of every byte of the file before the footer
 * </pre>
 * All integers are big-endian. Errors are {@link CorruptFileException}s naming the file and offset.
 *
 * <p>Stateless and thread-safe.
 */
public final class Framing {
    /** The footer's magic number. */
    public static final int FOOTER_MAGIC = 0xC0DEF00D;
    /** The footer's length in bytes. */
    public static final int FOOTER_LENGTH = 8;
    /** The longest format name. */
    public static final int MAX_NAME_LENGTH = 64;

    private Framing() {}

    /** The header's length for a format name. */
    public static int headerLength(String formatName) {
        return 9 + nameBytes(formatName).length;
    }

    /** Writes the header at {@code dst}'s position (big-endian regardless of {@code dst}'s order). */
    public static void writeHeader(ByteBuffer dst, int magic, String formatName, int version) {
        byte[] name = nameBytes(formatName);
        ByteBuffer b = dst.duplicate().order(ByteOrder.BIG_ENDIAN);
        b.putInt(magic).put((byte) name.length).put(name).putInt(version);
        dst.position(b.position());
    }

    /**
     * Checks the header at {@code offset} of {@code bytes} (which came from {@code file}) and returns
     * its version.
     *
     * @throws CorruptFileException on a bad magic, format name, or a version outside [min, max]
     */
    public static int checkHeader(String file, byte[] bytes, int offset, int magic, String formatName,
                                  int minVersion, int maxVersion) throws CorruptFileException {
        byte[] name = nameBytes(formatName);
        int avail = bytes.length - offset;
        if (avail < 5) throw truncated(file, offset, 5, avail);
        ByteBuffer b = ByteBuffer.wrap(bytes, offset, avail).order(ByteOrder.BIG_ENDIAN);
        int actualMagic = b.getInt();
        if (actualMagic != magic) {
            throw new CorruptFileException(file, offset, "bad magic number", hex(magic), hex(actualMagic),
                    "not a " + formatName + " file, or its first bytes are damaged");
        }
        int n = b.get() & 0xFF;
        if (avail < 9 + n) throw truncated(file, offset, 9 + n, avail);
        byte[] actualName = new byte[n];
        b.get(actualName);
        if (!java.util.Arrays.equals(actualName, name)) {
            throw new CorruptFileException(file, offset + 4, "wrong format name", formatName,
                    new String(actualName, StandardCharsets.US_ASCII), "a different kind of file, or damaged");
        }
        int version = b.getInt();
        if (version < minVersion || version > maxVersion) {
            throw new CorruptFileException(file, offset + 5 + n, "unsupported format version",
                    "[" + minVersion + ", " + maxVersion + "]", Integer.toString(version),
                    version > maxVersion ? "written by a newer Engram?" : "written by an older, unsupported Engram?");
        }
        return version;
    }

    private static CorruptFileException truncated(String file, long offset, int need, int have) {
        return new CorruptFileException(file, offset, "truncated header", need + " bytes", have + " bytes", "file truncated?");
    }

    /** CRC32C of a byte range. */
    public static int crc32c(byte[] b, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(b, offset, length);
        return (int) crc.getValue();
    }

    /** CRC32C of a buffer's remaining bytes (its position is left unchanged). */
    public static int crc32c(ByteBuffer b) {
        CRC32C crc = new CRC32C();
        crc.update(b.duplicate());
        return (int) crc.getValue();
    }

    /**
     * Throws a {@link CorruptFileException} if {@code expected != actual}.
     *
     * @param what what the checksum covers, for the message ("record", "block 7")
     */
    public static void checkCrc(String file, long offset, String what, int expected, int actual) throws CorruptFileException {
        if (expected != actual) {
            throw new CorruptFileException(file, offset, "checksum mismatch for " + what, hex(expected), hex(actual),
                    "file truncated or damaged (disk fault, partial write, bit flip?)");
        }
    }

    /** Writes the footer for a file whose preceding bytes have checksum {@code crc}. */
    public static void writeFooter(ByteBuffer dst, int crc) {
        ByteBuffer b = dst.duplicate().order(ByteOrder.BIG_ENDIAN);
        b.putInt(FOOTER_MAGIC).putInt(crc);
        dst.position(b.position());
    }

    /**
     * Verifies a whole write-once file: the footer magic and the CRC32C of every byte before it.
     * Reads the file once, sequentially.
     */
    public static void checkFooter(FileInput in) throws IOException {
        long size = in.size();
        if (size < FOOTER_LENGTH) {
            throw new CorruptFileException(in.name(), 0, "file too short for a footer", ">= " + FOOTER_LENGTH + " bytes",
                    size + " bytes", "file truncated?");
        }
        long end = size - FOOTER_LENGTH;
        CRC32C crc = new CRC32C();
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        for (long pos = 0; pos < end; ) {
            buf.clear().limit((int) Math.min(buf.capacity(), end - pos));
            int n = in.read(pos, buf);
            if (n < 0) throw new EOFException(in.name() + ": unexpected end of file at offset " + pos);
            buf.flip();
            crc.update(buf);
            pos += n;
        }
        byte[] footer = new byte[FOOTER_LENGTH];
        in.readFully(end, footer, 0, FOOTER_LENGTH);
        ByteBuffer f = ByteBuffer.wrap(footer);
        int magic = f.getInt();
        if (magic != FOOTER_MAGIC) {
            throw new CorruptFileException(in.name(), end, "bad footer magic", hex(FOOTER_MAGIC), hex(magic),
                    "file truncated or not completely written?");
        }
        checkCrc(in.name(), end, "file body", f.getInt(), (int) crc.getValue());
    }

    /** {@code 0x} and eight hex digits. */
    public static String hex(int v) {
        return String.format("0x%08x", v);
    }

    private static byte[] nameBytes(String formatName) {
        byte[] b = formatName.getBytes(StandardCharsets.US_ASCII);
        if (b.length == 0 || b.length > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("format name must have 1.." + MAX_NAME_LENGTH + " ASCII chars: " + formatName);
        }
        return b;
    }
}
