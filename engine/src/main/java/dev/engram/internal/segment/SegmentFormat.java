package dev.engram.internal.segment;

/**
 * A user's segment file: a block file ({@link dev.engram.internal.format.BlockFormat}) with the
 * format name {@value #NAME}, version {@value #VERSION}. Each DATA block's payload is a run of
 * records, each a varint length then a {@link RecordCodec} record; the block's count is the
 * number of records. Blocks are cut at about {@value #TARGET_BLOCK_BYTES} bytes of raw records.
 * The active segment of a user is unsealed and grows by appended blocks; a full or compacted
 * segment is sealed (footer and trailer).
 */
public final class SegmentFormat {
    public static final String NAME = "engram.segment";
    /** "ESEG": the magic number of this file type. */
    public static final int MAGIC = 0x45534547;
    public static final int VERSION = 1;
    public static final int TARGET_BLOCK_BYTES = 64 * 1024;

    private SegmentFormat() {}
}
