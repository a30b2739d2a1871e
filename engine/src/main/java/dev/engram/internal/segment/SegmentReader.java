package dev.engram.internal.segment;

import dev.engram.internal.format.BlockCipher;
import dev.engram.internal.format.BlockFileReader;
import dev.engram.internal.format.BlockInfo;
import dev.engram.internal.format.ByteReader;
import dev.engram.internal.format.Corruption;
import dev.engram.io.CorruptFileException;
import dev.engram.memory.UserId;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a whole segment (format in {@link SegmentFormat}) from memory, verifying every block
 * checksum and decoding every record. Records of a user other than the expected one are
 * corruption: a segment never mixes users. Stateless; thread-safe.
 */
public final class SegmentReader {
    private SegmentReader() {}

    /**
     * The verified content of a segment.
     *
     * @param records every record, in file order
     * @param validLength the length of the valid prefix; shorter than the file if torn
     * @param tornAt where a torn tail starts, or -1
     * @param damaged regions skipped when read in {@link BlockFileReader.Mode#SALVAGE}
     */
    public record Contents(String file, List<SegmentRecord> records, List<BlockInfo> blocks, boolean sealed,
            long validLength, long tornAt, List<BlockFileReader.Damage> damaged) {
        public boolean torn() {
            return tornAt >= 0;
        }
    }

    public static Contents read(byte[] data, int length, String file, UserId expectedUser, BlockFileReader.Mode mode)
            throws CorruptFileException {
        return read(data, length, file, expectedUser, mode, null);
    }

    /** The same for a segment whose blocks {@code cipher} decrypts (null: unencrypted). */
    public static Contents read(byte[] data, int length, String file, UserId expectedUser, BlockFileReader.Mode mode,
            BlockCipher cipher) throws CorruptFileException {
        BlockFileReader.Parsed parsed = BlockFileReader.parse(data, length, file, SegmentFormat.MAGIC, SegmentFormat.NAME,
                SegmentFormat.VERSION, SegmentFormat.VERSION, mode, cipher);
        List<SegmentRecord> records = new ArrayList<>();
        for (int i = 0; i < parsed.blocks().size(); i++) {
            BlockInfo info = parsed.blocks().get(i);
            byte[] raw = parsed.payload(i);
            ByteReader in = new ByteReader(raw, 0, raw.length, file + " (block at " + info.offset() + ")", 0);
            int n = 0;
            while (in.remaining() > 0) {
                int len = in.varint(raw.length);
                int at = in.position();
                if (len > in.remaining()) throw in.corrupt("record length " + len + " past the block end");
                SegmentRecord r = RecordCodec.decode(new ByteReader(raw, at, len, in.file(), at));
                if (!r.user().equals(expectedUser)) {
                    throw Corruption.of(file, info.offset(), "record of user " + r.user()
                            + " in a segment of user " + expectedUser, "a file copied between user directories?");
                }
                records.add(r);
                in.skip(len);
                n++;
            }
            if (n != info.count()) {
                throw Corruption.of(file, info.offset(), "block holds " + n + " records, header says " + info.count(),
                        "written by a faulty writer?");
            }
        }
        return new Contents(file, List.copyOf(records), parsed.blocks(), parsed.sealed(), parsed.validLength(),
                parsed.tornAt(), parsed.damaged());
    }
}
