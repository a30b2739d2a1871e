package dev.engram.internal.lexical;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.roaringbitmap.PeekableIntIterator;
import org.roaringbitmap.RoaringBitmap;

/**
 * The BM25 lexical index of one user's documents, addressed by non-negative document ordinals
 * (the store gives each indexed memory version its own ordinal).
 *
 * <p>Postings: each term maps to a {@link RoaringBitmap} of the ordinals containing it (what the
 * file stores, {@link #postings} returns and {@link #sameContent} compares) and, for scoring, to a
 * {@link PostingList}: the same ordinals as a sorted array with each one's term frequency beside
 * it and per-block bounds, derived as documents are added (also when a file is loaded, so the
 * file format is unchanged). A forward index keeps, per ordinal, its distinct term ids sorted
 * ascending with their counts, and its length: it makes {@link #remove} exact (it names the lists
 * to clear), lets the file format and the rebuild test compare whole structures, and scores the
 * few documents of a small filter directly.
 *
 * <p>Memory: beside the bitmaps, 8 bytes per posting (ordinal and tf) with up to half again of
 * growth room, and 8 bytes per block of {@value PostingList#BLOCK} postings; about 10–15 MB for
 * 100,000 documents of ~15 distinct terms.
 *
 * <p>Not thread-safe: the owner serializes writers and readers (the user store holds a
 * read-write lock). {@link #search} does not modify the index.
 */
public final class LexicalIndex {
    /** The largest ordinal accepted (2^28 - 1): bounds the arrays a damaged file could ask for. */
    public static final int MAX_ORDINAL = (1 << 28) - 1;

    private final TextAnalyzer analyzer;
    private final Map<String, Integer> termIds = new HashMap<>();
    private final List<String> terms = new ArrayList<>();
    private final List<RoaringBitmap> postings = new ArrayList<>();
    private final List<PostingList> lists = new ArrayList<>(); // per term id, for scoring
    private int[][] docTerms = new int[16][];
    private int[][] docFreqs = new int[16][];
    private int[] docLengths = new int[16];
    private final RoaringBitmap live = new RoaringBitmap();
    private long totalLength;

    public LexicalIndex(TextAnalyzer analyzer) {
        this.analyzer = analyzer;
    }

    /** Indexes {@code text} under {@code ordinal}; an ordinal already present is an error. */
    public void add(int ordinal, String text) {
        addTerms(ordinal, analyzer.terms(text));
    }

    /** Indexes already analyzed terms (duplicates count as frequency). */
    public void addTerms(int ordinal, List<String> docTermList) {
        if (ordinal < 0 || ordinal > MAX_ORDINAL) throw new IllegalArgumentException("ordinal out of range: " + ordinal);
        if (live.contains(ordinal)) throw new IllegalArgumentException("ordinal " + ordinal + " is already indexed");
        Map<Integer, Integer> counts = new HashMap<>();
        for (String t : docTermList) counts.merge(termId(t), 1, Integer::sum);
        int[] ids = counts.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
        int[] freqs = new int[ids.length];
        for (int i = 0; i < ids.length; i++) freqs[i] = counts.get(ids[i]);
        put(ordinal, ids, freqs, docTermList.size());
    }

    /** Installs a forward entry and its postings; ids must be sorted, distinct and known. */
    void put(int ordinal, int[] ids, int[] freqs, int length) {
        ensureCapacity(ordinal);
        docTerms[ordinal] = ids;
        docFreqs[ordinal] = freqs;
        docLengths[ordinal] = length;
        for (int i = 0; i < ids.length; i++) {
            int id = ids[i];
            postings.get(id).add(ordinal);
            lists.get(id).add(ordinal, freqs[i], length, docLengths);
        }
        live.add(ordinal);
        totalLength += length;
    }

    /** Removes a document; returns whether it was indexed. */
    public boolean remove(int ordinal) {
        if (ordinal < 0 || !live.contains(ordinal)) return false;
        for (int id : docTerms[ordinal]) {
            postings.get(id).remove(ordinal);
            lists.get(id).remove(ordinal, docLengths);
        }
        totalLength -= docLengths[ordinal];
        docTerms[ordinal] = null;
        docFreqs[ordinal] = null;
        docLengths[ordinal] = 0;
        live.remove(ordinal);
        return true;
    }

    /** Replaces the text of an ordinal (indexing it if absent). */
    public void update(int ordinal, String text) {
        remove(ordinal);
        add(ordinal, text);
    }

    /**
     * The {@code k} best documents for {@code query} by BM25 ({@link Bm25}), restricted to
     * {@code accept} when it is not null (statistics stay those of the whole index, so a filter
     * does not change scores). Ties go to the lower ordinal. Documents matching no query term are
     * never returned.
     *
     * <p>Window at a time (ascending ordinals) with block-max MaxScore pruning over the
     * {@link PostingList}s ({@link BlockMaxScorer}); a filter that accepts every live document is
     * ignored. When {@code accept} is small next to the query terms' postings, the accepted
     * documents are scored one by one from the forward index instead. Both sum a document's terms
     * in query order, as an exhaustive scorer does, so ordinals, order and scores are bit for bit
     * those of scoring every posting. Thread-safe against other readers; no writer may run.
     */
    public List<ScoredDoc> search(String query, int k, RoaringBitmap accept) {
        return search(query, k, accept, null, Path.AUTO);
    }

    /** As {@link #search(String, int, RoaringBitmap)}; stores into {@code termsWalked[0]} how many query terms' postings were walked in full (tests). */
    List<ScoredDoc> search(String query, int k, RoaringBitmap accept, int[] termsWalked) {
        return search(query, k, accept, termsWalked, Path.AUTO);
    }

    /** Which way {@link #search} finds its documents (tests force each). */
    enum Path { AUTO, POSTINGS, FORWARD }

    List<ScoredDoc> search(String query, int k, RoaringBitmap accept, int[] termsWalked, Path path) {
        if (termsWalked != null) termsWalked[0] = 0;
        if (k <= 0 || live.isEmpty()) return List.of();
        Map<Integer, Integer> queryCounts = new LinkedHashMap<>();
        for (String t : analyzer.terms(query)) {
            Integer id = termIds.get(t);
            if (id != null && lists.get(id).live() > 0) queryCounts.merge(id, 1, Integer::sum);
        }
        if (queryCounts.isEmpty()) return List.of();
        long n = live.getLongCardinality();
        double avgdl = (double) totalLength / n;
        int m = queryCounts.size();
        int[] ids = new int[m];
        int[] qtf = new int[m];
        double[] idf = new double[m];
        PostingList[] termLists = new PostingList[m];
        long postingCount = 0;
        int q = 0;
        for (Map.Entry<Integer, Integer> e : queryCounts.entrySet()) {
            ids[q] = e.getKey();
            qtf[q] = e.getValue();
            termLists[q] = lists.get(ids[q]);
            idf[q] = Bm25.idf(n, termLists[q].live());
            postingCount += termLists[q].size;
            q++;
        }
        if (path == Path.FORWARD || (path == Path.AUTO && accept != null && accept.getLongCardinality() * m * 4 <= postingCount)) {
            // A few accepted documents (score completion asks for a handful): score them directly.
            TopK top = new TopK(k, accept == null ? n : Math.min(n, accept.getLongCardinality()));
            PeekableIntIterator it = (accept == null ? live : RoaringBitmap.and(accept, live)).getIntIterator();
            while (it.hasNext()) {
                int doc = it.next();
                double score = exactScore(doc, ids, qtf, idf, avgdl);
                if (score > 0) top.offer(doc, score);
            }
            return top.sorted();
        }
        if (accept != null && accept.contains(live)) accept = null; // no document to turn away: skip the per-document check
        TopK top = new TopK(k, Math.min(n, postingCount));
        boolean[] skipped = new boolean[m];
        BlockMaxScorer.search(termLists, qtf, idf, avgdl, docLengths, accept, top, skipped);
        if (termsWalked != null) {
            for (boolean s : skipped) if (!s) termsWalked[0]++;
        }
        return top.sorted();
    }

    /** A document's BM25 score, its terms summed in query order (as an exhaustive scorer sums them). */
    private double exactScore(int doc, int[] ids, int[] qtf, double[] idf, double avgdl) {
        double score = 0;
        int[] terms = docTerms[doc];
        for (int t = 0; t < ids.length; t++) {
            int at = Arrays.binarySearch(terms, ids[t]);
            if (at >= 0) score += qtf[t] * Bm25.termScore(idf[t], docFreqs[doc][at], docLengths[doc], avgdl);
        }
        return score;
    }

    /** Number of indexed documents. */
    public int docCount() {
        return live.getCardinality();
    }

    /** The indexed ordinals (a copy). */
    public RoaringBitmap liveDocs() {
        return live.clone();
    }

    public long totalLength() {
        return totalLength;
    }

    /** The term frequencies of an indexed document by term, or an empty map. For tests and export. */
    public Map<String, Integer> termFrequencies(int ordinal) {
        Map<String, Integer> out = new HashMap<>();
        if (ordinal < 0 || !live.contains(ordinal)) return out;
        for (int i = 0; i < docTerms[ordinal].length; i++) out.put(terms.get(docTerms[ordinal][i]), docFreqs[ordinal][i]);
        return out;
    }

    /** The document ordinals containing {@code term} (an analyzed term), a copy. */
    public RoaringBitmap postings(String term) {
        Integer id = termIds.get(term);
        return id == null ? new RoaringBitmap() : postings.get(id).clone();
    }

    /**
     * Whether both indexes hold the same documents with the same terms, frequencies and lengths
     * (term ids may differ). The rebuild-equals-live check.
     */
    public boolean sameContent(LexicalIndex other) {
        if (!live.equals(other.live) || totalLength != other.totalLength) return false;
        for (int doc : live) {
            if (docLengths[doc] != other.docLengths[doc] || !termFrequencies(doc).equals(other.termFrequencies(doc))) {
                return false;
            }
        }
        for (int id = 0; id < terms.size(); id++) {
            if (!postings.get(id).equals(other.postings(terms.get(id)))) return false;
        }
        return true;
    }

    // --- access for LexicalFile ---

    int termCount() {
        return terms.size();
    }

    String term(int id) {
        return terms.get(id);
    }

    RoaringBitmap postingsOf(int id) {
        return postings.get(id);
    }

    int[] docTermIds(int ordinal) {
        return docTerms[ordinal];
    }

    int[] docTermFreqs(int ordinal) {
        return docFreqs[ordinal];
    }

    int docLength(int ordinal) {
        return docLengths[ordinal];
    }

    RoaringBitmap live() {
        return live;
    }

    int termId(String term) {
        Integer id = termIds.get(term);
        if (id == null) {
            id = terms.size();
            termIds.put(term, id);
            terms.add(term);
            postings.add(new RoaringBitmap());
            lists.add(new PostingList());
        }
        return id;
    }

    private void ensureCapacity(int ordinal) {
        if (ordinal >= docLengths.length) {
            int n = Math.max(ordinal + 1, docLengths.length * 2);
            docTerms = Arrays.copyOf(docTerms, n);
            docFreqs = Arrays.copyOf(docFreqs, n);
            docLengths = Arrays.copyOf(docLengths, n);
        }
    }
}
