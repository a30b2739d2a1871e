package dev.engram.bench.locomo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.engram.extraction.embed.Embedder;
import dev.engram.internal.lexical.TextAnalyzer;
import dev.engram.internal.retrieval.RetrievalConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The harness scores known-perfect and known-wrong systems as it should, on a fixture made here. */
class LocomoHarnessTest {
    static LocomoData.Conversation fixture() {
        List<LocomoData.Turn> s1 = List.of(
                new LocomoData.Turn("D1:1", "Ana", "I adopted a grey cat named Pixel.", null),
                new LocomoData.Turn("D1:2", "Ben", "Lovely! I started learning the cello.", null),
                new LocomoData.Turn("D1:3", "Ana", "My sister lives in Porto.", null));
        List<LocomoData.Turn> s2 = List.of(
                new LocomoData.Turn("D2:1", "Ben", "We hiked the volcano trail on Saturday.", "a photo of a crater"),
                new LocomoData.Turn("D2:2", "Ana", "I baked sourdough bread this morning.", null),
                new LocomoData.Turn("D2:3", "Ben", "The cello teacher says I improve quickly.", null));
        List<LocomoData.Question> qs = List.of(
                new LocomoData.Question("What is the name of Ana's cat?", "Pixel", List.of("D1:1"), 4),
                new LocomoData.Question("Which instrument is Ben learning and how is it going?", "cello", List.of("D1:2", "D2:3"), 1),
                new LocomoData.Question("Where did Ben hike?", "volcano trail", List.of("D2:1"), 2),
                new LocomoData.Question("Adversarial", "", List.of("D1:3"), LocomoData.ADVERSARIAL));
        return new LocomoData.Conversation("fixture-1", "Ana", "Ben",
                List.of(new LocomoData.Session(1, "1:56 pm on 8 May, 2023", s1), new LocomoData.Session(2, "10:00 am on 20 May, 2023", s2)),
                qs, 0);
    }

    /** Answers from a fixed choice of turns per question. */
    static class Fixed implements RetrievalSystem {
        private final String name;
        private final boolean evidence;
        private LocomoData.Conversation c;

        Fixed(String name, boolean evidence) {
            this.name = name;
            this.evidence = evidence;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void ingest(LocomoData.Conversation conversation) {
            c = conversation;
        }

        @Override
        public List<EvidenceRecall.Retrieved> retrieve(LocomoData.Question q) {
            List<EvidenceRecall.Retrieved> out = new ArrayList<>();
            for (LocomoData.Turn t : c.turns()) {
                if (q.evidence().contains(t.id()) == evidence) out.add(new EvidenceRecall.Retrieved(t.document(), Set.of(t.id())));
            }
            return out;
        }
    }

    @Test
    void perfectScoresOneAndWrongScoresZeroEverywhere() throws Exception {
        Map<String, EvidenceRecall> r = LocomoHarness.run(List.of(fixture()), List.of(new Fixed("perfect", true), new Fixed("wrong", false)));
        for (int b : EvidenceRecall.BUDGETS) {
            assertEquals(1.0, r.get("perfect").atBudget(b), 1e-12);
            assertEquals(0.0, r.get("wrong").atBudget(b), 1e-12);
        }
        for (int k : EvidenceRecall.KS) {
            assertEquals(1.0, r.get("perfect").atK(k), 1e-12);
            assertEquals(0.0, r.get("wrong").atK(k), 1e-12);
        }
        assertEquals(3, r.get("perfect").count());
        assertEquals(1, r.get("perfect").skipped(), "the adversarial question is not scored");
        assertEquals(Set.of(1, 2, 4), r.get("perfect").categories());
    }

    @Test
    void aSystemThatPacksPerBudgetIsScoredOnWhatItPacked() throws Exception {
        // Evidence only when given 1024 tokens; the ranked list (recall@k) is perfect.
        RetrievalSystem picky = new Fixed("picky", true) {
            @Override
            public List<EvidenceRecall.Retrieved> retrieve(LocomoData.Question q, int budget) {
                return budget >= 1024 ? retrieve(q) : List.of(new EvidenceRecall.Retrieved("nothing", Set.of("D9:9")));
            }
        };
        EvidenceRecall r = LocomoHarness.run(List.of(fixture()), List.of(picky)).get("picky");
        assertEquals(0.0, r.atBudget(256), 1e-12);
        assertEquals(0.0, r.atBudget(512), 1e-12);
        assertEquals(1.0, r.atBudget(1024), 1e-12);
        assertEquals(1.0, r.atK(5), 1e-12);
    }

    /** A bag-of-words embedder (hashed words, 384 dimensions): deterministic, no model needed. */
    static final class BagOfWords implements Embedder {
        @Override
        public int dimension() {
            return 384;
        }

        @Override
        public String modelId() {
            return "bag-of-words-test";
        }

        @Override
        public float[] embed(String text) {
            float[] v = new float[384];
            for (String w : text.toLowerCase(Locale.ROOT).split("[^a-z]+")) if (w.length() > 3) v[Math.floorMod(w.hashCode(), 384)] += 1;
            v[383] += 0.01f; // never the zero vector
            double n = 0;
            for (float x : v) n += x * x;
            for (int i = 0; i < v.length; i++) v[i] /= (float) Math.sqrt(n);
            return v;
        }

        @Override
        public float[] embedQuery(String text) {
            return embed(text);
        }

        @Override
        public List<float[]> embedBatch(List<String> texts) {
            return texts.stream().map(this::embed).toList();
        }

        @Override
        public void close() {}
    }

    @Test
    void engramTurnsRetrievesEvidenceThroughARealStore() throws Exception {
        try (TextAnalyzer analyzer = new TextAnalyzer();
             EngramTurns engram = new EngramTurns("engram-turns", new LocomoEmbeddings(new BagOfWords()), analyzer, RetrievalConfig.defaults())) {
            EvidenceRecall r = LocomoHarness.run(List.of(fixture()), List.of(engram)).get("engram-turns");
            assertEquals(1.0, r.atBudget(1024), 1e-12, "six short turns fit in any budget");
            assertEquals(1.0, r.atK(20), 1e-12);
            assertEquals(1.0, r.atBudget(256), 1e-12, "the evidence ranks first");
        }
    }
}
