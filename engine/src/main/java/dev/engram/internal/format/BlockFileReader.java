package dev.engram.internal.format;

import dev.engram.io.CorruptFileException;

import java.util.ArrayList;
import java.util.List;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * Parses and verifies a whole block file (layout in {@link BlockFormat}) held in memory: the
 * header, every block's header and payload checksum, and, when present, the footer and trailer,
 * which must agree with the blocks found.
 *
 * <p>When a block fails its checks the reader decides between a <em>torn tail</em> (an
 * interrupted append: nothing valid follows the bad bytes) and <em>corruption</em> (a valid block
 * or trailer follows, so the damage is in the middle). In {@link Mode#RECOVER} a torn tail is
 * reported ({@link Parsed#tornAt()}) and the file is usable up to {@link Parsed#validLength()}; in
 * {@link Mode#STRICT}, used when a manifest vouches that the whole file was written, it is an
 * error. Corruption is always an error. A torn tail can never yield a wrong record: blocks are
 * only accepted whole and checksummed.
 *
 * <p>Stateless; thread-safe. The returned {@link Parsed} is immutable.
 */
public final class BlockFileReader {
    private static final LZ4SafeDecompressor LZ4 = LZ4Factory.fastestInstance().safeDecompressor();

    /** How an incomplete final write is treated. */
    public enum Mode {
        /** Any incomplete or damaged tail is an error. */
        STRICT,
        /** An incomplete or damaged tail with nothing valid after it is reported, not thrown. */
        RECOVER,
        /**
         * For an operator who asked for salvage: damaged regions in the middle are skipped and
         * reported ({@link Parsed#damaged()}) instead of refusing the file; every block returned
         * is still whole and checksummed. Never used implicitly.
         */
        SALVAGE
    }

    /** A region {@code [start, end)} skipped by {@link Mode#SALVAGE}, and why. */
    public record Damage(long start, long end, String problem) {}

    /**
     * The verified structure of a block file.
     *
     * @param version the format version in the header
     * @param headerLength where the first block starts
     * @param blocks the DATA blocks, in file order
     * @param sealed whether a valid footer and trailer end the file
     * @param validLength the length of the valid prefix (the file length unless torn)
     * @param tornAt the offset of the torn tail, or -1
     * @param damaged regions skipped in {@link Mode#SALVAGE} (always empty otherwise)
     */
    public record Parsed(String file, byte[] data, int version, int headerLength, List<BlockInfo> blocks,
            boolean sealed, long validLength, long tornAt, List<Damage> damaged, BlockCipher cipher) {
        public boolean torn() {
            return tornAt >= 0;
        }

        /** Decompressed payload of DATA block {@code i}; the checksum was already verified. */
        public byte[] payload(int i) throws CorruptFileException {
            BlockInfo b = blocks.get(i);
            int codec = data[(int) b.offset() + 5] & 0xFF;
            byte[] src = data;
            int start = (int) b.offset() + BlockFormat.BLOCK_HEADER_LENGTH;
            int storedLength = b.storedLength();
            if ((codec & BlockFormat.CODEC_ENCRYPTED) != 0) {
                codec &= ~BlockFormat.CODEC_ENCRYPTED;
                src = cipher.open(file, b.offset(), BlockFormat.TYPE_DATA, codec, b.count(), b.rawLength(), data, start,
                        storedLength);
                start = 0;
                storedLength = src.length;
                if (codec == BlockFormat.CODEC_STORED && storedLength != b.rawLength()) {
                    throw Corruption.of(file, b.offset(), "decrypted block holds " + storedLength + " bytes, header says "
                            + b.rawLength(), "file written by a faulty writer?");
                }
            }
            byte[] raw = new byte[b.rawLength()];
            if (codec == BlockFormat.CODEC_STORED) {
                System.arraycopy(src, start, raw, 0, b.rawLength());
                return raw;
            }
            try {
                int n = LZ4.decompress(src, start, storedLength, raw, 0, raw.length);
                if (n != raw.length) {
                    throw Corruption.of(file, b.offset(), "LZ4 block decompressed to " + n + " bytes, header says "
                            + raw.length, "file written by a faulty writer?");
                }
            } catch (LZ4Exception e) {
                throw Corruption.of(file, b.offset(), "LZ4 block does not decompress: " + e.getMessage(),
                        "file written by a faulty writer?");
            }
            return raw;
        }
    }

    private BlockFileReader() {}

    /** Parses {@code data[0, length)}; see the class comment for what is checked. */
    public static Parsed parse(byte[] data, int length, String file, int magic, String formatName, int minVersion,
            int maxVersion, Mode mode) throws CorruptFileException {
        return parse(data, length, file, magic, formatName, minVersion, maxVersion, mode, null);
    }

    /**
     * The same for a file whose DATA blocks {@code cipher} decrypts (null: an unencrypted file). Every
     * DATA block must be encrypted exactly when a cipher is given: an unencrypted block in an
     * encrypted file (or the reverse) is corruption, so plaintext cannot be slipped in.
     */
    public static Parsed parse(byte[] data, int length, String file, int magic, String formatName, int minVersion,
            int maxVersion, Mode mode, BlockCipher cipher) throws CorruptFileException {
        ByteReader in = new ByteReader(data, 0, length, file, 0);
        int version = FileHeader.read(in, magic, formatName, minVersion, maxVersion);
        int headerLength = in.position();
        List<BlockInfo> blocks = new ArrayList<>();
        List<Damage> damaged = new ArrayList<>();
        long pos = headerLength;
        while (pos < length) {
            Bad bad = checkBlock(data, length, pos);
            if (bad != null) {
                long next = nextValid(data, length, pos + 1);
                if (next < 0) return torn(file, data, version, headerLength, blocks, pos, bad.problem, mode, damaged, cipher);
                if (mode != Mode.SALVAGE) {
                    throw Corruption.of(file, pos, bad.problem + ", and valid data follows it",
                            "damage in the middle of the file (disk fault?): refusing to open; restore or salvage");
                }
                damaged.add(new Damage(pos, next, bad.problem));
                if (getInt(data, next) == BlockFormat.TRAILER_MAGIC) break; // the footer itself was damaged
                pos = next;
                continue;
            }
            int type = data[(int) pos + 4];
            int codec = data[(int) pos + 5] & 0xFF;
            int count = getInt(data, pos + 8);
            int rawLength = getInt(data, pos + 12);
            int storedLength = getInt(data, pos + 16);
            int payloadCrc = getInt(data, pos + 20);
            BlockInfo info = new BlockInfo(pos, count, rawLength, storedLength, payloadCrc);
            if (type == BlockFormat.TYPE_FOOTER) {
                if (codec != BlockFormat.CODEC_STORED) throw Corruption.of(file, pos, "compressed footer", "disk fault?");
                if (mode != Mode.SALVAGE || damaged.isEmpty()) checkFooter(data, file, info, blocks);
                long afterFooter = info.end();
                long rest = length - afterFooter;
                if (rest < BlockFormat.TRAILER_LENGTH) {
                    // The seal was interrupted: the valid prefix ends before the footer, so a
                    // writer resuming the file rewrites footer and trailer whole.
                    if (rest > 0 && !validTrailerPrefix(data, afterFooter, (int) rest)) {
                        throw Corruption.of(file, afterFooter, "damaged trailer after the footer", "disk fault?");
                    }
                    return torn(file, data, version, headerLength, blocks, info.offset(), "footer without a complete trailer", mode,
                            damaged, cipher);
                }
                if (rest > BlockFormat.TRAILER_LENGTH && mode != Mode.SALVAGE) {
                    throw Corruption.of(file, afterFooter + BlockFormat.TRAILER_LENGTH,
                            (rest - BlockFormat.TRAILER_LENGTH) + " bytes after the trailer", "file appended to after sealing?");
                }
                if (mode == Mode.SALVAGE) {
                    return new Parsed(file, data, version, headerLength, List.copyOf(blocks), false, length, -1,
                            List.copyOf(damaged), cipher);
                }
                checkTrailer(data, file, afterFooter, info.offset());
                return new Parsed(file, data, version, headerLength, List.copyOf(blocks), true, length, -1, List.of(), cipher);
            }
            boolean encrypted = (codec & BlockFormat.CODEC_ENCRYPTED) != 0;
            if (type == BlockFormat.TYPE_DATA && encrypted != (cipher != null)) {
                throw Corruption.of(file, pos, encrypted ? "encrypted block, but no key was given to read it"
                        : "unencrypted block in a file that must be encrypted",
                        "an encrypted user read without its key, or a block planted from another file?");
            }
            int base = codec & ~BlockFormat.CODEC_ENCRYPTED;
            if (type != BlockFormat.TYPE_DATA || (base != BlockFormat.CODEC_STORED && base != BlockFormat.CODEC_LZ4)
                    || (codec == BlockFormat.CODEC_STORED && rawLength != storedLength)) {
                throw Corruption.of(file, pos, "block type " + type + " / codec " + codec + " / lengths "
                        + rawLength + "," + storedLength + " are not valid", "written by a newer Engram?");
            }
            blocks.add(info);
            pos = info.end();
        }
        return new Parsed(file, data, version, headerLength, List.copyOf(blocks), false, length, -1, List.copyOf(damaged), cipher);
    }

    private static Parsed torn(String file, byte[] data, int version, int headerLength, List<BlockInfo> blocks, long at,
            String problem, Mode mode, List<Damage> damaged, BlockCipher cipher) throws CorruptFileException {
        if (mode == Mode.STRICT) {
            throw Corruption.of(file, at, problem + " at the end of a file that should be complete",
                    "file truncated after it was recorded in the manifest? disk fault?");
        }
        return new Parsed(file, data, version, headerLength, List.copyOf(blocks), false, at, at, List.copyOf(damaged), cipher);
    }

    private record Bad(String problem) {}

    /** Null when a complete, checksummed block starts at {@code pos}; else what is wrong. */
    private static Bad checkBlock(byte[] data, int length, long pos) {
        if (length - pos < BlockFormat.BLOCK_HEADER_LENGTH) return new Bad("incomplete block header");
        if (getInt(data, pos) != BlockFormat.BLOCK_MAGIC) return new Bad("bad block magic");
        int headerCrc = getInt(data, pos + 24);
        if (Crc32c.of(data, (int) pos, 24) != headerCrc) return new Bad("block header checksum mismatch");
        int rawLength = getInt(data, pos + 12);
        int storedLength = getInt(data, pos + 16);
        if (rawLength < 0 || rawLength > BlockFormat.MAX_RAW_LENGTH || storedLength < 0) {
            return new Bad("block lengths out of range");
        }
        if (pos + BlockFormat.BLOCK_HEADER_LENGTH + storedLength > length) return new Bad("block extends past the end of the file");
        int payloadCrc = getInt(data, pos + 20);
        if (Crc32c.of(data, (int) pos + BlockFormat.BLOCK_HEADER_LENGTH, storedLength) != payloadCrc) {
            return new Bad("block payload checksum mismatch");
        }
        return null;
    }

    /** Where the first complete valid block, or valid trailer, starts in {@code [from, length)}; -1 if nowhere. */
    private static long nextValid(byte[] data, int length, long from) {
        for (long p = from; p + 4 <= length; p++) {
            int word = getInt(data, p);
            if (word == BlockFormat.BLOCK_MAGIC && checkBlock(data, length, p) == null) return p;
            if (word == BlockFormat.TRAILER_MAGIC && p + BlockFormat.TRAILER_LENGTH <= length
                    && Crc32c.of(data, (int) p, 12) == getInt(data, p + 12)) {
                return p;
            }
        }
        return -1;
    }

    private static boolean validTrailerPrefix(byte[] data, long at, int n) {
        // A partially written trailer can only be a prefix of "TRL1..."; anything else is damage.
        byte[] magic = {'T', 'R', 'L', '1'};
        for (int i = 0; i < Math.min(n, 4); i++) if (data[(int) at + i] != magic[i]) return false;
        return true;
    }

    private static void checkFooter(byte[] data, String file, BlockInfo footer, List<BlockInfo> blocks)
            throws CorruptFileException {
        ByteReader f = new ByteReader(data, (int) footer.offset() + BlockFormat.BLOCK_HEADER_LENGTH, footer.storedLength(),
                file, footer.offset() + BlockFormat.BLOCK_HEADER_LENGTH);
        int n = f.u32();
        if (n != blocks.size()) throw f.corrupt("footer lists " + n + " blocks, the file has " + blocks.size());
        long total = 0;
        for (BlockInfo b : blocks) {
            long offset = f.u64();
            int count = f.u32();
            int stored = f.u32();
            int crc = f.u32();
            if (offset != b.offset() || count != b.count() || stored != b.storedLength() || crc != b.payloadCrc()) {
                throw f.corrupt("footer entry for the block at " + b.offset() + " disagrees with the block");
            }
            total += count;
        }
        if (f.u64() != total) throw f.corrupt("footer total count disagrees with its blocks");
        f.expectEnd("footer");
    }

    private static void checkTrailer(byte[] data, String file, long at, long footerOffset) throws CorruptFileException {
        if (getInt(data, at) != BlockFormat.TRAILER_MAGIC || Crc32c.of(data, (int) at, 12) != getInt(data, at + 12)) {
            throw Corruption.of(file, at, "trailer damaged (bad magic or checksum)", "disk fault?");
        }
        long offset = getLong(data, at + 4);
        if (offset != footerOffset) {
            throw Corruption.of(file, at + 4, "trailer points to " + offset + ", footer is at " + footerOffset,
                    "disk fault?");
        }
    }

    static int getInt(byte[] b, long pos) {
        int p = (int) pos;
        return (b[p] & 0xFF) << 24 | (b[p + 1] & 0xFF) << 16 | (b[p + 2] & 0xFF) << 8 | (b[p + 3] & 0xFF);
    }

    static long getLong(byte[] b, long pos) {
        return ((long) getInt(b, pos) << 32) | (getInt(b, pos + 4) & 0xFFFF_FFFFL);
    }
}
