package dev.engram.internal.bitmap;

import dev.engram.internal.format.Bitmaps;
import dev.engram.internal.format.BodyFile;
import dev.engram.internal.format.ByteReader;
import dev.engram.internal.format.ByteWriter;
import dev.engram.internal.format.Corruption;
import dev.engram.io.CorruptFileException;
import dev.engram.memory.Memory;
import dev.engram.memory.MemoryStatus;
import dev.engram.memory.MemoryType;
import java.util.Map;
import org.roaringbitmap.RoaringBitmap;

/**
 * The persisted attribute bitmaps of one user: a {@link BodyFile} with format name
 * {@value #NAME}, version {@value #VERSION}. Body ({@code bitmap} = varint length + Roaring
 * portable serialization, {@code str} = varint length + UTF-8):
 * <pre>
 * bitmap all, bitmap current, bitmap tombstones
 * varint nTypes,      nTypes × (u8 MemoryType code, bitmap)
 * varint nStatuses,   nStatuses × (u8 MemoryStatus code, bitmap)
 * varint nCategories, nCategories × (str category, bitmap)      categories sorted, none empty
 * </pre>
 * Loading checks the invariants (every set is within {@code all}, tombstoned ordinals are in no
 * other set, each live ordinal has exactly one type and one status). Stateless; thread-safe.
 */
public final class BitmapFile {
    public static final String NAME = "engram.bitmaps";
    /** "EBMP": the magic number of this file type. */
    public static final int MAGIC = 0x45424D50;
    public static final int VERSION = 1;

    private BitmapFile() {}

    public static byte[] encode(AttributeBitmaps b) {
        return encode(b, null);
    }

    /** The same with the DATA blocks encrypted by {@code cipher} (null: none). */
    public static byte[] encode(AttributeBitmaps b, dev.engram.internal.format.BlockCipher cipher) {
        ByteWriter w = new ByteWriter(256);
        Bitmaps.write(w, b.allRaw());
        Bitmaps.write(w, b.currentRaw());
        Bitmaps.write(w, b.tombstonesRaw());
        w.varint(b.typeMap().size());
        for (Map.Entry<MemoryType, RoaringBitmap> e : b.typeMap().entrySet()) {
            w.u8(e.getKey().code());
            Bitmaps.write(w, e.getValue());
        }
        w.varint(b.statusMap().size());
        for (Map.Entry<MemoryStatus, RoaringBitmap> e : b.statusMap().entrySet()) {
            w.u8(e.getKey().code());
            Bitmaps.write(w, e.getValue());
        }
        w.varint(b.categoryMap().size());
        for (Map.Entry<String, RoaringBitmap> e : b.categoryMap().entrySet()) {
            w.string(e.getKey());
            Bitmaps.write(w, e.getValue());
        }
        return BodyFile.encode(MAGIC, NAME, VERSION, w.array(), w.size(), cipher);
    }

    public static AttributeBitmaps decode(byte[] data, int length, String file) throws CorruptFileException {
        return decode(data, length, file, null);
    }

    /** The same for a file written with {@code cipher} (null: unencrypted). */
    public static AttributeBitmaps decode(byte[] data, int length, String file, dev.engram.internal.format.BlockCipher cipher) throws CorruptFileException {
        BodyFile.Decoded d = BodyFile.decode(data, length, file, MAGIC, NAME, VERSION, VERSION, cipher);
        ByteReader in = new ByteReader(d.body(), 0, d.body().length, file + " (body)", 0);
        AttributeBitmaps b = new AttributeBitmaps();
        b.allRaw().or(Bitmaps.read(in));
        b.currentRaw().or(Bitmaps.read(in));
        b.tombstonesRaw().or(Bitmaps.read(in));
        int nTypes = in.varint(MemoryType.values().length);
        for (int i = 0; i < nTypes; i++) {
            MemoryType t = MemoryType.ofCode(in.u8());
            if (t == null) throw in.corrupt("unknown memory type code");
            b.typeMap().get(t).or(Bitmaps.read(in));
        }
        int nStatuses = in.varint(MemoryStatus.values().length);
        for (int i = 0; i < nStatuses; i++) {
            MemoryStatus s = MemoryStatus.ofCode(in.u8());
            if (s == null) throw in.corrupt("unknown memory status code");
            b.statusMap().get(s).or(Bitmaps.read(in));
        }
        int nCategories = in.varint(d.body().length);
        String previous = null;
        for (int i = 0; i < nCategories; i++) {
            String c = in.string(4 * Memory.MAX_CATEGORY_LENGTH);
            if (previous != null && previous.compareTo(c) >= 0) throw in.corrupt("categories not sorted");
            previous = c;
            RoaringBitmap bitmap = Bitmaps.read(in);
            if (bitmap.isEmpty()) throw in.corrupt("empty category bitmap");
            b.categoryMap().put(c, bitmap);
        }
        in.expectEnd("bitmaps body");
        checkInvariants(b, file);
        return b;
    }

    private static void checkInvariants(AttributeBitmaps b, String file) throws CorruptFileException {
        RoaringBitmap live = RoaringBitmap.andNot(b.allRaw(), b.tombstonesRaw());
        RoaringBitmap types = new RoaringBitmap();
        long typeCount = 0;
        for (RoaringBitmap t : b.typeMap().values()) {
            types.or(t);
            typeCount += t.getLongCardinality();
        }
        RoaringBitmap statuses = new RoaringBitmap();
        long statusCount = 0;
        for (RoaringBitmap s : b.statusMap().values()) {
            statuses.or(s);
            statusCount += s.getLongCardinality();
        }
        RoaringBitmap categories = new RoaringBitmap();
        for (RoaringBitmap c : b.categoryMap().values()) categories.or(c);
        boolean ok = types.equals(live) && typeCount == live.getLongCardinality()
                && statuses.equals(live) && statusCount == live.getLongCardinality()
                && RoaringBitmap.andNot(categories, live).isEmpty()
                && RoaringBitmap.andNot(b.currentRaw(), live).isEmpty()
                && RoaringBitmap.andNot(b.tombstonesRaw(), b.allRaw()).isEmpty();
        if (!ok) {
            throw Corruption.of(file, 0, "bitmaps break their invariants", "written by a faulty writer? rebuild them");
        }
    }
}
