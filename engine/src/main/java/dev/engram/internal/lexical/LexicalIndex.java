package dev.engram.internal.lexical;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import org.roaringbitmap.PeekableIntIterator;
import org.roaringbitmap.RoaringBitmap;

/**
 * The BM25 lexical index of one user's documents, addressed by non-negative document ordinals
 * (the store gives each indexed memory version its own ordinal).
 *
 * <p>Postings: each term maps to a {@link RoaringBitmap} of the ordinals containing it. Term
 * frequencies live in a forward index: per ordinal, its distinct term ids sorted ascending with
 * their counts, and its length; scoring finds a term's frequency by binary search there. The
 * forward index also makes {@link #remove} exact (it names the bitmaps to clear), lets the
 * file format and the rebuild test compare whole structures, and lets {@link #search} score the
 * few documents that survive pruning without walking long postings.
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
    // Per term id, bounds for query-time pruning: the largest tf and the shortest document length
    // ever indexed with the term. Removals leave them as they are: a stale bound is still a bound.
    private int[] maxTf = new int[16];
    private int[] minLength = new int[16];
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
            maxTf[id] = Math.max(maxTf[id], freqs[i]);
            minLength[id] = Math.min(minLength[id], length);
        }
        live.add(ordinal);
        totalLength += length;
    }

    /** Removes a document; returns whether it was indexed. */
    public boolean remove(int ordinal) {
        if (ordinal < 0 || !live.contains(ordinal)) return false;
        for (int id : docTerms[ordinal]) postings.get(id).remove(ordinal);
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
     * <p>Term at a time with MaxScore-style pruning: terms are visited by their score upper bound,
     * highest (rarest) first; once {@code k} documents already hold partial scores above what the
     * terms not yet visited could add together, no unseen document can enter the top {@code k}, so
     * the remaining (long, common) postings are not walked. The candidates that can still make it
     * are then scored exactly through the forward index, summing the terms in query order as an
     * exhaustive scorer does, so results and scores are bit for bit those of scoring every
     * posting (the bounds carry a small relative margin against rounding).
     */
    public List<ScoredDoc> search(String query, int k, RoaringBitmap accept) {
        return search(query, k, accept, null);
    }

    /** As {@link #search(String, int, RoaringBitmap)}; stores into {@code termsWalked[0]} how many query terms' postings were walked (tests). */
    List<ScoredDoc> search(String query, int k, RoaringBitmap accept, int[] termsWalked) {
        if (k <= 0 || live.isEmpty()) return List.of();
        Map<Integer, Integer> queryCounts = new LinkedHashMap<>();
        for (String t : analyzer.terms(query)) {
            Integer id = termIds.get(t);
            if (id != null && !postings.get(id).isEmpty()) queryCounts.merge(id, 1, Integer::sum);
        }
        if (queryCounts.isEmpty()) return List.of();
        long n = live.getLongCardinality();
        double avgdl = (double) totalLength / n;
        int m = queryCounts.size();
        int[] ids = new int[m];
        int[] qtf = new int[m];
        double[] idf = new double[m];
        double[] bound = new double[m];
        Integer[] order = new Integer[m];
        int q = 0;
        for (Map.Entry<Integer, Integer> e : queryCounts.entrySet()) {
            ids[q] = e.getKey();
            qtf[q] = e.getValue();
            idf[q] = Bm25.idf(n, postings.get(ids[q]).getLongCardinality());
            // termScore grows with tf and shrinks with length: the term's largest tf and shortest document bound it.
            bound[q] = qtf[q] * Bm25.termScore(idf[q], maxTf[ids[q]], minLength[ids[q]], avgdl);
            order[q] = q;
            q++;
        }
        Arrays.sort(order, (a, b) -> a.equals(b) ? 0 : bound[a] != bound[b] ? Double.compare(bound[b], bound[a]) : Integer.compare(ids[a], ids[b]));
        double[] rest = new double[m + 1]; // rest[j]: most the terms order[j..] can add to any document
        for (int j = m - 1; j >= 0; j--) rest[j] = rest[j + 1] + bound[order[j]];

        double[] partial = new double[live.last() + 1];
        // Every term score is > 0 (idf > 0, tf >= 1), so a zero marks a document not seen yet.
        int[] touched = new int[64];
        int touchedCount = 0;
        double maxPartial = 0;
        int visited = 0;
        for (; visited < m; visited++) {
            if (touchedCount >= k && maxPartial > above(rest[visited]) && kthLargest(partial, touched, touchedCount, k) > above(rest[visited])) {
                break; // no document outside the touched ones can reach the top k
            }
            int t = order[visited];
            int id = ids[t];
            RoaringBitmap docs = postings.get(id);
            RoaringBitmap candidates = accept == null ? docs : RoaringBitmap.and(docs, accept);
            PeekableIntIterator it = candidates.getIntIterator();
            while (it.hasNext()) {
                int doc = it.next();
                int tf = docFreqs[doc][Arrays.binarySearch(docTerms[doc], id)];
                if (partial[doc] == 0) {
                    if (touchedCount == touched.length) touched = Arrays.copyOf(touched, touchedCount * 2);
                    touched[touchedCount++] = doc;
                }
                partial[doc] += qtf[t] * Bm25.termScore(idf[t], tf, docLengths[doc], avgdl);
                if (partial[doc] > maxPartial) maxPartial = partial[doc];
            }
        }
        if (termsWalked != null) termsWalked[0] = visited;
        // Without pruning every touched document's partial score is its score, summed in bound
        // order; rescore in query order anyway so the result never depends on the visiting order.
        double floor = visited < m ? kthLargest(partial, touched, touchedCount, k) : Double.NEGATIVE_INFINITY;
        double remaining = rest[visited];
        // The heap's head is the weakest kept document: lowest score, then highest ordinal.
        PriorityQueue<ScoredDoc> heap = new PriorityQueue<>(k + 1, (a, b) -> b.compareTo(a));
        for (int i = 0; i < touchedCount; i++) {
            int doc = touched[i];
            if (visited < m && above(partial[doc] + remaining) < floor) continue; // cannot reach the top k
            double score = exactScore(doc, ids, qtf, idf, avgdl);
            if (heap.size() == k) {
                ScoredDoc weakest = heap.peek();
                if (score < weakest.score() || (score == weakest.score() && doc > weakest.ordinal())) continue;
            }
            heap.add(new ScoredDoc(doc, score));
            if (heap.size() > k) heap.poll();
        }
        List<ScoredDoc> out = new ArrayList<>(heap);
        out.sort(null);
        return out;
    }

    /** {@code x} plus a relative margin that covers rounding differences between summation orders. */
    private static double above(double x) {
        return x + Math.abs(x) * 1e-9 + 1e-12;
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

    /** The {@code k}-th largest partial score among the touched documents ({@code count >= k}). */
    private static double kthLargest(double[] partial, int[] touched, int count, int k) {
        double[] heap = new double[k]; // min-heap of the k largest so far
        int size = 0;
        for (int i = 0; i < count; i++) {
            double v = partial[touched[i]];
            if (size < k) {
                int c = size++;
                while (c > 0 && heap[(c - 1) >>> 1] > v) {
                    heap[c] = heap[(c - 1) >>> 1];
                    c = (c - 1) >>> 1;
                }
                heap[c] = v;
            } else if (v > heap[0]) {
                int c = 0;
                while (true) {
                    int l = 2 * c + 1;
                    if (l >= k) break;
                    int r = l + 1;
                    int min = r < k && heap[r] < heap[l] ? r : l;
                    if (heap[min] >= v) break;
                    heap[c] = heap[min];
                    c = min;
                }
                heap[c] = v;
            }
        }
        return heap[0];
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
            if (id == maxTf.length) {
                maxTf = Arrays.copyOf(maxTf, id * 2);
                minLength = Arrays.copyOf(minLength, id * 2);
            }
            maxTf[id] = 0;
            minLength[id] = Integer.MAX_VALUE;
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
