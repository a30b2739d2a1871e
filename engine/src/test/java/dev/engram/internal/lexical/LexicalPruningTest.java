package dev.engram.internal.lexical;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.testkit.Seeded;
import dev.engram.testkit.TestRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.RepeatedTest;
import org.roaringbitmap.RoaringBitmap;

/**
 * The pruned search returns exactly (same ordinals, bit-identical scores, same order) what an
 * exhaustive term-at-a-time scorer returns — the scorer {@link LexicalIndex#search} used before
 * pruning, kept here as the reference — on Zipf-distributed corpora where pruning does happen.
 */
@Seeded
class LexicalPruningTest {
    private static final TextAnalyzer A = new TextAnalyzer();

    @AfterAll
    static void close() {
        A.close();
    }

    /** The former exhaustive scorer: every posting of every query term, summed in query order. */
    private static List<ScoredDoc> exhaustive(LexicalIndex index, String query, int k, RoaringBitmap accept) {
        if (k <= 0 || index.docCount() == 0) return List.of();
        Map<String, Integer> queryCounts = new LinkedHashMap<>();
        for (String t : A.terms(query)) {
            if (!index.postings(t).isEmpty()) queryCounts.merge(t, 1, Integer::sum);
        }
        long n = index.docCount();
        double avgdl = (double) index.totalLength() / n;
        double[] scores = new double[index.live().last() + 1];
        for (Map.Entry<String, Integer> e : queryCounts.entrySet()) {
            RoaringBitmap docs = index.postings(e.getKey());
            double idf = Bm25.idf(n, docs.getLongCardinality());
            if (accept != null) docs.and(accept);
            for (int doc : docs) {
                int tf = index.termFrequencies(doc).get(e.getKey());
                scores[doc] += e.getValue() * Bm25.termScore(idf, tf, index.docLength(doc), avgdl);
            }
        }
        List<ScoredDoc> all = new ArrayList<>();
        for (int doc = 0; doc < scores.length; doc++) if (scores[doc] > 0) all.add(new ScoredDoc(doc, scores[doc]));
        all.sort(null);
        return List.copyOf(all.subList(0, Math.min(k, all.size())));
    }

    private static String[] vocabulary(TestRandom r, int size) {
        String letters = "abcdefghijklmnopqrstuvwxyz";
        String[] words = new String[size];
        for (int i = 0; i < size; i++) {
            StringBuilder sb = new StringBuilder("w");
            int len = r.between(3, 8);
            for (int j = 0; j < len; j++) sb.append(letters.charAt(r.nextInt(letters.length())));
            words[i] = sb.toString();
        }
        return words;
    }

    /** A word by a Zipf-like law (rank ~ 1/u): a few words are in most documents, most are rare. */
    private static String zipf(TestRandom r, String[] vocab) {
        int rank = (int) Math.min(vocab.length - 1, Math.floor(1 / (r.nextDouble() * 0.999 + 0.001)) - 1);
        return vocab[rank];
    }

    private static String text(TestRandom r, String[] vocab, int min, int max) {
        StringBuilder sb = new StringBuilder();
        int n = r.between(min, max);
        for (int i = 0; i < n; i++) sb.append(zipf(r, vocab)).append(' ');
        return sb.toString();
    }

    @RepeatedTest(4)
    void prunedSearchEqualsExhaustiveScoring(TestRandom random) {
        String[] vocab = vocabulary(random, random.between(50, 400));
        LexicalIndex index = new LexicalIndex(A);
        int docs = random.between(500, 2500);
        for (int d = 0; d < docs; d++) index.add(d, text(random, vocab, 1, 30));
        // Deletes and updates leave stale (still valid) bounds behind.
        for (int i = 0; i < docs / 10; i++) {
            int d = random.nextInt(docs);
            if (random.nextBoolean()) index.remove(d);
            else index.update(d, text(random, vocab, 1, 30));
        }
        int pruned = 0, queries = 200;
        for (int i = 0; i < queries; i++) {
            String q = text(random, vocab, 1, 8) + (random.nextInt(4) == 0 ? vocab[random.nextInt(vocab.length)] : "");
            int k = switch (random.nextInt(5)) {
                case 0 -> 1;
                case 1 -> random.between(2, 20);
                case 2 -> 100;
                case 3 -> random.between(100, 1000);
                default -> docs * 2;
            };
            RoaringBitmap accept = null;
            if (random.nextInt(3) == 0) {
                accept = new RoaringBitmap();
                int keepOneIn = random.between(1, 20);
                for (int d = 0; d < docs + 10; d++) if (random.nextInt(keepOneIn) == 0) accept.add(d);
            }
            int[] walked = new int[1];
            List<ScoredDoc> actual = index.search(q, k, accept, walked);
            assertEquals(exhaustive(index, q, k, accept), actual, "query '" + q + "' k=" + k + " filtered=" + (accept != null));
            int distinct = (int) A.terms(q).stream().distinct().filter(t -> !index.postings(t).isEmpty()).count();
            if (walked[0] < distinct) pruned++;
        }
        // Not vacuous: a good share of the queries stopped before walking every term.
        assertTrue(pruned > queries / 10, "only " + pruned + " of " + queries + " queries were pruned");
    }

    /** The result of every search path, compared with the exhaustive scorer. */
    private static void assertAllPathsExact(LexicalIndex index, String q, int k, RoaringBitmap accept, String context) {
        List<ScoredDoc> expected = exhaustive(index, q, k, accept);
        String c = context + " query '" + q + "' k=" + k + " filter=" + (accept == null ? "none" : accept.getCardinality());
        assertEquals(expected, index.search(q, k, accept), c + " (auto)");
        assertEquals(expected, index.search(q, k, accept, null, LexicalIndex.Path.POSTINGS), c + " (postings)");
        assertEquals(expected, index.search(q, k, accept, null, LexicalIndex.Path.FORWARD), c + " (forward)");
    }

    private static RoaringBitmap filter(TestRandom r, LexicalIndex index, int universe) {
        return switch (r.nextInt(6)) {
            case 0 -> null;
            case 1 -> index.liveDocs(); // accepts every live document: the filter is dropped
            case 2 -> { // most documents, and ordinals that are not indexed
                RoaringBitmap a = new RoaringBitmap();
                for (int d = 0; d < universe + 3000; d++) if (r.nextInt(10) != 0) a.add(d);
                yield a;
            }
            case 3 -> { // a handful: scored from the forward index
                RoaringBitmap a = new RoaringBitmap();
                for (int i = r.between(0, 30); i > 0; i--) a.add(r.nextInt(universe + 10));
                yield a;
            }
            default -> {
                RoaringBitmap a = new RoaringBitmap();
                int keepOneIn = r.between(2, 50);
                for (int d = 0; d < universe; d++) if (r.nextInt(keepOneIn) == 0) a.add(d);
                yield a;
            }
        };
    }

    /**
     * Larger corpora with gaps in the ordinals (windows and blocks are crossed and skipped), mass
     * removals (posting lists compact), re-adds of removed ordinals (tombstones revived) and adds
     * below the highest ordinal: every search path still returns exactly the exhaustive result,
     * for filters of every kind, repeated query terms, and k from 1 to beyond the matches.
     */
    @RepeatedTest(3)
    void everySearchPathEqualsExhaustiveScoringAcrossWindowsBlocksAndRemovals(TestRandom random) {
        String[] vocab = vocabulary(random, random.between(30, 300));
        LexicalIndex index = new LexicalIndex(A);
        List<Integer> ordinals = new ArrayList<>();
        int ordinal = 0;
        int docs = random.between(2500, 6000);
        for (int d = 0; d < docs; d++) {
            ordinal += random.nextInt(50) == 0 ? random.between(1, 5000) : 1; // sometimes a gap of several windows
            index.add(ordinal, text(random, vocab, 1, 25));
            ordinals.add(ordinal);
        }
        int universe = ordinal + 1;
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 40; i++) {
                String q = text(random, vocab, 1, 6);
                if (random.nextBoolean()) q += " " + q; // every term repeated
                int k = switch (random.nextInt(4)) {
                    case 0 -> 1;
                    case 1 -> random.between(2, 150);
                    case 2 -> 100;
                    default -> universe;
                };
                assertAllPathsExact(index, q, k, filter(random, index, universe), "round " + round);
            }
            // Remove a large share (most lists compact), then re-add some removed ordinals with new text.
            List<Integer> removed = new ArrayList<>();
            for (int o : ordinals) {
                if (random.nextInt(10) < 6 && index.remove(o)) removed.add(o);
            }
            for (int o : removed) {
                if (random.nextInt(4) == 0) index.add(o, text(random, vocab, 1, 25));
            }
            for (int i = 0; i < 50; i++) { // new ordinals, some below the highest
                int o = random.nextInt(universe + 2000);
                if (!index.liveDocs().contains(o)) {
                    index.add(o, text(random, vocab, 1, 25));
                    ordinals.add(o);
                }
            }
            universe += 2000;
        }
    }

    /** Equal scores across windows and blocks: the lower ordinals win, whichever path runs. */
    @RepeatedTest(2)
    void tiesGoToTheLowerOrdinalAcrossWindows(TestRandom random) {
        LexicalIndex index = new LexicalIndex(A);
        String[] texts = {"wapple wbanana", "wapple wcherry", "wbanana wcherry wdate", "wapple"};
        int n = random.between(3000, 6000);
        int ordinal = 0;
        for (int d = 0; d < n; d++) index.add(ordinal += random.between(1, 3), texts[random.nextInt(texts.length)]);
        int universe = index.liveDocs().last() + 1;
        for (String q : List.of("wapple", "wapple wbanana", "wcherry wcherry wdate", "wbanana wapple wdate", "wnothing wapple")) {
            for (int k : new int[] {1, 7, 100, 1000, n + 5}) {
                assertAllPathsExact(index, q, k, null, "ties");
                assertAllPathsExact(index, q, k, filter(random, index, universe), "ties");
            }
        }
        List<ScoredDoc> top = index.search("wapple", 10, null);
        for (int i = 1; i < top.size(); i++) {
            assertTrue(top.get(i - 1).score() > top.get(i).score()
                    || (top.get(i - 1).score() == top.get(i).score() && top.get(i - 1).ordinal() < top.get(i).ordinal()));
        }
    }
}
