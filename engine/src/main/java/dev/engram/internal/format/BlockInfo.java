package dev.engram.internal.format;

/**
 * Where one DATA block sits in a block file and what it holds. Immutable; thread-safe.
 *
 * @param offset file offset of the block header
 * @param count records (or other units) in the block
 * @param rawLength payload length after decompression
 * @param storedLength payload length on disk
 * @param payloadCrc CRC32C of the stored payload
 */
public record BlockInfo(long offset, int count, int rawLength, int storedLength, int payloadCrc) {
    /** The offset just past this block. */
    public long end() {
        return offset + BlockFormat.BLOCK_HEADER_LENGTH + storedLength;
    }
}
