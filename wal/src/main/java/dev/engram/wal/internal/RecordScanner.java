package dev.engram.wal.internal;

import dev.engram.io.FileInput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Reads records of one segment sequentially through a window buffer. After {@link #next(long)}
 * returns {@link Status#RECORD}, the accessors describe the record and {@link #offset()} is the
 * next record's offset; otherwise {@link #offset()} stays at the record that could not be read.
 *
 * <p>Not thread-safe.
 */
public final class RecordScanner {
    /** What {@link #next(long)} found at the current offset. */
    public enum Status {
        /** A record with a valid checksum. */
        RECORD,
        /** Clean end: the offset is exactly the limit. */
        END,
        /** The bytes end inside a record header or payload. */
        INCOMPLETE,
        /** The length field is impossible, or the checksum does not match. */
        BAD
    }

    private final FileInput in;
    private byte[] buf = new byte[16 * 1024];
    private long bufStart;
    private int bufLen;
    private long offset;
    private long recordOffset;
    private int length;
    private int type;
    private long lsn;
    private long distance;
    private int payloadStart;
    private String problem = "";

    public RecordScanner(FileInput in, long offset) {
        this.in = in;
        this.offset = offset;
    }

    /** The offset of the next record to read. */
    public long offset() {
        return offset;
    }

    /** Moves to {@code offset} (for the forward scan over damaged bytes). */
    public void seek(long offset) {
        this.offset = offset;
    }

    /** Reads the record at {@link #offset()}, looking at bytes before {@code limit} only. */
    public Status next(long limit) throws IOException {
        return next(limit, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /**
     * As {@link #next(long)}, but a record whose LSN field lies outside [minLsn, maxLsn] is {@link Status#BAD}
     * before its checksum is computed (keeps the forward scan over damaged bytes linear).
     */
    public Status next(long limit, long minLsn, long maxLsn) throws IOException {
        long pos = offset;
        if (pos == limit) return Status.END;
        if (!ensure(pos, SegmentFormat.RECORD_HEADER_LENGTH, limit)) {
            problem = "incomplete record header (" + (limit - pos) + " bytes before end of file)";
            return Status.INCOMPLETE;
        }
        ByteBuffer h = ByteBuffer.wrap(buf, (int) (pos - bufStart), SegmentFormat.RECORD_HEADER_LENGTH);
        int crc = h.getInt();
        int len = h.getInt();
        if (len < 0 || len > SegmentFormat.MAX_PAYLOAD) {
            problem = "impossible record length " + len;
            return Status.BAD;
        }
        h.getInt();
        long fieldLsn = h.getLong();
        if (fieldLsn < minLsn || fieldLsn > maxLsn) {
            problem = "implausible LSN " + fieldLsn;
            return Status.BAD;
        }
        if (!ensure(pos, SegmentFormat.RECORD_HEADER_LENGTH + len, limit)) {
            problem = "record of " + len + " bytes runs past the end of the file (" + (limit - pos) + " bytes left)";
            return Status.INCOMPLETE;
        }
        int at = (int) (pos - bufStart);
        CRC32C c = new CRC32C();
        c.update(buf, at + 4, SegmentFormat.RECORD_HEADER_LENGTH - 4 + len);
        if ((int) c.getValue() != crc) {
            problem = String.format("record checksum mismatch (stored 0x%08x, computed 0x%08x)", crc, (int) c.getValue());
            return Status.BAD;
        }
        ByteBuffer r = ByteBuffer.wrap(buf, at + 8, 16);
        recordOffset = pos;
        length = len;
        type = r.getInt();
        lsn = r.getLong();
        distance = r.getInt() & 0xFFFFFFFFL;
        payloadStart = at + SegmentFormat.RECORD_HEADER_LENGTH;
        offset = pos + SegmentFormat.RECORD_HEADER_LENGTH + len;
        return Status.RECORD;
    }

    /** Why the last {@link #next(long)} did not return a record. */
    public String problem() {
        return problem;
    }

    public long recordOffset() {
        return recordOffset;
    }

    public long lsn() {
        return lsn;
    }

    public int type() {
        return type;
    }

    public int length() {
        return length;
    }

    /** The highest LSN the record's writer knew to be fsynced, or 0 if unknown. */
    public long syncedLsn() {
        return distance == SegmentFormat.UNKNOWN_DISTANCE ? 0 : lsn - distance;
    }

    /** A copy of the last record's payload. */
    public byte[] payload() {
        return Arrays.copyOfRange(buf, payloadStart, payloadStart + length);
    }

    /** Makes bytes [pos, pos+n) available in the buffer; false if the limit comes first. */
    private boolean ensure(long pos, int n, long limit) throws IOException {
        if (limit - pos < n) return false;
        if (pos >= bufStart && pos + n <= bufStart + bufLen) return true;
        if (n > buf.length) buf = new byte[Math.max(n, buf.length * 2)];
        int want = (int) Math.min(buf.length, limit - pos);
        ByteBuffer dst = ByteBuffer.wrap(buf, 0, want);
        bufStart = pos;
        bufLen = 0;
        while (dst.position() < n) {
            int r = in.read(pos + dst.position(), dst);
            if (r < 0) break;
        }
        bufLen = dst.position();
        return bufLen >= n;
    }
}
