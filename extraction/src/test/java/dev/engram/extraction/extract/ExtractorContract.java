package dev.engram.extraction.extract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Extractor} promises; each implementation's test extends this suite.
 */
abstract class ExtractorContract {

    static final Instant T = Instant.parse("2023-05-08T13:56:00Z");

    /** The extractor under test. */
    protected abstract Extractor extractor();

    static Turn user(String id, String text) {
        return Turn.user(id, text, T);
    }

    @Test
    void hasAnId() {
        assertFalse(extractor().id().isBlank());
    }

    @Test
    void anEmptyRequestYieldsNothing() {
        assertEquals(List.of(), extractor().extract(ExtractionRequest.of(List.of())));
    }

    @Test
    void reconcileRejectsNulls() {
        var c = new Candidate("The user likes tea.", MemoryKind.PREFERENCE, 0.5, null, null, List.of("t1"), false);
        assertThrows(NullPointerException.class, () -> extractor().reconcile(null, List.of()));
        assertThrows(NullPointerException.class, () -> extractor().reconcile(c, null));
    }

    @Test
    void aNullRequestIsRejected() {
        assertThrows(NullPointerException.class, () -> extractor().extract(null));
    }

    @Test
    void greetingsAndQuestionsYieldNothing() {
        var request = ExtractionRequest.of(List.of(user("g1", "Hi there!"), user("g2", "How are you today?"), user("g3", "ok thanks")));
        assertEquals(List.of(), extractor().extract(request));
    }

    @Test
    void aFactualTurnYieldsAWellFormedCandidateCitingIt() {
        var request = ExtractionRequest.of(List.of(user("a1", "Hello!"), user("a2", "I live in Lisbon and I work as a nurse.")),
                List.of(user("r1", "My name is Ana.")));
        List<Candidate> got = extractor().extract(request);
        assertFalse(got.isEmpty(), "a first-person fact must yield a candidate");
        assertTrue(got.stream().anyMatch(c -> c.text().contains("Lisbon")), got.toString());
        for (Candidate c : got) {
            assertEquals(List.of("a2"), c.sourceTurnIds(), "only the turn that said it: " + c);
            assertTrue(c.importance() >= 0 && c.importance() <= 1);
            assertFalse(c.text().isBlank());
        }
    }

    @Test
    void candidatesCiteOnlyTurnsOfTheRequest() {
        var request = ExtractionRequest.of(List.of(user("n1", "I adopted a cat named Miso last weekend."),
                user("n2", "I'm allergic to peanuts.")), List.of(user("old", "I love jazz.")));
        Set<String> ids = Set.of("n1", "n2");
        for (Candidate c : extractor().extract(request)) {
            assertTrue(ids.containsAll(c.sourceTurnIds()), c.toString());
        }
    }

    @Test
    void isSafeToCallFromManyThreads() throws Exception {
        List<ExtractionRequest> requests = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            requests.add(ExtractionRequest.of(List.of(user("t" + i, "I moved to Porto " + (i + 2) + " weeks ago and I love it there."))));
        }
        Extractor extractor = extractor();
        List<List<Candidate>> sequential = new ArrayList<>();
        for (ExtractionRequest r : requests) {
            sequential.add(extractor.extract(r));
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<List<Candidate>>> futures = new ArrayList<>();
            for (ExtractionRequest r : requests) {
                futures.add(pool.submit(() -> extractor.extract(r)));
            }
            for (int i = 0; i < requests.size(); i++) {
                assertEquals(sequential.get(i), futures.get(i).get());
            }
        }
    }
}
