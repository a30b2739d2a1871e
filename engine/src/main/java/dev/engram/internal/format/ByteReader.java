package dev.engram.internal.format;

import dev.engram.io.CorruptFileException;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads the encodings of {@link ByteWriter} from a byte range, checking every length against the
 * range: running past the end, an over-long varint or invalid UTF-8 raise
 * {@link CorruptFileException} naming {@code file} and the absolute offset ({@code base} plus the
 * position in the range). Not thread-safe.
 */
public final class ByteReader {
    private final byte[] buf;
    private final int start;
    private final int end;
    private final String file;
    private final long base;
    private int pos;

    /**
     * @param base the file offset of {@code buf[off]}, for error messages (for a decompressed
     *     block, the offset of the block in the file)
     */
    public ByteReader(byte[] buf, int off, int len, String file, long base) {
        this.buf = buf;
        this.start = off;
        this.end = off + len;
        this.file = file;
        this.base = base;
        this.pos = off;
    }

    public ByteReader(byte[] buf, String file) {
        this(buf, 0, buf.length, file, 0);
    }

    /** The absolute offset of the next byte, for error messages. */
    public long offset() {
        return base + (pos - start);
    }

    /** The array read from (for checks that need the raw bytes, such as header checksums). */
    public byte[] array() {
        return buf;
    }

    /** The index in {@link #array()} of the next byte. */
    public int arrayPosition() {
        return pos;
    }

    /** The file name used in error messages. */
    public String file() {
        return file;
    }

    public int remaining() {
        return end - pos;
    }

    public int position() {
        return pos - start;
    }

    public CorruptFileException corrupt(String problem) {
        return Corruption.of(file, offset(), problem, "file damaged or written by an incompatible version?");
    }

    private void need(int n) throws CorruptFileException {
        if (n < 0 || end - pos < n) {
            throw Corruption.of(file, offset(), "needs " + n + " bytes, only " + (end - pos) + " left",
                    "file truncated or a length field damaged?");
        }
    }

    public int u8() throws CorruptFileException {
        need(1);
        return buf[pos++] & 0xFF;
    }

    public int u16() throws CorruptFileException {
        need(2);
        int v = (buf[pos] & 0xFF) << 8 | (buf[pos + 1] & 0xFF);
        pos += 2;
        return v;
    }

    public int u32() throws CorruptFileException {
        need(4);
        int v = 0;
        for (int i = 0; i < 4; i++) v = (v << 8) | (buf[pos + i] & 0xFF);
        pos += 4;
        return v;
    }

    public long u64() throws CorruptFileException {
        need(8);
        long v = 0;
        for (int i = 0; i < 8; i++) v = (v << 8) | (buf[pos + i] & 0xFFL);
        pos += 8;
        return v;
    }

    public long varlong() throws CorruptFileException {
        long v = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            int b = u8();
            if (shift == 63 && (b & 0x7E) != 0) throw corrupt("varint overflows 64 bits");
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) return v;
        }
        throw corrupt("varint longer than 10 bytes");
    }

    /** A varint that must fit in {@code [0, max]}. */
    public int varint(int max) throws CorruptFileException {
        long at = offset();
        long v = varlong();
        if (v < 0 || v > max) {
            throw Corruption.of(file, at, "value " + Long.toUnsignedString(v) + " outside [0, " + max + "]",
                    "file damaged?");
        }
        return (int) v;
    }

    public long zigzag() throws CorruptFileException {
        long v = varlong();
        return (v >>> 1) ^ -(v & 1);
    }

    public byte[] bytes(int n) throws CorruptFileException {
        need(n);
        byte[] out = new byte[n];
        System.arraycopy(buf, pos, out, 0, n);
        pos += n;
        return out;
    }

    public void skip(int n) throws CorruptFileException {
        need(n);
        pos += n;
    }

    /** A string of at most {@code maxBytes} UTF-8 bytes; malformed UTF-8 is corruption, not replaced. */
    public String string(int maxBytes) throws CorruptFileException {
        int n = varint(maxBytes);
        need(n);
        try {
            String s = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(buf, pos, n)).toString();
            pos += n;
            return s;
        } catch (CharacterCodingException e) {
            throw corrupt("malformed UTF-8 string");
        }
    }

    /** Fails unless every byte of the range was consumed. */
    public void expectEnd(String what) throws CorruptFileException {
        if (pos != end) throw corrupt(what + " has " + (end - pos) + " unexpected trailing bytes");
    }
}
