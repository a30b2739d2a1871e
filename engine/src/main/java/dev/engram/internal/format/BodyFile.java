package dev.engram.internal.format;

import dev.engram.io.CorruptFileException;

import java.io.ByteArrayOutputStream;

/**
 * A file whose content is one body written and read whole (indexes, bitmaps, manifests): a sealed
 * block file (see {@link BlockFormat}) whose DATA blocks, each at most {@value #CHUNK} raw bytes
 * and checksummed, concatenate to the body. Such files are always replaced whole, never
 * appended, so they are read in {@link BlockFileReader.Mode#STRICT} mode. Stateless; thread-safe.
 */
public final class BodyFile {
    static final int CHUNK = 1 << 20;

    private BodyFile() {}

    /** The complete file for a body. */
    public static byte[] encode(int magic, String formatName, int version, byte[] body, int length) {
        return encode(magic, formatName, version, body, length, null);
    }

    /** The same with DATA blocks encrypted by {@code cipher} (null: none). */
    public static byte[] encode(int magic, String formatName, int version, byte[] body, int length, BlockCipher cipher) {
        BlockFileWriter w = new BlockFileWriter(magic, formatName, version, cipher);
        ByteArrayOutputStream out = new ByteArrayOutputStream(length + 256);
        out.writeBytes(w.header());
        for (int off = 0; off < length; off += CHUNK) {
            int n = Math.min(CHUNK, length - off);
            byte[] chunk = new byte[n];
            System.arraycopy(body, off, chunk, 0, n);
            out.writeBytes(w.dataBlock(chunk, n, n));
        }
        out.writeBytes(w.seal());
        return out.toByteArray();
    }

    /** The version and body of a complete file; anything short of complete is corruption. */
    public record Decoded(int version, byte[] body, long bodyOffset) {}

    public static Decoded decode(byte[] data, int length, String file, int magic, String formatName, int minVersion,
            int maxVersion) throws CorruptFileException {
        return decode(data, length, file, magic, formatName, minVersion, maxVersion, null);
    }

    /** The same for a file written with {@code cipher} (null: unencrypted). */
    public static Decoded decode(byte[] data, int length, String file, int magic, String formatName, int minVersion,
            int maxVersion, BlockCipher cipher) throws CorruptFileException {
        BlockFileReader.Parsed p = BlockFileReader.parse(data, length, file, magic, formatName, minVersion, maxVersion,
                BlockFileReader.Mode.STRICT, cipher);
        if (!p.sealed()) {
            throw Corruption.of(file, length, "file has no footer", "file truncated? written by a crashed writer?");
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int i = 0; i < p.blocks().size(); i++) {
            byte[] raw = p.payload(i);
            if (raw.length != p.blocks().get(i).count()) {
                throw Corruption.of(file, p.blocks().get(i).offset(), "chunk length disagrees with its header",
                        "written by a faulty writer?");
            }
            body.writeBytes(raw);
        }
        return new Decoded(p.version(), body.toByteArray(), p.headerLength());
    }
}
