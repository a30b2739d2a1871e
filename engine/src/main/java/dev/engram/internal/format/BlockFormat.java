package dev.engram.internal.format;

/**
 * The constants of the block container shared by segments, index files and manifests. A block
 * file is a {@link FileHeader}, then blocks, then optionally (once sealed) a footer block and a
 * trailer. Fixed-width integers are big-endian, as in the project's {@code Framing}. Constants only.
 *
 * <p>Block (28-byte header, then the payload):
 * <pre>
 * offset  width  field
 * 0       4      magic          'B' 'L' 'K' '1'
 * 4       1      type           1 = DATA, 2 = FOOTER
 * 5       1      codec          0 = stored, 1 = LZ4 block (lz4-java, no frame); bit 7 (0x80) set:
 *                               the stored payload is encrypted ({@link BlockCipher}), the low bits
 *                               say what the decrypted bytes are (0x80 stored, 0x81 LZ4)
 * 6       2      reserved       0
 * 8       4      count          records in a DATA block (meaning is the file format's); 0 for FOOTER
 * 12      4      rawLength      payload length after decompression, at most 64 MiB
 * 16      4      storedLength   payload length as stored
 * 20      4      payloadCrc     CRC32C of the stored payload bytes
 * 24      4      headerCrc      CRC32C of bytes [0, 24) of this block
 * 28      n      payload        storedLength bytes
 * </pre>
 * The header has its own checksum so that a reader trusts {@code storedLength} before it reads
 * the payload: a block whose valid header points past the end of the file is an incomplete
 * write (torn tail), not a damaged length.
 *
 * <p>Footer payload (stored, codec 0): {@code u32 blockCount}, then per DATA block
 * {@code u64 offset, u32 count, u32 storedLength, u32 payloadCrc}, then {@code u64 totalCount}.
 *
 * <p>Trailer (last 16 bytes of a sealed file):
 * <pre>
 * 0   4   magic         'T' 'R' 'L' '1'
 * 4   8   footerOffset  u64, where the footer block starts
 * 12  4   crc           CRC32C of bytes [0, 12) of the trailer
 * </pre>
 */
public final class BlockFormat {
    public static final int BLOCK_MAGIC = 0x424C4B31; // "BLK1"
    public static final int TRAILER_MAGIC = 0x54524C31; // "TRL1"
    public static final int BLOCK_HEADER_LENGTH = 28;
    public static final int TRAILER_LENGTH = 16;
    public static final int TYPE_DATA = 1;
    public static final int TYPE_FOOTER = 2;
    public static final int CODEC_STORED = 0;
    public static final int CODEC_LZ4 = 1;
    /** Bit of the codec byte marking an encrypted payload (written only for users with a data key). */
    public static final int CODEC_ENCRYPTED = 0x80;
    /** The largest decompressed payload a reader accepts; writers stay far below it. */
    public static final int MAX_RAW_LENGTH = 64 << 20;

    private BlockFormat() {}
}
