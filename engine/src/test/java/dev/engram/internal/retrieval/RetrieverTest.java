package dev.engram.internal.retrieval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.index.IndexConfig;
import dev.engram.internal.lexical.TextAnalyzer;
import dev.engram.internal.store.UserStore;
import dev.engram.memory.Memory;
import dev.engram.memory.MemoryId;
import dev.engram.memory.MemoryStatus;
import dev.engram.memory.MemoryType;
import dev.engram.memory.UserId;
import dev.engram.testkit.InMemoryStorage;
import dev.engram.testkit.Seeded;
import dev.engram.testkit.TestRandom;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** Hybrid retrieval over a real user store: filters, validity, as-of, scoring parts, MMR and packing. */
@Seeded
class RetrieverTest {
    private static final TextAnalyzer A = new TextAnalyzer();
    private static final int DIM = 8;
    private static final UserStore.Options OPTIONS = new UserStore.Options(4096, 1 << 20, IndexConfig.defaults(DIM));
    private static final UserId USER = UserId.of("retrieval-test");
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");

    private final MemoryId.Generator ids = new MemoryId.Generator(new Random(1));
    private final Retriever retriever = new Retriever(RetrievalConfig.defaults());
    private UserStore store;

    @AfterAll
    static void closeAnalyzer() {
        A.close();
    }

    @BeforeEach
    void open() throws IOException {
        store = UserStore.open(new InMemoryStorage(), USER, A, OPTIONS);
    }

    @AfterEach
    void close() throws IOException {
        store.close();
    }

    static float[] axis(int i) {
        float[] v = new float[DIM];
        v[i] = 1;
        return v;
    }

    static float[] mix(int i, int j, double w) {
        float[] v = new float[DIM];
        v[i] = (float) Math.cos(w);
        v[j] = (float) Math.sin(w);
        return v;
    }

    Memory.Builder memory(String content) {
        return Memory.builder().id(ids.next(T0.toEpochMilli())).user(USER).content(content).type(MemoryType.FACT).createdAt(T0);
    }

    Memory put(Memory.Builder b, float[] embedding) throws IOException {
        Memory m = b.build();
        assertTrue(store.put(m, embedding));
        return m;
    }

    RetrievalResult retrieve(String text, float[] vector, Filters filters) {
        return retriever.retrieve(store, RetrievalQuery.of(text, 50, NOW).withFilters(filters), vector);
    }

    static List<String> contents(RetrievalResult r) {
        return r.memories().stream().map(m -> m.memory().content()).toList();
    }

    @Test
    void emptyStoreReturnsNothing() {
        RetrievalResult r = retrieve("anything", axis(0), Filters.none());
        assertEquals(List.of(), r.memories());
        assertEquals(0, r.totalTokens());
        assertEquals(0, r.candidates());
        assertEquals(List.of(), retrieve("", null, Filters.none()).memories());
    }

    @Test
    void lexicalOnlyWithoutAQueryVector() throws IOException {
        put(memory("Caroline moved to Sweden"), axis(0));
        put(memory("Melanie paints sunsets"), axis(1));
        put(memory("A memory without an embedding about Sweden"), null);
        RetrievalResult r = retrieve("Sweden", null, Filters.none());
        assertEquals(Set.of("Caroline moved to Sweden", "A memory without an embedding about Sweden"), Set.copyOf(contents(r)));
        for (ScoredMemory m : r.memories()) {
            assertEquals(0, m.parts().vector());
            assertEquals(m.parts().lexical(), m.parts().relevance(), 1e-12, "relevance is the lexical side alone");
        }
        // And vector-only with a blank text: every memory with an embedding, nearest first.
        RetrievalResult v = retrieve(" ", axis(1), Filters.none());
        assertEquals("Melanie paints sunsets", v.memories().getFirst().memory().content());
        assertEquals(2, v.memories().size());
    }

    @Test
    void hybridFindsByEitherSideAndExplainsTheScore() throws IOException {
        put(memory("the quarterly budget meeting"), axis(0));
        put(memory("an unrelated note"), axis(1));
        put(memory("semantic neighbour without the word"), mix(0, 2, 0.2));
        RetrievalResult r = retrieve("budget", axis(0), Filters.none());
        assertEquals("the quarterly budget meeting", r.memories().getFirst().memory().content());
        RetrievalConfig c = RetrievalConfig.defaults();
        for (ScoredMemory m : r.memories()) {
            ScoreParts p = m.parts();
            double relevance = (c.lexicalWeight() * p.lexical() + c.vectorWeight() * p.vector()) / (c.lexicalWeight() + c.vectorWeight());
            assertEquals(relevance, p.relevance(), 1e-9);
            double score = p.type() * (p.relevance() + c.recencyWeight() * p.recency() + c.importanceWeight() * p.importance());
            assertEquals(score, m.score(), 1e-9);
            assertEquals(TokenEstimator.estimate(m.memory().content()), m.tokens());
        }
        assertTrue(contents(r).contains("semantic neighbour without the word"));
    }

    @Test
    void eachFilterAndTheirCombinationIsHonoured() throws IOException {
        Memory fact = put(memory("apple fact").type(MemoryType.FACT).categories(Set.of("food")).metadata(Map.of("app", "a")), axis(0));
        Memory pref = put(memory("apple preference").type(MemoryType.PREFERENCE).categories(Set.of("food", "taste"))
                .metadata(Map.of("app", "b")), axis(0));
        Memory event = put(memory("apple event").type(MemoryType.EVENT).categories(Set.of("trip")).metadata(Map.of("app", "a", "x", "1")),
                axis(0));
        Memory proc = put(memory("apple procedure").type(MemoryType.PROCEDURAL), axis(0));
        assertEquals(4, retrieve("apple", axis(0), Filters.none()).memories().size());
        assertEquals(Set.of(pref.content(), event.content()),
                Set.copyOf(contents(retrieve("apple", axis(0), Filters.none().withTypes(Set.of(MemoryType.PREFERENCE, MemoryType.EVENT))))));
        assertEquals(Set.of(fact.content(), pref.content()),
                Set.copyOf(contents(retrieve("apple", axis(0), Filters.none().withCategories(Set.of("food"))))));
        assertEquals(Set.of(fact.content(), event.content()),
                Set.copyOf(contents(retrieve("apple", axis(0), Filters.none().withMetadata(Map.of("app", "a"))))));
        assertEquals(List.of(event.content()),
                contents(retrieve("apple", axis(0), Filters.none().withMetadata(Map.of("app", "a", "x", "1")))), "all entries must match");
        assertEquals(List.of(fact.content()), contents(retrieve("apple", axis(0), Filters.none().withTypes(Set.of(MemoryType.FACT))
                .withCategories(Set.of("food", "trip")).withMetadata(Map.of("app", "a")))));
        assertEquals(List.of(), contents(retrieve("apple", axis(0), Filters.none().withCategories(Set.of("unknown")))));
        assertEquals(List.of(proc.content()), contents(retrieve("apple", null, Filters.none().withTypes(Set.of(MemoryType.PROCEDURAL)))));
    }

    @Test
    void supersededArchivedExpiredAndEndedAreExcludedByDefaultAndIncludedOnRequest() throws IOException {
        Memory active = put(memory("coffee active"), axis(0));
        Memory old = put(memory("coffee superseded v1"), axis(0));
        Memory superseded = put(old.toBuilder().version(2).content("coffee superseded").status(MemoryStatus.SUPERSEDED)
                .supersededBy(active.id()).updatedAt(T0.plusSeconds(10)), axis(0));
        Memory archived = put(memory("coffee archived").status(MemoryStatus.ARCHIVED), axis(0));
        Memory expired = put(memory("coffee expired").expiresAt(NOW.minusSeconds(1)), axis(0));
        Memory notYetExpired = put(memory("coffee expires later").expiresAt(NOW.plusSeconds(1)), axis(0));
        Memory ended = put(memory("coffee no longer true").validTo(NOW.minus(Duration.ofDays(1))), axis(0));
        Memory future = put(memory("coffee true from later").validFrom(NOW.plus(Duration.ofDays(1))), axis(0));
        Memory deleted = put(memory("coffee deleted"), axis(0));
        assertTrue(store.delete(deleted.id(), T0.plusSeconds(20)));

        for (float[] v : new float[][] {axis(0), null}) {
            assertEquals(Set.of(active.content(), notYetExpired.content()), Set.copyOf(contents(retrieve("coffee", v, Filters.none()))));
            assertEquals(Set.of(active.content(), notYetExpired.content(), superseded.content(), ended.content()),
                    Set.copyOf(contents(retrieve("coffee", v, Filters.none().withIncludeSuperseded(true)))));
            assertEquals(Set.of(active.content(), notYetExpired.content(), archived.content()),
                    Set.copyOf(contents(retrieve("coffee", v, Filters.none().withIncludeArchived(true)))));
            assertEquals(Set.of(active.content(), notYetExpired.content(), expired.content()),
                    Set.copyOf(contents(retrieve("coffee", v, Filters.none().withIncludeExpired(true)))));
            List<String> everything = contents(retrieve("coffee", v,
                    Filters.none().withIncludeSuperseded(true).withIncludeArchived(true).withIncludeExpired(true)));
            assertEquals(6, everything.size(), everything.toString());
            assertFalse(everything.contains(deleted.content()), "deleted is never returned");
            assertFalse(everything.contains(old.content()), "an older version is not current");
            assertFalse(everything.contains(future.content()), "not yet valid");
        }
    }

    @Test
    void asOfAnswersWithTheVersionCurrentAndValidThen() throws IOException {
        Instant t1 = T0.plus(Duration.ofDays(10));
        Instant t2 = T0.plus(Duration.ofDays(20));
        Memory v1 = put(memory("Alice lives in Berlin").createdAt(t1), axis(0));
        Memory v2 = put(v1.toBuilder().version(2).content("Alice lives in Paris").updatedAt(t2).validFrom(t2), axis(1));
        Memory later = put(memory("Alice lives somewhere later").createdAt(t2.plusSeconds(5)), axis(2));
        RetrievalQuery q = RetrievalQuery.of("Alice lives", 10, NOW);
        assertEquals(Set.of(v2.content(), later.content()), Set.copyOf(contents(retriever.retrieve(store, q, axis(0)))));
        RetrievalResult between = retriever.retrieve(store, q.withAsOf(t1.plus(Duration.ofDays(5))), axis(0));
        assertEquals(List.of(v1.content()), contents(between));
        assertEquals(List.of(), contents(retriever.retrieve(store, q.withAsOf(T0), axis(0))), "nothing was stored yet");
        assertEquals(Set.of(v2.content(), later.content()),
                Set.copyOf(contents(retriever.retrieve(store, q.withAsOf(t2.plusSeconds(10)), null))));
    }

    @Test
    void asOfFindsASupersededVersionByItsVectorAlone() throws IOException {
        Instant t1 = T0.plus(Duration.ofDays(10));
        Instant t2 = T0.plus(Duration.ofDays(20));
        Memory v1 = put(memory("Alice lives in Berlin").createdAt(t1), axis(0));
        put(v1.toBuilder().version(2).content("Alice lives in Paris").updatedAt(t2).validFrom(t2), axis(1));
        // No word in common with either version: only the vector side can find the old one.
        RetrievalQuery q = RetrievalQuery.of("zzyzx", 10, NOW).withAsOf(t1.plus(Duration.ofDays(5)));
        RetrievalResult r = retriever.retrieve(store, q, axis(0));
        assertEquals(List.of(v1.content()), contents(r), "the version current then, found by its own vector");
        assertTrue(r.memories().getFirst().parts().vector() > 0, "scored on the vector side");
        // Without asOf the superseded version stays out of vector search.
        assertEquals(List.of("Alice lives in Paris"), contents(retriever.retrieve(store, RetrievalQuery.of("zzyzx", 10, NOW), axis(0))));
    }

    @Test
    void recencyOrdersEqualRelevance() throws IOException {
        Retriever withRecency = new Retriever(RetrievalConfig.defaults().withRecency(0.1, Duration.ofDays(30)));
        Memory older = put(memory("tennis match").eventTime(NOW.minus(Duration.ofDays(60))), axis(0));
        Memory newer = put(memory("tennis match").eventTime(NOW.minus(Duration.ofDays(2))), axis(0));
        Memory middle = put(memory("tennis match").createdAt(NOW.minus(Duration.ofDays(20))), axis(0));
        RetrievalResult r = withRecency.retrieve(store, RetrievalQuery.of("tennis", 10, NOW), axis(0));
        assertEquals(List.of(newer.id(), middle.id(), older.id()), r.memories().stream().map(m -> m.memory().id()).toList());
        assertEquals(0.25, r.memories().get(2).parts().recency(), 1e-9, "two half-lives");
    }

    @Test
    void importanceBreaksTies() throws IOException {
        Memory low = put(memory("piano lessons").importance(0.2), axis(0));
        Memory high = put(memory("piano lessons").importance(0.9), axis(0));
        Memory mid = put(memory("piano lessons").importance(0.5), axis(0));
        RetrievalResult r = retrieve("piano", axis(0), Filters.none());
        assertEquals(List.of(high.id(), mid.id(), low.id()), r.memories().stream().map(m -> m.memory().id()).toList());
        Retriever off = new Retriever(RetrievalConfig.defaults().withImportanceWeight(0));
        RetrievalResult tie = off.retrieve(store, RetrievalQuery.of("piano", 10, NOW), axis(0));
        assertEquals(List.of(high.id(), mid.id(), low.id()), tie.memories().stream().map(m -> m.memory().id()).toList(),
                "equal scores: more important first");
    }

    @Test
    void typeWeightsScaleTheScore() throws IOException {
        put(memory("guitar fact").type(MemoryType.FACT), axis(0));
        Memory pref = put(memory("guitar preference").type(MemoryType.PREFERENCE), mix(0, 1, 0.3));
        Retriever weighted = new Retriever(RetrievalConfig.defaults().withTypeWeights(Map.of(MemoryType.PREFERENCE, 5.0)));
        RetrievalResult r = weighted.retrieve(store, RetrievalQuery.of("guitar", 10, NOW), axis(0));
        assertEquals(pref.id(), r.memories().getFirst().memory().id());
        assertEquals(5.0, r.memories().getFirst().parts().type());
    }

    @Test
    void mmrRemovesNearDuplicates() throws IOException {
        put(memory("hiking trip to the alps"), axis(0));
        put(memory("hiking trip to the alps!"), axis(0));
        put(memory("hiking trip to the alps again"), mix(0, 1, 0.01));
        Memory other = put(memory("hiking trip to the alps: bought boots for it"), mix(0, 2, 0.9));
        for (int i = 5; i < DIM; i++) put(memory("unrelated " + i), axis(i));
        RetrievalQuery q = RetrievalQuery.of("hiking trip alps", 2, NOW);
        Retriever r = new Retriever(RetrievalConfig.defaults().withMmrLambda(0.5));
        RetrievalResult plain = r.retrieve(store, q, axis(0));
        assertFalse(contents(plain).contains(other.content()), "without MMR the duplicates win");
        RetrievalResult diverse = r.retrieve(store, q.withMmr(true), axis(0));
        assertEquals(2, diverse.memories().size());
        assertTrue(contents(diverse).contains(other.content()), "MMR keeps one duplicate and adds the different memory");
    }

    @Test
    void aHugeLimitIsBoundedByTheStoreNotAllocated() throws IOException {
        put(memory("kayak rental"), axis(0));
        put(memory("kayak lessons"), axis(1));
        RetrievalResult r = retriever.retrieve(store, RetrievalQuery.of("kayak", Integer.MAX_VALUE, NOW), axis(0));
        assertEquals(2, r.memories().size());
        assertEquals(2, r.candidates());
    }

    @Test
    void rrfFusionIsAvailable() throws IOException {
        put(memory("violin concert"), axis(0));
        put(memory("violin"), axis(1));
        Retriever rrf = new Retriever(RetrievalConfig.defaults().withFusion(Fusion.RRF));
        RetrievalResult r = rrf.retrieve(store, RetrievalQuery.of("violin concert", 10, NOW), axis(0));
        assertEquals("violin concert", r.memories().getFirst().memory().content());
        assertTrue(r.memories().getFirst().parts().relevance() <= 1 + 1e-12);
    }

    @RepeatedTest(20)
    void packingNeverExceedsTheBudgetAndSkipsOnlyWhatDoesNotFit(TestRandom random) throws IOException {
        int n = random.between(1, 60);
        for (int i = 0; i < n; i++) {
            StringBuilder sb = new StringBuilder("topic");
            int words = random.between(0, 80);
            for (int w = 0; w < words; w++) sb.append(' ').append("w").append(random.nextInt(30));
            float[] v = new float[DIM];
            double norm = 0;
            for (int d = 0; d < DIM; d++) {
                v[d] = (float) random.nextGaussian();
                norm += v[d] * v[d];
            }
            for (int d = 0; d < DIM; d++) v[d] /= (float) Math.sqrt(norm);
            put(memory(sb.toString()).importance(random.nextDouble()), random.nextInt(5) == 0 ? null : v);
        }
        int budget = random.between(0, 400);
        int limit = random.between(1, 70);
        boolean mmr = random.nextBoolean();
        float[] qv = random.nextBoolean() ? axis(random.nextInt(DIM)) : null;
        RetrievalQuery q = new RetrievalQuery("topic w" + random.nextInt(30), limit, budget, null, NOW, null, mmr);
        RetrievalResult packed = retriever.retrieve(store, q, qv);
        assertTrue(packed.totalTokens() <= budget, "total " + packed.totalTokens() + " > budget " + budget);
        assertTrue(packed.memories().size() <= limit);
        assertEquals(packed.memories().stream().mapToInt(ScoredMemory::tokens).sum(), packed.totalTokens());
        // The same query without budget or limit gives the full order; packing walks it greedily:
        // a memory is left out only if it did not fit at its turn or the limit was reached. (With
        // MMR the order depends on what was packed, so only the bounds above apply.)
        List<ScoredMemory> ranked = retriever.retrieve(store, new RetrievalQuery(q.text(), 10_000, null, null, NOW, null, false), qv).memories();
        if (!mmr) {
            List<MemoryId> expected = new ArrayList<>();
            int used = 0;
            for (ScoredMemory m : ranked) {
                if (expected.size() == limit) break;
                if (used + m.tokens() > budget) continue;
                used += m.tokens();
                expected.add(m.memory().id());
            }
            assertEquals(expected, packed.memories().stream().map(m -> m.memory().id()).toList());
        }
        for (int i = 1; i < ranked.size(); i++) {
            assertTrue(ranked.get(i - 1).score() >= ranked.get(i).score(), "ranked by score");
        }
    }
}
