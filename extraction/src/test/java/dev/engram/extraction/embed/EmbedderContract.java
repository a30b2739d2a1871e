package dev.engram.extraction.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The contract every {@link Embedder} keeps. Subclasses say how to open one and how close the same
 * text must embed when it shares a batch with others (1.0 for exact models, lower for int8 ones,
 * whose output depends on the batch).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class EmbedderContract {
    static final String CAT = "The cat sat on the mat and purred.";
    static final List<String> VARIED = List.of(
            "", " ", "Hello, world!", "I moved to Berlin last year and started working at a bakery.",
            "Café crème, naïve façade — résumé", "我喜欢在周末去公园散步", "🎉🎉 party time 🥳", "\u0000\u0007 control\tchars\r\n",
            "supercalifragilisticexpialidocious".repeat(5), "word ".repeat(2000));

    Embedder embedder;

    abstract Embedder open();

    /** Least cosine between a text embedded alone and the same text inside a batch of others. */
    abstract double batchInvariance();

    abstract String expectedModelId();

    @BeforeAll
    void openEmbedder() {
        embedder = open();
    }

    @AfterAll
    void closeEmbedder() {
        if (embedder != null) embedder.close();
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    static double norm(float[] v) {
        double s = 0;
        for (float x : v) s += (double) x * x;
        return Math.sqrt(s);
    }

    @Test
    void describesItself() {
        assertEquals(384, embedder.dimension());
        assertEquals(expectedModelId(), embedder.modelId());
    }

    @Test
    void everyVectorHasTheDimensionAndUnitNorm() {
        for (String text : VARIED) {
            float[] v = embedder.embed(text);
            assertEquals(embedder.dimension(), v.length, text);
            assertEquals(1.0, norm(v), 1e-4, "norm of " + text);
            for (float x : v) assertTrue(Float.isFinite(x), "finite components for " + text);
        }
        for (float[] v : embedder.embedBatch(VARIED)) assertEquals(1.0, norm(v), 1e-4);
    }

    @Test
    void sameTextAloneGivesTheSameVector() {
        assertTrue(cosine(embedder.embed(CAT), embedder.embed(CAT)) >= 0.99999);
    }

    @Test
    void sameTextInABatchStaysClose() {
        float[] alone = embedder.embed(CAT);
        List<String> batch = new ArrayList<>(VARIED);
        batch.add(3, CAT);
        float[] inBatch = embedder.embedBatch(batch).get(3);
        double c = cosine(alone, inBatch);
        assertTrue(c >= batchInvariance(), "cosine alone vs in batch " + c + " < " + batchInvariance());
    }

    @Test
    void batchKeepsOrderAndSize() {
        List<String> texts = List.of("apples are red", "the stock market fell sharply", "I love my dog", "apples are red");
        List<float[]> vs = embedder.embedBatch(texts);
        assertEquals(texts.size(), vs.size());
        for (int i = 0; i < texts.size(); i++) {
            assertTrue(cosine(vs.get(i), embedder.embed(texts.get(i))) >= batchInvariance(), "position " + i);
        }
        assertTrue(cosine(vs.get(0), vs.get(3)) >= batchInvariance());
        assertTrue(embedder.embedBatch(List.of()).isEmpty());
    }

    @Test
    void relatedSentencesScoreAboveUnrelated() {
        String[][] triples = {
            {"My dog loves playing fetch in the park.", "The puppy chased the ball across the grass.", "Quarterly tax filings are due in April."},
            {"I work as a nurse at the city hospital.", "Her job is caring for patients in a clinic.", "The volcano erupted and covered the town in ash."},
            {"We went hiking in the mountains last weekend.", "They spent Saturday on a trail up a peak.", "Add two cups of flour to the batter."},
            {"Where does Caroline live now?", "Caroline moved to Sweden last spring.", "The recipe needs three eggs and butter."},
        };
        for (String[] t : triples) {
            float[] a = embedder.embed(t[0]);
            double related = cosine(a, embedder.embed(t[1]));
            double unrelated = cosine(a, embedder.embed(t[2]));
            assertTrue(related > unrelated + 0.05, t[0] + ": related " + related + " vs unrelated " + unrelated);
        }
    }

    @Test
    void queryEmbeddingRetrievesTheAnsweringPassage() {
        float[] q = embedder.embedQuery("What pet does Melanie have?");
        double right = cosine(q, embedder.embed("Melanie: I adopted a little cat named Luna last month."));
        double wrong = cosine(q, embedder.embed("Melanie: The concert downtown was louder than I expected."));
        assertTrue(right > wrong, right + " <= " + wrong);
        assertEquals(1.0, norm(q), 1e-4);
    }

    @Test
    void longInputIsTruncatedNotRejected() {
        String longText = "memory ".repeat(100_000);
        float[] v = embedder.embed(longText);
        // Truncation keeps the beginning: a text that differs only far past the limit embeds the same.
        float[] w = embedder.embed(longText + " completely different ending about volcanoes");
        assertTrue(cosine(v, w) >= 0.99999);
    }

    /**
     * Least cosine between a text embedded alone and the same text batched with whatever
     * concurrent callers sent; int8 models can go below {@link #batchInvariance()} here.
     */
    double concurrentFloor() {
        return batchInvariance();
    }

    @Test
    void concurrentCallersGetTheirOwnVectors() throws Exception {
        String[] topics = {"cooking pasta with garlic and olive oil", "fixing a flat tyre on my bicycle", "the fall of the Roman empire",
            "my daughter's first soccer match", "learning quantum computing", "adopting a rescue cat", "the stock market crash",
            "painting sunsets in watercolour"};
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 48; i++) texts.add((i % 3 == 0 ? "Yesterday I spent hours on " : "Tell me more about ") + topics[i % topics.length] + (i >= 24 ? ", please." : "."));
        List<float[]> expected = new ArrayList<>();
        for (String t : texts) expected.add(embedder.embed(t));
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<float[]>> futures = new ArrayList<>();
            for (String t : texts) futures.add(pool.submit(() -> embedder.embed(t)));
            for (int i = 0; i < texts.size(); i++) {
                float[] got = futures.get(i).get();
                double own = cosine(expected.get(i), got);
                assertTrue(own >= concurrentFloor(), "text " + i + ": cosine " + own + " < " + concurrentFloor());
                for (int j = 0; j < texts.size(); j++) {
                    if (j % topics.length != i % topics.length) { // near-paraphrases may legitimately be close
                        assertTrue(cosine(expected.get(j), got) < own, "text " + i + " got a vector closer to text " + j);
                    }
                }
            }
        }
    }

    @Test
    void nullIsRejected() {
        assertThrows(NullPointerException.class, () -> embedder.embed(null));
        assertThrows(NullPointerException.class, () -> embedder.embedQuery(null));
        assertThrows(NullPointerException.class, () -> embedder.embedBatch(null));
        assertThrows(NullPointerException.class, () -> embedder.embedBatch(java.util.Arrays.asList("a", null)));
    }

    @Test
    void closeIsIdempotentAndLaterCallsFail() {
        Embedder other = open();
        float[] before = other.embed(CAT);
        other.close();
        other.close();
        assertThrows(EmbedderClosedException.class, () -> other.embed(CAT));
        assertThrows(EmbedderClosedException.class, () -> other.embedBatch(List.of(CAT)));
        assertFalse(before.length == 0);
        assertArrayEquals(embedder.embed(CAT), embedder.embed(CAT), 1e-5f);
    }
}
