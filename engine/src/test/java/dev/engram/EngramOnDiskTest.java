package dev.engram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.extraction.embed.OnnxEmbedder;
import dev.engram.extraction.extract.Candidate;
import dev.engram.extraction.extract.ExtractionRequest;
import dev.engram.extraction.extract.Extractor;
import dev.engram.extraction.extract.RuleBasedExtractor;
import dev.engram.memory.Memory;
import dev.engram.memory.UserId;
import dev.engram.wal.Durability;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded API on the real WAL-backed store in a temporary directory, across restarts. */
class EngramOnDiskTest {
    static final OnnxEmbedder embedder = TestEmbedder.get();
    static final UserId ALICE = UserId.of("alice");

    @TempDir
    Path dir;

    private Engram open(Extractor extractor) {
        return Engram.builder(dir).embedder(embedder).extractor(extractor).durability(Durability.SYNC)
                .consistencyTimeout(Duration.ofSeconds(30)).open();
    }

    @Test
    void ingestionsLeftPendingAtCloseAreAppliedAfterReopen() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        RuleBasedExtractor rules = new RuleBasedExtractor();
        Extractor gated = new Extractor() {
            public String id() { return "gated"; }
            public List<Candidate> extract(ExtractionRequest r) {
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return rules.extract(r);
            }
        };
        List<String> ids = new ArrayList<>();
        Engram first = open(gated);
        String[] facts = {"I live in Paris.", "I have a cat named Leo.", "I am allergic to peanuts.", "I work as a nurse."};
        for (String f : facts) ids.add(first.ingest(IngestRequest.of(ALICE, "s1", List.of(Message.user(f)))).ingestionId());
        assertTrue(first.pendingIngestions() > 0);
        Thread closer = Thread.ofPlatform().start(first::close); // waits for the worker stuck in the extractor
        Thread.sleep(200);
        gate.countDown();
        closer.join();
        try (Engram e = open(new RuleBasedExtractor())) {
            e.retrieve(RetrieveRequest.of(ALICE, "anything").sessionConsistent());
            for (String id : ids) assertEquals(IngestionStatus.State.APPLIED, e.ingestion(ALICE, id).state(), id);
            List<Memory> live = e.list(ListRequest.of(ALICE)).memories();
            assertEquals(facts.length, live.size(), live.toString());
            for (Memory m : live) assertEquals(1, e.history(ALICE, m.id()).size(), "applied twice? " + m);
        }
        try (Engram e = open(new RuleBasedExtractor())) { // and nothing more on a further restart
            e.retrieve(RetrieveRequest.of(ALICE, "anything").sessionConsistent());
            assertEquals(facts.length, e.list(ListRequest.of(ALICE)).memories().size());
            assertTrue(e.retrieve(RetrieveRequest.of(ALICE, "Where does the user live?")).memories().getFirst()
                    .memory().content().contains("Paris"));
        }
    }

    @Test
    void idempotencyKeysAndDuplicateTurnsSurviveRestart() {
        String id;
        try (Engram e = open(new RuleBasedExtractor())) {
            id = e.ingest(IngestRequest.of(ALICE, "s1", List.of(Message.user("I have a dog named Rex.")))
                    .withIdempotencyKey("req-1").waitingForApply()).ingestionId();
        }
        try (Engram e = open(new RuleBasedExtractor())) {
            IngestReceipt again = e.ingest(IngestRequest.of(ALICE, "s1", List.of(Message.user("I have a dog named Rex.")))
                    .withIdempotencyKey("req-1"));
            assertTrue(again.replayed());
            assertEquals(id, again.ingestionId());
            IngestReceipt dup = e.ingest(IngestRequest.of(ALICE, "s1", List.of(Message.user("I have a dog named Rex.")))
                    .waitingForApply());
            assertEquals(1, dup.status().duplicates());
            assertEquals(1, e.list(ListRequest.of(ALICE)).memories().size());
        }
    }
}
