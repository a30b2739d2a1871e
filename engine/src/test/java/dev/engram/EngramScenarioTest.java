package dev.engram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.extraction.embed.OnnxEmbedder;
import dev.engram.extraction.extract.Candidate;
import dev.engram.extraction.extract.ExtractionException;
import dev.engram.extraction.extract.ExtractionRequest;
import dev.engram.extraction.extract.Extractor;
import dev.engram.extraction.extract.RuleBasedExtractor;
import dev.engram.memory.Memory;
import dev.engram.memory.MemoryStatus;
import dev.engram.memory.MemoryType;
import dev.engram.memory.UserId;
import dev.engram.memory.ValidationException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** End-to-end scenarios through the public API (real embedder, rule-based extractor, a WAL-less test store). */
class EngramScenarioTest {
    static final OnnxEmbedder embedder = TestEmbedder.get();
    static final UserId ALICE = UserId.of("alice");
    static final UserId BOB = UserId.of("bob");

    private final SimpleStoreAccess.Disk disk = new SimpleStoreAccess.Disk();
    private SimpleStoreAccess last;

    private Engram open(Extractor extractor, int queue, int attempts) {
        EngramOptions o = Engram.builder(Path.of("unused")).embedder(embedder).extractor(extractor).queueCapacity(queue)
                .maxAttempts(attempts).retryBackoff(Duration.ofMillis(1)).build();
        return Engram.open(o, sink -> last = SimpleStoreAccess.open(disk, sink), () -> disk.audit);
    }

    private Engram open() {
        return open(new RuleBasedExtractor(), 1000, 3);
    }

    private static IngestReceipt say(Engram e, UserId user, String text) {
        return e.ingest(IngestRequest.of(user, "s1", List.of(Message.user(text))).waitingForApply());
    }

    private static List<Memory> active(Engram e, UserId user) {
        return e.list(ListRequest.of(user)).memories();
    }

    @Test
    void laterFactSupersedesEarlierAndWinsRetrieval() {
        try (Engram e = open()) {
            IngestReceipt first = say(e, ALICE, "I live in Paris.");
            assertEquals(IngestionStatus.State.APPLIED, first.status().state());
            say(e, ALICE, "I live in Lisbon now.");
            List<Memory> live = active(e, ALICE);
            assertEquals(1, live.stream().filter(m -> m.content().contains("Lisbon")).count(), live.toString());
            assertTrue(live.stream().noneMatch(m -> m.content().contains("Paris")), "superseded memory still ACTIVE: " + live);
            Retrieval r = e.retrieve(RetrieveRequest.of(ALICE, "Where does the user live?"));
            assertTrue(r.memories().getFirst().memory().content().contains("Lisbon"), r.toString());
            assertTrue(r.memories().stream().noneMatch(m -> m.memory().content().contains("Paris")));
            Memory paris = e.list(ListRequest.of(ALICE).status(MemoryStatus.SUPERSEDED)).memories().getFirst();
            assertTrue(paris.content().contains("Paris"));
            assertEquals(live.stream().filter(m -> m.content().contains("Lisbon")).findFirst().orElseThrow().id(), paris.supersededBy());
            List<Memory> history = e.history(ALICE, paris.id());
            assertEquals(2, history.size());
            assertEquals(MemoryStatus.ACTIVE, history.get(0).status());
            // asOf before the correction: Paris was what was known then.
            Instant before = history.get(0).createdAt();
            assertEquals(MemoryStatus.ACTIVE, e.get(ALICE, paris.id(), before).status());
        }
    }

    @Test
    void paraphraseIsNotStoredTwice() {
        try (Engram e = open()) {
            say(e, ALICE, "I am vegetarian.");
            say(e, ALICE, "I'm a vegetarian.");
            List<Memory> live = active(e, ALICE);
            assertEquals(1, live.size(), live.toString());
        }
    }

    @Test
    void correctionIsVisibleWithSessionConsistency() {
        try (Engram e = open()) {
            e.ingest(IngestRequest.of(ALICE, "s1", List.of(Message.user("I work at Initech."))));
            e.ingest(IngestRequest.of(ALICE, "s1", List.of(Message.user("Actually, it's Globex Corp."))));
            Retrieval r = e.retrieve(RetrieveRequest.of(ALICE, "Where does the user work?").sessionConsistent());
            assertTrue(r.memories().getFirst().memory().content().contains("Globex"), r.toString());
            assertTrue(r.memories().stream().noneMatch(m -> m.memory().content().contains("Initech")), r.toString());
        }
    }

    @Test
    void budgetIsNeverExceededAndFiltersHold() {
        try (Engram e = open()) {
            for (int i = 0; i < 30; i++) {
                e.add(ALICE, NewMemory.of("Fact number " + i + " about gardening and tomatoes " + "x".repeat(i * 7))
                        .type(i % 3 == 0 ? MemoryType.PREFERENCE : MemoryType.FACT));
            }
            Random random = new Random(42);
            for (int i = 0; i < 50; i++) {
                int budget = 1 + random.nextInt(400);
                Retrieval r = e.retrieve(RetrieveRequest.of(ALICE, "gardening").limit(30).tokenBudget(budget));
                assertTrue(r.totalTokens() <= budget, "budget " + budget + " got " + r.totalTokens());
                assertEquals(r.totalTokens(), r.memories().stream().mapToInt(RetrievedMemory::tokens).sum());
            }
            Retrieval prefs = e.retrieve(RetrieveRequest.of(ALICE, "gardening").limit(30).types(Set.of(MemoryType.PREFERENCE)));
            assertEquals(10, prefs.memories().size());
            assertTrue(prefs.memories().stream().allMatch(m -> m.memory().type() == MemoryType.PREFERENCE));
            String context = e.context(ALICE, "gardening", 60, "Be brief.");
            assertTrue(PromptContext.tokens(context) <= 60, context);
            assertTrue(context.startsWith("Be brief.\n\n" + PromptContext.HEADING), context);
        }
    }

    @Test
    void usersNeverSeeEachOthersMemories() {
        try (Engram e = open()) {
            say(e, ALICE, "I live in Paris.");
            say(e, BOB, "I live in Oslo.");
            Retrieval r = e.retrieve(RetrieveRequest.of(BOB, "Where does the user live? Paris?").limit(50));
            assertTrue(r.memories().stream().allMatch(m -> m.memory().user().equals(BOB)));
            assertTrue(r.memories().stream().noneMatch(m -> m.memory().content().contains("Paris")));
            assertTrue(e.retrieve(RetrieveRequest.of(UserId.of("nobody"), "Paris")).memories().isEmpty());
        }
    }

    @Test
    void failingExtractorIsRetriedThenFailedVisibly() {
        AtomicInteger calls = new AtomicInteger();
        Extractor broken = new Extractor() {
            public String id() { return "broken"; }
            public List<Candidate> extract(ExtractionRequest r) {
                calls.incrementAndGet();
                throw new ExtractionException(ExtractionException.Reason.TRANSPORT, "connection refused");
            }
        };
        try (Engram e = open(broken, 100, 3)) {
            IngestReceipt r = say(e, ALICE, "I live in Paris.");
            assertEquals(IngestionStatus.State.FAILED, r.status().state());
            assertEquals(3, r.status().attempts());
            assertTrue(r.status().error().contains("connection refused"));
            assertEquals(3, calls.get());
            assertEquals(IngestionStatus.State.FAILED, e.ingestion(ALICE, r.ingestionId()).state());
        }
    }

    @Test
    void flakyExtractorSucceedsOnRetry() {
        AtomicInteger calls = new AtomicInteger();
        RuleBasedExtractor rules = new RuleBasedExtractor();
        Extractor flaky = new Extractor() {
            public String id() { return "flaky"; }
            public List<Candidate> extract(ExtractionRequest r) {
                if (calls.incrementAndGet() < 3) throw new ExtractionException(ExtractionException.Reason.SERVER_ERROR, "503");
                return rules.extract(r);
            }
        };
        try (Engram e = open(flaky, 100, 5)) {
            IngestReceipt r = say(e, ALICE, "I live in Paris.");
            assertEquals(IngestionStatus.State.APPLIED, r.status().state());
            assertEquals(3, r.status().attempts());
            assertEquals(1, active(e, ALICE).size());
        }
    }

    @Test
    void crashDuringExtractionIsAppliedExactlyOnceAfterRestart() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        RuleBasedExtractor rules = new RuleBasedExtractor();
        Extractor stuck = new Extractor() {
            public String id() { return "stuck"; }
            public List<Candidate> extract(ExtractionRequest r) {
                entered.countDown();
                try {
                    never.await();
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
                return rules.extract(r);
            }
        };
        Engram crashed = open(stuck, 100, 3);
        String id = crashed.ingest(IngestRequest.of(ALICE, "s1", List.of(Message.user("I live in Paris.")))).ingestionId();
        assertTrue(entered.await(10, java.util.concurrent.TimeUnit.SECONDS));
        last.kill(); // the process dies mid-extraction: nothing after this point reaches the disk
        never.countDown();
        try (Engram e = open()) {
            assertTrue(e.retrieve(RetrieveRequest.of(ALICE, "where").sessionConsistent()) != null);
            assertEquals(IngestionStatus.State.APPLIED, e.ingestion(ALICE, id).state());
            assertEquals(1, active(e, ALICE).size(), active(e, ALICE).toString());
        }
        try (Engram e = open()) { // a second restart replays the event again: still applied once
            e.retrieve(RetrieveRequest.of(ALICE, "where").sessionConsistent());
            assertEquals(1, active(e, ALICE).size());
            assertEquals(1, e.history(ALICE, active(e, ALICE).getFirst().id()).size());
        }
    }

    @Test
    void idempotencyKeyAndDuplicateTurns() {
        try (Engram e = open()) {
            IngestRequest req = IngestRequest.of(ALICE, "s1", List.of(Message.user("I have a cat named Leo."))).withIdempotencyKey("k1");
            IngestReceipt a = e.ingest(req.waitingForApply());
            IngestReceipt b = e.ingest(req);
            assertEquals(a.ingestionId(), b.ingestionId());
            assertTrue(b.replayed());
            assertFalse(a.replayed());
            assertEquals(1, disk.events.size());
            IngestReceipt c = say(e, ALICE, "I have a cat named Leo.");
            assertNotEquals(a.ingestionId(), c.ingestionId());
            assertEquals(1, c.status().duplicates());
            assertEquals(1, active(e, ALICE).size());
        }
    }

    @Test
    void badInputIsRejectedAndNothingIsWritten() {
        try (Engram e = open()) {
            List<Message> many = java.util.Collections.nCopies(101, Message.user("hi"));
            assertThrows(ValidationException.class, () -> e.ingest(IngestRequest.of(ALICE, "s", many)));
            assertThrows(ValidationException.class, () -> e.ingest(IngestRequest.of(ALICE, "s", List.of(Message.user("x".repeat(40_000))))));
            assertThrows(ValidationException.class, () -> IngestRequest.of(ALICE, "s", List.of()));
            assertThrows(ValidationException.class, () -> Message.user("nul\0byte"));
            assertThrows(ValidationException.class, () -> RetrieveRequest.of(ALICE, " "));
            assertThrows(ValidationException.class, () -> RetrieveRequest.of(ALICE, "q").limit(0));
            assertThrows(ValidationException.class, () -> e.add(ALICE, NewMemory.of("ok").importance(2)));
            assertEquals(0, disk.events.size());
            assertTrue(active(e, ALICE).isEmpty());
            assertThrows(NotFoundException.class, () -> e.ingestion(ALICE, "nope"));
        }
    }

    @Test
    void fullQueueIsRefusedWithOverloaded() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Extractor slow = new Extractor() {
            public String id() { return "slow"; }
            public List<Candidate> extract(ExtractionRequest r) {
                try {
                    release.await();
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
                return List.of();
            }
        };
        try (Engram e = open(slow, 2, 1)) {
            e.ingest(IngestRequest.of(ALICE, "s", List.of(Message.user("one"))));
            e.ingest(IngestRequest.of(ALICE, "s", List.of(Message.user("two"))));
            OverloadedException x = assertThrows(OverloadedException.class,
                    () -> e.ingest(IngestRequest.of(ALICE, "s", List.of(Message.user("three")))));
            assertTrue(x.retryAfter().toMillis() > 0);
            assertEquals(2, disk.events.size());
            release.countDown();
        }
    }

    @Test
    void directAddUpdateDeleteAndHistory() {
        try (Engram e = open()) {
            Memory m = e.add(ALICE, NewMemory.of("The user's dog is called Rex.").categories(Set.of("pets")));
            Memory m2 = e.update(ALICE, m.id(), MemoryUpdate.content("The user's dog is called Rex; he is a beagle."));
            assertEquals(2, m2.version());
            assertEquals(2, e.history(ALICE, m.id()).size());
            assertEquals(m2, e.get(ALICE, m.id()));
            assertEquals(m.content(), e.get(ALICE, m.id(), m.createdAt()).content());
            assertEquals(1, e.list(ListRequest.of(ALICE).category("pets")).memories().size());
            assertTrue(e.delete(ALICE, m.id()));
            assertFalse(e.delete(ALICE, m.id()));
            assertThrows(NotFoundException.class, () -> e.get(ALICE, m.id()));
            assertThrows(NotFoundException.class, () -> e.get(BOB, m.id()));
            assertTrue(e.retrieve(RetrieveRequest.of(ALICE, "dog")).memories().isEmpty());
        }
    }

    @Test
    void everyCallIsAuditedWithoutContent() throws Exception {
        try (Engram e = open()) {
            say(e, ALICE, "I live in Paris.");
            Memory m = e.add(ALICE, NewMemory.of("The user's dog is called Rex."));
            ScopedValue.where(Engram.ACTOR, "app:support").call(() -> e.retrieve(RetrieveRequest.of(ALICE, "dog")));
            e.delete(ALICE, m.id());
            e.add(BOB, NewMemory.of("Bob likes tea."));
            List<AuditRecord> alice = e.audit(ALICE, 100);
            assertEquals(List.of("INGEST", "ADD", "SEARCH", "DELETE"), alice.stream().map(AuditRecord::action).toList());
            assertEquals("app:support", alice.get(2).actor());
            assertEquals("embedded", alice.get(0).actor());
            assertEquals(1L, alice.get(0).counts().get("turns"));
            assertTrue(alice.stream().allMatch(r -> r.subject().equals(e.auditPseudonym(ALICE))));
            assertEquals(5, e.audit(null, 100).size());
            assertEquals(null, e.verifyAudit());
            assertTrue(alice.toString().indexOf("Paris") < 0 && alice.toString().indexOf("alice") < 0, alice.toString());
        }
    }

    @Test
    void retrievalsAreCountedAndTheCountsSurviveARestart() {
        Memory m;
        try (Engram e = open()) {
            m = e.add(ALICE, NewMemory.of("The user's dog is called Rex."));
            assertEquals(0, e.get(ALICE, m.id()).accessCount());
            e.retrieve(RetrieveRequest.of(ALICE, "dog"));
            Retrieval r = e.retrieve(RetrieveRequest.of(ALICE, "dog"));
            assertEquals(2, r.memories().getFirst().memory().accessCount());
            assertEquals(2, e.get(ALICE, m.id()).accessCount());
            assertTrue(e.get(ALICE, m.id()).lastAccess() != null);
            assertEquals(1, e.history(ALICE, m.id()).size(), "counting must not write versions");
        }
        try (Engram e = open()) { // written at close as a journal note
            assertEquals(2, e.get(ALICE, m.id()).accessCount());
            e.retrieve(RetrieveRequest.of(ALICE, "dog"));
            assertEquals(3, e.list(ListRequest.of(ALICE)).memories().getFirst().accessCount());
        }
    }

    @Test
    void closedEngineRefusesCalls() {
        Engram e = open();
        e.close();
        e.close();
        assertThrows(EngramClosedException.class, () -> e.retrieve(RetrieveRequest.of(ALICE, "x")));
    }
}
