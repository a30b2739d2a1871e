package dev.engram.internal.lexical;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.io.CorruptFileException;
import dev.engram.testkit.Seeded;
import dev.engram.testkit.TestRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.roaringbitmap.RoaringBitmap;

@Seeded
class LexicalIndexTest {
    private static final TextAnalyzer A = new TextAnalyzer();
    private static final String[] VOCAB = {"coffee", "tea", "lisbon", "porto", "running", "runs", "swimming", "cat", "cats",
        "dog", "daughter", "birthday", "march", "allergy", "peanut", "peanuts", "python", "rust", "java", "meeting",
        "monday", "the", "and", "is", "of", "café", "Café", "東京", "work", "works", "worked", "prefers", "metric"};

    @AfterAll
    static void close() {
        A.close();
    }

    private static String text(TestRandom r, int maxWords) {
        StringBuilder sb = new StringBuilder();
        int n = r.between(0, maxWords);
        for (int i = 0; i < n; i++) sb.append(VOCAB[r.nextInt(r.nextBoolean() ? 8 : VOCAB.length)]).append(' ');
        return sb.toString();
    }

    /** BM25 computed from scratch over the live documents, straight from the formula. */
    private static List<ScoredDoc> bruteForce(Map<Integer, String> docs, String query, int k, RoaringBitmap accept) {
        Map<Integer, List<String>> analyzed = new TreeMap<>();
        docs.forEach((d, t) -> analyzed.put(d, A.terms(t)));
        int n = analyzed.size();
        double avgdl = analyzed.values().stream().mapToInt(List::size).sum() / (double) n;
        Map<String, Integer> qtf = new HashMap<>();
        for (String t : A.terms(query)) qtf.merge(t, 1, Integer::sum);
        List<ScoredDoc> all = new ArrayList<>();
        for (Map.Entry<Integer, List<String>> d : analyzed.entrySet()) {
            if (accept != null && !accept.contains(d.getKey())) continue;
            double score = 0;
            boolean matched = false;
            for (Map.Entry<String, Integer> q : qtf.entrySet()) {
                int tf = 0;
                for (String t : d.getValue()) if (t.equals(q.getKey())) tf++;
                if (tf == 0) continue;
                matched = true;
                long df = analyzed.values().stream().filter(l -> l.contains(q.getKey())).count();
                double idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
                score += q.getValue() * idf * tf * 2.2 / (tf + 1.2 * (1 - 0.75 + 0.75 * d.getValue().size() / avgdl));
            }
            if (matched) all.add(new ScoredDoc(d.getKey(), score));
        }
        all.sort(null);
        return all.subList(0, Math.min(k, all.size()));
    }

    private static void assertSameRanking(List<ScoredDoc> expected, List<ScoredDoc> actual, String context) {
        assertEquals(expected.size(), actual.size(), context);
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).score(), actual.get(i).score(), 1e-9 * Math.max(1, expected.get(i).score()), context);
            // Equal scores may be computed in a different order; only demand the same ordinal when clearly apart.
            if (i + 1 < expected.size() && Math.abs(expected.get(i).score() - expected.get(i + 1).score()) > 1e-9
                    && (i == 0 || Math.abs(expected.get(i).score() - expected.get(i - 1).score()) > 1e-9)) {
                assertEquals(expected.get(i).ordinal(), actual.get(i).ordinal(), context + " rank " + i);
            }
        }
    }

    @RepeatedTest(10)
    void scoresEqualBruteForceBm25UnderAddsDeletesUpdatesAndFilters(TestRandom random) throws Exception {
        LexicalIndex index = new LexicalIndex(A);
        Map<Integer, String> docs = new TreeMap<>();
        int next = 0;
        for (int step = 0; step < 400; step++) {
            int op = random.nextInt(10);
            if (op < 6 || docs.isEmpty()) {
                String t = text(random, 12);
                index.add(next, t);
                docs.put(next++, t);
            } else if (op < 8) {
                int victim = List.copyOf(docs.keySet()).get(random.nextInt(docs.size()));
                assertTrue(index.remove(victim));
                assertFalse(index.remove(victim));
                docs.remove(victim);
            } else {
                int target = List.copyOf(docs.keySet()).get(random.nextInt(docs.size()));
                String t = text(random, 12);
                index.update(target, t);
                docs.put(target, t);
            }
            if (step % 20 == 0 && !docs.isEmpty()) {
                String q = text(random, 4) + VOCAB[random.nextInt(VOCAB.length)];
                int k = random.between(1, 30);
                RoaringBitmap accept = null;
                if (random.nextBoolean()) {
                    accept = new RoaringBitmap();
                    for (int d : docs.keySet()) if (random.nextBoolean()) accept.add(d);
                    accept.add(next + 5); // not indexed: must be harmless
                }
                assertSameRanking(bruteForce(docs, q, k, accept), index.search(q, k, accept), "query '" + q + "' k=" + k);
            }
        }
        assertEquals(docs.size(), index.docCount());
        // The file round trip keeps everything, scores included.
        byte[] file = LexicalFile.encode(index);
        LexicalIndex loaded = LexicalFile.decode(file, file.length, "u.lex", A);
        assertTrue(loaded.sameContent(index));
        assertTrue(index.sameContent(loaded));
        String q = "coffee running cats";
        assertEquals(index.search(q, 10, null), loaded.search(q, 10, null));
        // And a rebuild from the texts equals the live index.
        LexicalIndex rebuilt = new LexicalIndex(A);
        docs.forEach(rebuilt::add);
        assertTrue(rebuilt.sameContent(index));
    }

    @Test
    void stemmedQueriesFindInflectedDocumentsAndStopWordsMatchNothing() {
        LexicalIndex index = new LexicalIndex(A);
        index.add(0, "Alice runs every morning");
        index.add(1, "Bob prefers tea");
        index.add(2, "The café in Lisbon");
        assertEquals(0, index.search("running", 5, null).getFirst().ordinal());
        assertEquals(2, index.search("CAFE", 5, null).getFirst().ordinal());
        assertEquals(List.of(), index.search("the and of", 5, null));
        assertEquals(List.of(), index.search("unknownword", 5, null));
        assertEquals(List.of(), index.search("tea", 0, null));
        assertEquals(List.of(), index.search("tea", 5, new RoaringBitmap()));
        assertThrows(IllegalArgumentException.class, () -> index.add(1, "again"));
        assertThrows(IllegalArgumentException.class, () -> index.add(-1, "negative"));
    }

    @Test
    void deletedDocumentsLeaveNoTrace() {
        LexicalIndex index = new LexicalIndex(A);
        index.add(0, "secret canary zebra");
        index.add(1, "plain text");
        index.remove(0);
        assertTrue(index.postings("zebra").isEmpty());
        byte[] file = LexicalFile.encode(index);
        assertFalse(new String(file, java.nio.charset.StandardCharsets.ISO_8859_1).contains("zebra"),
                "a deleted document's terms must not be persisted");
    }

    @Test
    void everySingleBitFlipInTheFileIsDetected() {
        LexicalIndex index = new LexicalIndex(A);
        TestRandom r = new TestRandom(42);
        for (int i = 0; i < 20; i++) index.add(i, text(r, 8));
        byte[] file = LexicalFile.encode(index);
        for (int bit = 0; bit < file.length * 8; bit++) {
            byte[] bad = file.clone();
            bad[bit >>> 3] ^= (byte) (1 << (bit & 7));
            assertThrows(CorruptFileException.class, () -> LexicalFile.decode(bad, bad.length, "u.lex", A), "bit " + bit);
        }
        for (int len = 0; len < file.length; len++) {
            int l = len;
            assertThrows(CorruptFileException.class, () -> LexicalFile.decode(file, l, "u.lex", A), "length " + len);
        }
    }
}
