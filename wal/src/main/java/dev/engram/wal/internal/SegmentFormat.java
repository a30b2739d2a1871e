package dev.engram.wal.internal;

import dev.engram.io.CorruptFileException;
import dev.engram.io.Framing;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * The WAL segment file format, version 1. All integers big-endian.
 *
 * <h2>File name</h2>
 * {@code wal-<first LSN, 20 decimal digits>.log}; the first LSN in the name equals the header's.
 *
 * <h2>Segment header (31 bytes, offset 0)</h2>
 * <pre>
 *   0   4   magic 0x4557414C ("EWAL")
 *   4   1   format name length (10)
 *   5  10   format name "engram-wal"
 *  15   4   format version (1)
 *  19   8   first LSN of this segment
 *  27   4   CRC32C of bytes 0..26
 * </pre>
 *
 * <h2>Record (24-byte header + payload), records follow each other without padding</h2>
 * <pre>
 *   0   4   CRC32C of bytes 4 .. 24+length (the rest of the header and the payload)
 *   4   4   payload length (0 .. 2^30)
 *   8   4   type (the caller's)
 *  12   8   LSN (the previous record's + 1; the first record's equals the segment's first LSN)
 *  20   4   sync distance d: when this record was written, every record with LSN &lt;= LSN - d was
 *           already fsynced; 0xFFFFFFFF means "unknown" (too far)
 *  24   n   payload
 * </pre>
 * The sync distance lets recovery tell a torn tail (damage that no later record proves was ever
 * fsynced) from mid-log corruption (a later intact record says the damaged one had been fsynced).
 *
 * <p>Stateless and thread-safe.
 */
public final class SegmentFormat {
    public static final int MAGIC = 0x4557414C;
    public static final String FORMAT_NAME = "engram-wal";
    public static final int VERSION = 1;
    public static final int HEADER_LENGTH = 31;
    public static final int RECORD_HEADER_LENGTH = 24;
    /** The largest payload length the format allows (options may set a smaller one). */
    public static final int MAX_PAYLOAD = 1 << 30;
    public static final long UNKNOWN_DISTANCE = 0xFFFFFFFFL;

    private static final Pattern NAME = Pattern.compile("wal-(\\d{20})\\.log");

    private SegmentFormat() {}

    /** The file name of the segment starting at {@code firstLsn}. */
    public static String fileName(long firstLsn) {
        return String.format("wal-%020d.log", firstLsn);
    }

    /** The first LSN encoded in a segment file name, or -1 if the name is not a segment's. */
    public static long parseFileName(String name) {
        Matcher m = NAME.matcher(name);
        if (!m.matches()) return -1;
        try {
            return Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The segment header for {@code firstLsn}. */
    public static byte[] header(long firstLsn) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_LENGTH);
        Framing.writeHeader(b, MAGIC, FORMAT_NAME, VERSION);
        b.putLong(firstLsn);
        b.putInt(Framing.crc32c(b.array(), 0, HEADER_LENGTH - 4));
        return b.array();
    }

    /** Checks a segment header and returns its first LSN. */
    public static long checkHeader(String file, byte[] h) throws CorruptFileException {
        if (h.length < HEADER_LENGTH) {
            throw new CorruptFileException(file, 0, "truncated segment header", HEADER_LENGTH + " bytes", h.length + " bytes",
                    "crash while the segment was created?");
        }
        Framing.checkHeader(file, h, 0, MAGIC, FORMAT_NAME, VERSION, VERSION);
        ByteBuffer b = ByteBuffer.wrap(h);
        Framing.checkCrc(file, 0, "segment header (bytes 0..26)", b.getInt(HEADER_LENGTH - 4),
                Framing.crc32c(h, 0, HEADER_LENGTH - 4));
        return b.getLong(HEADER_LENGTH - 12);
    }

    /** The encoded length of a record with a payload of {@code payloadLength} bytes. */
    public static int recordLength(int payloadLength) {
        return RECORD_HEADER_LENGTH + payloadLength;
    }

    /** Encodes one record at {@code dst}'s position (which must have room; big-endian order). */
    public static void encode(ByteBuffer dst, long lsn, int type, byte[] payload, long syncedLsn) {
        if (dst.order() != ByteOrder.BIG_ENDIAN) throw new IllegalArgumentException("buffer must be big-endian");
        int start = dst.position();
        long distance = lsn - syncedLsn;
        dst.putInt(0).putInt(payload.length).putInt(type).putLong(lsn)
                .putInt((int) (distance > 0 && distance < UNKNOWN_DISTANCE ? distance : UNKNOWN_DISTANCE));
        dst.put(payload);
        int end = dst.position();
        CRC32C crc = new CRC32C();
        crc.update(dst.duplicate().position(start + 4).limit(end));
        dst.putInt(start, (int) crc.getValue());
    }
}
