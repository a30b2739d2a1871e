package dev.engram.internal.format;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable big-endian byte buffer with the primitive encodings every Engram format uses:
 * fixed-width integers, LEB128 varints (unsigned, 7 bits a byte, low bits first) and
 * length-prefixed UTF-8 strings. Not thread-safe.
 */
public final class ByteWriter {
    private byte[] buf;
    private int size;

    public ByteWriter() {
        this(256);
    }

    public ByteWriter(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    private void ensure(int extra) {
        if (size + extra > buf.length) {
            long want = Math.max((long) buf.length * 2, (long) size + extra);
            if (want > Integer.MAX_VALUE - 16) throw new IllegalStateException("buffer would exceed 2 GiB");
            buf = Arrays.copyOf(buf, (int) want);
        }
    }

    public ByteWriter u8(int v) {
        ensure(1);
        buf[size++] = (byte) v;
        return this;
    }

    public ByteWriter u16(int v) {
        ensure(2);
        buf[size++] = (byte) (v >>> 8);
        buf[size++] = (byte) v;
        return this;
    }

    public ByteWriter u32(int v) {
        ensure(4);
        for (int i = 3; i >= 0; i--) buf[size++] = (byte) (v >>> (8 * i));
        return this;
    }

    public ByteWriter u64(long v) {
        ensure(8);
        for (int i = 7; i >= 0; i--) buf[size++] = (byte) (v >>> (8 * i));
        return this;
    }

    /** An unsigned LEB128 varint; negative values take 10 bytes, so prefer {@link #zigzag}. */
    public ByteWriter varlong(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[size++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[size++] = (byte) v;
        return this;
    }

    public ByteWriter varint(int v) {
        return varlong(v & 0xFFFF_FFFFL);
    }

    /** A signed value, zig-zag mapped so small magnitudes stay short. */
    public ByteWriter zigzag(long v) {
        return varlong((v << 1) ^ (v >> 63));
    }

    public ByteWriter bytes(byte[] b) {
        return bytes(b, 0, b.length);
    }

    public ByteWriter bytes(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
        return this;
    }

    /** A varint byte length then the UTF-8 bytes. */
    public ByteWriter string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        varint(b.length);
        return bytes(b);
    }

    /** Overwrites 4 bytes at {@code pos} (for lengths and checksums known only later). */
    public void putU32At(int pos, int v) {
        for (int i = 0; i < 4; i++) buf[pos + i] = (byte) (v >>> (24 - 8 * i));
    }

    public int size() {
        return size;
    }

    /** The internal array; only the first {@link #size()} bytes are meaningful. */
    public byte[] array() {
        return buf;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    public void reset() {
        size = 0;
    }
}
