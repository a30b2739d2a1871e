package dev.engram.internal.lexical;

import dev.engram.internal.format.Bitmaps;
import dev.engram.internal.format.BodyFile;
import dev.engram.internal.format.ByteReader;
import dev.engram.internal.format.ByteWriter;
import dev.engram.internal.format.Corruption;
import dev.engram.io.CorruptFileException;
import org.roaringbitmap.RoaringBitmap;

/**
 * The persisted lexical index of one user: a {@link BodyFile} with format name {@value #NAME},
 * version {@value #VERSION}. The body (varints unsigned LEB128, {@code str} = varint length +
 * UTF-8):
 * <pre>
 * varint termCount                      terms with at least one document, file term index = position
 * termCount × (str term, varint n, n bytes RoaringBitmap portable serialization of its ordinals)
 * varint docCount
 * docCount × (varint ordinal (ascending), varint length, varint k, k × (varint termIndex, varint tf))
 * </pre>
 * The analysis chain ({@link TextAnalyzer}) is part of this version: stored terms are its output.
 * Loading checks that every posting list agrees with the forward entries (so a writer bug or a
 * stale file is refused, not served), at the cost of one pass over the postings.
 * Stateless; thread-safe.
 */
public final class LexicalFile {
    public static final String NAME = "engram.lexical";
    /** "ELEX": the magic number of this file type. */
    public static final int MAGIC = 0x454C4558;
    public static final int VERSION = 1;

    private LexicalFile() {}

    public static byte[] encode(LexicalIndex index) {
        return encode(index, null);
    }

    /** The same with the DATA blocks encrypted by {@code cipher} (null: none). */
    public static byte[] encode(LexicalIndex index, dev.engram.internal.format.BlockCipher cipher) {
        ByteWriter w = new ByteWriter(1024);
        int[] fileIndex = new int[index.termCount()];
        int written = 0;
        for (int id = 0; id < index.termCount(); id++) {
            fileIndex[id] = index.postingsOf(id).isEmpty() ? -1 : written++;
        }
        w.varint(written);
        for (int id = 0; id < index.termCount(); id++) {
            RoaringBitmap docs = index.postingsOf(id);
            if (docs.isEmpty()) continue;
            w.string(index.term(id));
            Bitmaps.write(w, docs);
        }
        w.varint(index.live().getCardinality());
        for (int doc : index.live()) {
            int[] ids = index.docTermIds(doc);
            int[] freqs = index.docTermFreqs(doc);
            w.varint(doc).varint(index.docLength(doc)).varint(ids.length);
            for (int i = 0; i < ids.length; i++) w.varint(fileIndex[ids[i]]).varint(freqs[i]);
        }
        return BodyFile.encode(MAGIC, NAME, VERSION, w.array(), w.size(), cipher);
    }

    public static LexicalIndex decode(byte[] data, int length, String file, TextAnalyzer analyzer) throws CorruptFileException {
        return decode(data, length, file, analyzer, null);
    }

    /** The same for a file written with {@code cipher} (null: unencrypted). */
    public static LexicalIndex decode(byte[] data, int length, String file, TextAnalyzer analyzer, dev.engram.internal.format.BlockCipher cipher) throws CorruptFileException {
        BodyFile.Decoded d = BodyFile.decode(data, length, file, MAGIC, NAME, VERSION, VERSION, cipher);
        ByteReader in = new ByteReader(d.body(), 0, d.body().length, file + " (body)", 0);
        LexicalIndex index = new LexicalIndex(analyzer);
        int termCount = in.varint(d.body().length);
        RoaringBitmap[] stored = new RoaringBitmap[termCount];
        int[] ids = new int[termCount];
        for (int i = 0; i < termCount; i++) {
            String term = in.string(1024);
            stored[i] = Bitmaps.read(in);
            if (stored[i].isEmpty()) throw in.corrupt("empty posting list");
            ids[i] = index.termId(term);
            if (ids[i] != i) throw in.corrupt("duplicate term");
        }
        int docCount = in.varint(d.body().length);
        int previous = -1;
        for (int j = 0; j < docCount; j++) {
            int doc = in.varint(LexicalIndex.MAX_ORDINAL);
            if (doc <= previous) throw in.corrupt("document ordinals not ascending");
            previous = doc;
            int docLength = in.varint(Integer.MAX_VALUE);
            int k = in.varint(termCount);
            int[] termIds = new int[k];
            int[] freqs = new int[k];
            int freqSum = 0;
            for (int i = 0; i < k; i++) {
                termIds[i] = in.varint(termCount - 1);
                freqs[i] = in.varint(Integer.MAX_VALUE);
                if (freqs[i] == 0 || (i > 0 && termIds[i] <= termIds[i - 1])) throw in.corrupt("bad forward entry");
                freqSum += freqs[i];
            }
            if (freqSum != docLength) throw in.corrupt("document length disagrees with its term frequencies");
            index.put(doc, termIds, freqs, docLength);
        }
        in.expectEnd("lexical body");
        for (int i = 0; i < termCount; i++) {
            if (!stored[i].equals(index.postingsOf(i))) {
                throw Corruption.of(file, d.bodyOffset(), "posting list of term #" + i
                        + " disagrees with the forward index", "written by a faulty writer? rebuild the index");
            }
        }
        return index;
    }
}
