package dev.engram.internal.format;

import java.util.ArrayList;
import java.util.List;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;

/**
 * Encodes a block file (layout in {@link BlockFormat}) as a sequence of byte chunks that the
 * caller appends to its file in order: {@link #header()} once, {@link #dataBlock} per block,
 * {@link #seal()} at most once at the end. The writer only produces bytes; durability (write,
 * fsync) is the caller's, so the same code serves files, tests and the fault-injecting storage.
 *
 * <p>A writer can resume an existing unsealed file ({@link #resume}) from the blocks a reader
 * found in it. Not thread-safe.
 */
public final class BlockFileWriter {
    private static final LZ4Compressor LZ4 = LZ4Factory.fastestInstance().fastCompressor();

    private final int magic;
    private final String formatName;
    private final int version;
    private final BlockCipher cipher;
    private final List<BlockInfo> blocks = new ArrayList<>();
    private long position;
    private boolean headerWritten;
    private boolean sealed;

    public BlockFileWriter(int magic, String formatName, int version) {
        this(magic, formatName, version, null);
    }

    /** A writer whose DATA payloads {@code cipher} encrypts (null: none, the format as before). */
    public BlockFileWriter(int magic, String formatName, int version, BlockCipher cipher) {
        this.magic = magic;
        this.formatName = formatName;
        this.version = version;
        this.cipher = cipher;
    }

    /** A writer that continues an unsealed file whose valid blocks end at {@code length}. */
    public static BlockFileWriter resume(int magic, String formatName, int version, List<BlockInfo> existing, long length) {
        return resume(magic, formatName, version, existing, length, null);
    }

    /** The same, encrypting with {@code cipher} (which must be the one the file was written with, or null). */
    public static BlockFileWriter resume(int magic, String formatName, int version, List<BlockInfo> existing, long length,
            BlockCipher cipher) {
        BlockFileWriter w = new BlockFileWriter(magic, formatName, version, cipher);
        w.blocks.addAll(existing);
        w.position = length;
        w.headerWritten = true;
        return w;
    }

    /** The header bytes; call first, once. */
    public byte[] header() {
        if (headerWritten) throw new IllegalStateException("header already written");
        ByteWriter w = new ByteWriter(FileHeader.length(formatName));
        FileHeader.write(w, magic, formatName, version);
        headerWritten = true;
        position = w.size();
        return w.toByteArray();
    }

    /**
     * One DATA block holding {@code raw[0, length)}, LZ4-compressed when that saves space.
     * {@code count} is recorded in the block header and the footer (records, for segments).
     */
    public byte[] dataBlock(byte[] raw, int length, int count) {
        checkOpen();
        if (length > BlockFormat.MAX_RAW_LENGTH) throw new IllegalArgumentException("block of " + length + " bytes exceeds 64 MiB");
        byte[] compressed = new byte[LZ4.maxCompressedLength(length)];
        int clen = LZ4.compress(raw, 0, length, compressed, 0, compressed.length);
        int codec = clen < length ? BlockFormat.CODEC_LZ4 : BlockFormat.CODEC_STORED;
        byte[] payload = clen < length ? compressed : raw;
        int payloadLength = clen < length ? clen : length;
        if (cipher != null) {
            payload = cipher.seal(position, BlockFormat.TYPE_DATA, codec, count, length, payload, payloadLength);
            payloadLength = payload.length;
            codec |= BlockFormat.CODEC_ENCRYPTED;
        }
        byte[] block = encode(BlockFormat.TYPE_DATA, codec, count, length, payload, payloadLength);
        int storedLength = block.length - BlockFormat.BLOCK_HEADER_LENGTH;
        blocks.add(new BlockInfo(position, count, length, storedLength, Crc32c.of(block, BlockFormat.BLOCK_HEADER_LENGTH, storedLength)));
        position += block.length;
        return block;
    }

    /** The footer block and trailer; after this the file is complete and takes no more blocks. */
    public byte[] seal() {
        checkOpen();
        ByteWriter f = new ByteWriter(16 + blocks.size() * 20);
        f.u32(blocks.size());
        long total = 0;
        for (BlockInfo b : blocks) {
            f.u64(b.offset()).u32(b.count()).u32(b.storedLength()).u32(b.payloadCrc());
            total += b.count();
        }
        f.u64(total);
        byte[] footer = encode(BlockFormat.TYPE_FOOTER, BlockFormat.CODEC_STORED, 0, f.size(), f.array(), f.size());
        ByteWriter out = new ByteWriter(footer.length + BlockFormat.TRAILER_LENGTH);
        out.bytes(footer);
        int t = out.size();
        out.u32(BlockFormat.TRAILER_MAGIC).u64(position);
        out.u32(Crc32c.of(out.array(), t, 12));
        position += out.size();
        sealed = true;
        return out.toByteArray();
    }

    /** The length of the file once every chunk returned so far is written. */
    public long position() {
        return position;
    }

    public List<BlockInfo> blocks() {
        return List.copyOf(blocks);
    }

    private void checkOpen() {
        if (!headerWritten) throw new IllegalStateException("header not written");
        if (sealed) throw new IllegalStateException("file already sealed");
    }

    static byte[] encode(int type, int codec, int count, int rawLength, byte[] payload, int storedLength) {
        ByteWriter w = new ByteWriter(BlockFormat.BLOCK_HEADER_LENGTH + storedLength);
        w.u32(BlockFormat.BLOCK_MAGIC).u8(type).u8(codec).u16(0).u32(count).u32(rawLength).u32(storedLength);
        w.u32(Crc32c.of(payload, 0, storedLength));
        w.u32(Crc32c.of(w.array(), 0, 24));
        w.bytes(payload, 0, storedLength);
        return w.toByteArray();
    }
}
