package dev.engram.internal.segment;

import dev.engram.internal.format.BlockCipher;
import dev.engram.internal.format.BlockFileWriter;
import dev.engram.internal.format.BlockInfo;
import dev.engram.internal.format.ByteWriter;
import dev.engram.memory.UserId;
import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * Encodes records of one user into segment bytes (format in {@link SegmentFormat}). The caller
 * writes the returned chunks to the file in order and decides when they are durable; a chunk is
 * either written whole or, after a crash, detected as a torn tail by {@link SegmentReader}.
 *
 * <p>Records added with {@link #add} are buffered until {@link #flush()}, which cuts them into
 * blocks of about {@link SegmentFormat#TARGET_BLOCK_BYTES}. Records of another user are refused,
 * so a segment can never hold two users' data. Not thread-safe.
 */
public final class SegmentWriter {
    private final UserId user;
    private final BlockFileWriter blocks;
    private final int targetBlockBytes;
    // Starts small and grows: an open user that never writes (a cold user opened to be read) must
    // not hold a block-sized buffer (64 KiB; it was a third of a small open user's heap).
    private final ByteWriter pending = new ByteWriter(256);
    private final ByteWriter scratch = new ByteWriter();
    private int pendingCount;
    private long recordCount;

    private SegmentWriter(UserId user, BlockFileWriter blocks, int targetBlockBytes, long recordCount) {
        this.user = user;
        this.blocks = blocks;
        this.targetBlockBytes = targetBlockBytes;
        this.recordCount = recordCount;
    }

    /** A writer for a new segment; its first chunk is the header, from {@link #header()}. */
    public static SegmentWriter create(UserId user, int targetBlockBytes) {
        return create(user, targetBlockBytes, null);
    }

    /** The same with blocks encrypted by {@code cipher} (null: none). */
    public static SegmentWriter create(UserId user, int targetBlockBytes, BlockCipher cipher) {
        return new SegmentWriter(user, new BlockFileWriter(SegmentFormat.MAGIC, SegmentFormat.NAME, SegmentFormat.VERSION, cipher),
                targetBlockBytes, 0);
    }

    /** A writer appending to an unsealed segment that a {@link SegmentReader} has verified. */
    public static SegmentWriter resume(UserId user, SegmentReader.Contents existing, int targetBlockBytes) {
        return resume(user, existing, targetBlockBytes, null);
    }

    /** The same for a segment written with {@code cipher} (null: unencrypted). */
    public static SegmentWriter resume(UserId user, SegmentReader.Contents existing, int targetBlockBytes, BlockCipher cipher) {
        if (existing.sealed()) throw new IllegalStateException(existing.file() + " is sealed");
        List<BlockInfo> b = existing.blocks();
        BlockFileWriter w = BlockFileWriter.resume(SegmentFormat.MAGIC, SegmentFormat.NAME, SegmentFormat.VERSION, b, existing.validLength(),
                cipher);
        return new SegmentWriter(user, w, targetBlockBytes, existing.records().size());
    }

    public byte[] header() {
        return blocks.header();
    }

    /** Buffers a record; throws {@link IllegalArgumentException} for another user's record. */
    public void add(SegmentRecord record) {
        if (!record.user().equals(user)) {
            throw new IllegalArgumentException("record of user " + record.user() + " in a segment of user " + user);
        }
        scratch.reset();
        RecordCodec.encode(record, scratch);
        pending.varint(scratch.size()).bytes(scratch.array(), 0, scratch.size());
        pendingCount++;
    }

    /** The blocks for every buffered record (empty if none); the caller appends them to the file. */
    public byte[] flush() {
        if (pendingCount == 0) return new byte[0];
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] data = pending.array();
        int size = pending.size();
        int blockStart = 0;
        int count = 0;
        int p = 0;
        // Walk the length prefixes to cut at record boundaries once a block reaches the target.
        while (p < size) {
            long len = 0;
            int shift = 0;
            int b;
            do {
                b = data[p++] & 0xFF;
                len |= (long) (b & 0x7F) << shift;
                shift += 7;
            } while ((b & 0x80) != 0);
            p += (int) len;
            count++;
            if (p - blockStart >= targetBlockBytes || p == size) {
                byte[] raw = java.util.Arrays.copyOfRange(data, blockStart, p);
                out.writeBytes(blocks.dataBlock(raw, raw.length, count));
                blockStart = p;
                count = 0;
            }
        }
        recordCount += pendingCount;
        pending.reset();
        pendingCount = 0;
        return out.toByteArray();
    }

    /** Flushes buffered records, then the footer and trailer: the segment takes no more records. */
    public byte[] seal() {
        byte[] rest = flush();
        byte[] end = blocks.seal();
        byte[] out = java.util.Arrays.copyOf(rest, rest.length + end.length);
        System.arraycopy(end, 0, out, rest.length, end.length);
        return out;
    }

    /** The file length once every returned chunk is written. */
    public long position() {
        return blocks.position();
    }

    /** Records flushed so far, including those of a resumed file. */
    public long recordCount() {
        return recordCount;
    }

    /** Bytes held for buffered records (tests: an idle writer must stay small). */
    int bufferCapacity() {
        return pending.array().length;
    }

    public UserId user() {
        return user;
    }
}
