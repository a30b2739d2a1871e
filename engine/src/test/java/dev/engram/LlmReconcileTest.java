package dev.engram;

import static dev.engram.FakeModelServer.decision;
import static dev.engram.FakeModelServer.memory;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.engram.extraction.embed.OnnxEmbedder;
import dev.engram.extraction.extract.Candidate;
import dev.engram.extraction.extract.ExtractionRequest;
import dev.engram.extraction.extract.Extractor;
import dev.engram.extraction.extract.KnownMemory;
import dev.engram.extraction.extract.MemoryKind;
import dev.engram.extraction.extract.OpenAiCompatibleExtractor;
import dev.engram.extraction.extract.ReconcileAction;
import dev.engram.extraction.extract.ReconcileDecision;
import dev.engram.extraction.extract.Turn;
import dev.engram.memory.Memory;
import dev.engram.memory.MemoryStatus;
import dev.engram.memory.UserId;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reconciliation with the extractor's advice, through the public API: an {@link OpenAiCompatibleExtractor}
 * against a loopback fake model server (real HTTP, real JSON), plus in-process extractors whose advice
 * bypasses the LLM extractor's own parser, to prove the engine's checks stand on their own.
 */
class LlmReconcileTest {
    static final OnnxEmbedder embedder = TestEmbedder.get();
    static final UserId ALICE = UserId.of("alice");
    static final UserId BOB = UserId.of("bob");

    private final SimpleStoreAccess.Disk disk = new SimpleStoreAccess.Disk();
    private FakeModelServer server;
    private OpenAiCompatibleExtractor llm;

    @BeforeEach
    void start() throws IOException {
        server = new FakeModelServer();
        llm = server.extractor();
    }

    @AfterEach
    void stop() {
        llm.close();
        server.close();
    }

    private Engram open(Extractor extractor) {
        EngramOptions o = Engram.builder(Path.of("unused")).embedder(embedder).extractor(extractor).maxAttempts(3)
                .retryBackoff(Duration.ofMillis(1)).build();
        return Engram.open(o, sink -> SimpleStoreAccess.open(disk, sink), () -> disk.audit);
    }

    private static IngestionStatus say(Engram e, UserId user, String turnId, String text) {
        IngestionStatus s = e.ingest(IngestRequest.of(user, "s1", List.of(Message.user(text).withId(turnId))).waitingForApply()).status();
        assertEquals(IngestionStatus.State.APPLIED, s.state(), s.toString());
        return s;
    }

    private static List<Memory> active(Engram e, UserId user) {
        return e.list(ListRequest.of(user)).memories();
    }

    /** The extraction answer: one memory per turn, from {@code byText} (turn text → extraction JSON). */
    private void extracting(Map<String, String> byText) {
        server.onExtract(in -> {
            JsonNode t = in.path("new_turns").get(0);
            String answer = byText.get(t.path("text").asText());
            return answer != null ? answer : "{\"memories\": []}";
        });
    }

    private static String firstOfferedId(JsonNode in) {
        return in.path("existing_memories").get(0).path("id").asText();
    }

    @Test
    void modelSupersedeEndsTheOldVersionAndPointsToTheNew() throws IOException {
        // No slot key on the second candidate: the similarity rules alone would add a second memory.
        extracting(Map.of("I live in Paris.", memory("The user lives in Paris.", "FACT", "user.location", "t1", false),
                "I moved to Lisbon last month.", memory("The user lives in Lisbon.", "FACT", null, "t2", false)));
        server.onReconcile(in -> decision("SUPERSEDE", firstOfferedId(in), "The user lives in Lisbon (moved recently)."));
        try (Engram e = open(llm)) {
            say(e, ALICE, "t1", "I live in Paris.");
            assertEquals(0, server.reconcileInputs().size(), "nothing to reconcile against: no model call");
            Memory paris = active(e, ALICE).getFirst();
            say(e, ALICE, "t2", "I moved to Lisbon last month.");
            assertEquals(1, server.reconcileInputs().size());
            assertEquals(paris.id().toString(), firstOfferedId(server.reconcileInputs().getFirst()));

            List<Memory> live = active(e, ALICE);
            assertEquals(1, live.size(), live.toString());
            Memory lisbon = live.getFirst();
            assertEquals("The user lives in Lisbon (moved recently).", lisbon.content(), "the model's text is stored");
            assertEquals("user.location", lisbon.metadata().get("engram.slot"), "the successor takes the target's slot");
            List<Memory> history = e.history(ALICE, paris.id());
            assertEquals(2, history.size());
            Memory ended = history.get(1);
            assertEquals(MemoryStatus.SUPERSEDED, ended.status());
            assertNotNull(ended.validTo());
            assertEquals(lisbon.id(), ended.supersededBy());
            assertEquals(1L, e.reconcileOutcomes().get("model"));
        }
    }

    /** The same through the production store (WAL, segments, indexes) and a restart: the advice's versions are durable. */
    @Test
    void modelSupersedeOnTheRealStoreSurvivesARestart(@TempDir Path dir) throws IOException {
        extracting(Map.of("I live in Paris.", memory("The user lives in Paris.", "FACT", "user.location", "t1", false),
                "I moved to Lisbon last month.", memory("The user lives in Lisbon.", "FACT", null, "t2", false)));
        server.onReconcile(in -> decision("SUPERSEDE", firstOfferedId(in), "The user lives in Lisbon."));
        Memory paris;
        try (Engram e = Engram.builder(dir).embedder(embedder).extractor(llm).open()) {
            say(e, ALICE, "t1", "I live in Paris.");
            paris = active(e, ALICE).getFirst();
            say(e, ALICE, "t2", "I moved to Lisbon last month.");
            assertEquals(1L, e.reconcileOutcomes().get("model"));
        }
        try (Engram e = Engram.builder(dir).embedder(embedder).extractor(llm).open()) {
            List<Memory> live = active(e, ALICE);
            assertEquals(1, live.size(), live.toString());
            assertEquals("The user lives in Lisbon.", live.getFirst().content());
            assertEquals(live.getFirst().id(), e.get(ALICE, paris.id()).supersededBy());
            assertEquals(MemoryStatus.ACTIVE, e.get(ALICE, paris.id(), paris.createdAt()).status());
        }
    }

    @Test
    void modelNoopReinforcesAndAddsTheSource() throws IOException {
        extracting(Map.of("I love jazz.", memory("The user loves jazz.", "PREFERENCE", null, "t1", false),
                "Jazz is what I listen to most.", memory("The user mostly listens to jazz music.", "PREFERENCE", null, "t2", false)));
        server.onReconcile(in -> decision("NOOP", firstOfferedId(in), null));
        try (Engram e = open(llm)) {
            say(e, ALICE, "t1", "I love jazz.");
            Memory jazz = active(e, ALICE).getFirst();
            IngestionStatus second = say(e, ALICE, "t2", "Jazz is what I listen to most.");
            List<Memory> live = active(e, ALICE);
            assertEquals(1, live.size(), "the model said NOOP: no second memory " + live);
            Memory now = live.getFirst();
            assertEquals(jazz.id(), now.id());
            assertEquals(2, now.version());
            assertEquals("The user loves jazz.", now.content());
            assertEquals(List.of("t1", "t2"), now.source().turnIds());
            assertEquals(List.of(jazz.id()), second.memories());
            assertEquals(1L, e.reconcileOutcomes().get("model"));
        }
    }

    @Test
    void modelUpdateWritesANewVersionWithItsText() throws IOException {
        extracting(Map.of("I work at a bakery.", memory("The user works at a bakery.", "FACT", null, "t1", false),
                "I bake sourdough there on weekends.", memory("The user bakes sourdough on weekends.", "FACT", null, "t2", false)));
        server.onReconcile(in -> decision("UPDATE", firstOfferedId(in), "The user works at a bakery and bakes sourdough there on weekends."));
        try (Engram e = open(llm)) {
            say(e, ALICE, "t1", "I work at a bakery.");
            Memory bakery = active(e, ALICE).getFirst();
            say(e, ALICE, "t2", "I bake sourdough there on weekends.");
            List<Memory> live = active(e, ALICE);
            assertEquals(1, live.size(), live.toString());
            Memory now = live.getFirst();
            assertEquals(bakery.id(), now.id());
            assertEquals(2, now.version());
            assertEquals("The user works at a bakery and bakes sourdough there on weekends.", now.content());
            assertEquals(List.of("t1", "t2"), now.source().turnIds());
            // The new text was embedded: a query close to it finds it by its vector.
            Retrieval r = e.retrieve(RetrieveRequest.of(ALICE, "sourdough on weekends"));
            assertEquals(now.id(), r.memories().getFirst().memory().id());
            assertEquals(1L, e.reconcileOutcomes().get("model"));
        }
    }

    /** A later candidate of the same ingestion is offered the memory an earlier one just planned, and may supersede it. */
    @Test
    void adviceMayTargetAMemoryPlannedEarlierInTheSameIngestion() throws IOException {
        server.onExtract(in -> "{\"memories\": [" + item("The user lives in Porto.", "user.location") + ", "
                + item("The user lives in Braga.", "user.location") + "]}");
        server.onReconcile(in -> decision("SUPERSEDE", firstOfferedId(in), in.path("candidate").path("text").asText()));
        try (Engram e = open(llm)) {
            say(e, ALICE, "t2", "I lived in Porto, but now I live in Braga.");
            assertEquals(1, server.reconcileInputs().size(), "the first candidate had nothing to reconcile against");
            List<Memory> live = active(e, ALICE);
            assertEquals(1, live.size(), live.toString());
            assertEquals("The user lives in Braga.", live.getFirst().content());
            Memory porto = e.list(ListRequest.of(ALICE).status(MemoryStatus.SUPERSEDED)).memories().getFirst();
            assertEquals(live.getFirst().id(), porto.supersededBy());
            assertEquals(List.of(1L, 2L), e.history(ALICE, porto.id()).stream().map(m -> (long) m.version()).toList());
        }
    }

    /** Garbage, a made-up target, a target of a memory not offered: the rules decide, the ingestion applies. */
    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"not json at all", "{\"decisions\": []}", "UNKNOWN_TARGET", "{\"decisions\": [{\"action\": \"MERGE\"}]}"})
    void invalidAdviceFallsBackToTheRules(String answer) throws IOException {
        extracting(Map.of("I live in Paris.", memory("The user lives in Paris.", "FACT", "user.location", "t1", false),
                "I live in Lisbon now.", memory("The user lives in Lisbon.", "FACT", "user.location", "t2", false)));
        server.onReconcile(in -> answer.equals("UNKNOWN_TARGET") ? decision("UPDATE", "0000-not-a-memory", "The user lives in Rome.") : answer);
        try (Engram e = open(llm)) {
            say(e, ALICE, "t1", "I live in Paris.");
            say(e, ALICE, "t2", "I live in Lisbon now.");
            assertEquals(1, server.reconcileInputs().size());
            List<Memory> live = active(e, ALICE);
            assertEquals(1, live.size(), live.toString());
            assertEquals("The user lives in Lisbon.", live.getFirst().content(), "the rules superseded by slot");
            assertEquals(Map.of("rules", 1L, "fallback.malformed_output", 1L), e.reconcileOutcomes());
        }
    }

    @Test
    void aModelThatTimesOutLeavesTheDecisionToTheRulesAndIsNotAskedAgainInThatIngestion() throws IOException {
        server.onExtract(in -> {
            if (in.path("new_turns").get(0).path("text").asText().startsWith("I live in Paris")) {
                return memory("The user lives in Paris.", "FACT", "user.location", "t1", false);
            }
            return "{\"memories\": [" + item("The user lives in Lisbon.", "user.location") + ", "
                    + item("The user lives in Lisbon, Portugal.", "user.location") + "]}";
        });
        server.onReconcile(in -> null); // hangs: the extractor's request timeout fires
        try (Engram e = open(llm)) {
            say(e, ALICE, "t1", "I live in Paris.");
            say(e, ALICE, "t2", "I live in Lisbon now, in Portugal.");
            assertEquals(1, server.reconcileInputs().size(), "after a timeout the rest of the ingestion skips the model");
            List<Memory> live = active(e, ALICE);
            assertEquals(1, live.size(), live.toString());
            assertTrue(live.getFirst().content().contains("Lisbon"), live.toString());
            assertEquals(1L, e.reconcileOutcomes().get("fallback.timeout"));
            assertEquals(1L, e.reconcileOutcomes().get("fallback.model_unavailable"));
        }
    }

    private static String item(String text, String slot) {
        return "{\"text\": \"" + text + "\", \"kind\": \"FACT\", \"importance\": 0.6, \"event_time\": null, \"slot_key\": \""
                + slot + "\", \"source_turn_ids\": [\"t2\"], \"retraction\": false}";
    }

    /** The model names bob's memory while reconciling alice's candidate: the LLM extractor's parser refuses it. */
    @Test
    void theModelCannotReachAnotherUsersMemoryThroughTheLlmExtractor() throws IOException {
        extracting(Map.of("I like tea.", memory("The user likes tea.", "PREFERENCE", null, "t1", false),
                "I drink green tea every morning.", memory("The user drinks green tea every morning.", "PREFERENCE", null, "t2", false)));
        try (Engram e = open(llm)) {
            Memory bobs = e.add(BOB, NewMemory.of("The user likes coffee."));
            server.onReconcile(in -> decision("UPDATE", bobs.id().toString(), "The user drinks green tea every morning."));
            say(e, ALICE, "t1", "I like tea.");
            say(e, ALICE, "t2", "I drink green tea every morning.");
            for (JsonNode in : server.reconcileInputs()) {
                for (JsonNode offered : in.path("existing_memories")) {
                    assertTrue(!offered.path("id").asText().equals(bobs.id().toString()), "bob's memory was offered for alice");
                    e.get(ALICE, dev.engram.memory.MemoryId.parse(offered.path("id").asText())); // alice's, or NotFoundException
                }
            }
            assertEquals(List.of(bobs), e.history(BOB, bobs.id()), "bob's memory untouched");
            assertEquals(1L, e.reconcileOutcomes().get("fallback.malformed_output"));
            assertEquals(2, active(e, ALICE).size(), "alice's ingestions applied by the rules");
        }
    }

    /** An extractor answering without a parser in between: the engine's own check refuses the foreign id. */
    @Test
    void theEngineRefusesAnotherUsersMemoryEvenWhenAnExtractorNamesIt() {
        List<List<KnownMemory>> offeredSeen = new ArrayList<>();
        Memory[] bobs = new Memory[1];
        Scripted x = new Scripted((c, offered) -> {
            offeredSeen.add(offered);
            return List.of(new ReconcileDecision(ReconcileAction.UPDATE, bobs[0].id().toString(), "The user likes green tea."));
        });
        try (Engram e = open(x)) {
            bobs[0] = e.add(BOB, NewMemory.of("The user likes coffee."));
            say(e, ALICE, "t1", "I like tea.");
            say(e, ALICE, "t2", "I drink green tea daily.");
            assertEquals(1, offeredSeen.size());
            assertTrue(offeredSeen.getFirst().stream().noneMatch(k -> k.id().equals(bobs[0].id().toString())));
            assertEquals(List.of(bobs[0]), e.history(BOB, bobs[0].id()));
            assertEquals(1L, e.reconcileOutcomes().get("fallback.unknown_target"));
            assertEquals(2, active(e, ALICE).size());
        }
    }

    @Test
    void adviceThatWouldLeaveTwoActiveMemoriesInOneSlotIsRefused() {
        Scripted x = new Scripted((c, offered) -> List.of(new ReconcileDecision(ReconcileAction.ADD, null, c.text())));
        x.slot = "user.location";
        try (Engram e = open(x)) {
            say(e, ALICE, "t1", "I live in Paris.");
            say(e, ALICE, "t2", "My home is now a small village near Lisbon, Portugal.");
            List<Memory> live = active(e, ALICE);
            assertEquals(1, live.size(), live.toString());
            assertEquals("The user says: My home is now a small village near Lisbon, Portugal.", live.getFirst().content());
            assertEquals(1L, e.reconcileOutcomes().get("fallback.slot_conflict"));
        }
    }

    @Test
    void deleteAdviceDeletesOnlyWhenTheTurnAsksToForget() {
        Scripted x = new Scripted((c, offered) -> c.retraction()
                ? List.of(new ReconcileDecision(ReconcileAction.DELETE, offered.getFirst().id(), null)) : List.of());
        try (Engram e = open(x)) {
            say(e, ALICE, "t1", "I play the guitar.");
            Memory guitar = active(e, ALICE).getFirst();
            x.retract = true;
            say(e, ALICE, "t2", "I play the guitar no more.");
            assertEquals(List.of(), active(e, ALICE));
            Memory ended = e.get(ALICE, guitar.id());
            assertEquals(MemoryStatus.SUPERSEDED, ended.status(), "not a forget: validity ended, history kept");
            assertNotNull(ended.validTo());
            assertNull(ended.supersededBy());

            x.retract = false;
            say(e, ALICE, "t3", "I play the piano.");
            Memory piano = active(e, ALICE).getFirst();
            x.retract = true;
            say(e, ALICE, "t4", "Please forget that I play the piano.");
            assertThrows(NotFoundException.class, () -> e.get(ALICE, piano.id()), "an explicit forget deletes");
            assertEquals(2L, e.reconcileOutcomes().get("model"));
        }
    }

    @Test
    void theRuleBasedExtractorGivesNoAdvice() {
        try (Engram e = open(new dev.engram.extraction.extract.RuleBasedExtractor())) {
            say(e, ALICE, "t1", "I live in Paris.");
            say(e, ALICE, "t2", "I live in Lisbon now.");
            assertEquals(List.of("rules"), List.copyOf(e.reconcileOutcomes().keySet()));
        }
    }

    /** One candidate per turn ("The user says: <turn>"), and advice from a function. */
    static final class Scripted implements Extractor {
        private final BiFunction<Candidate, List<KnownMemory>, List<ReconcileDecision>> advice;
        volatile boolean retract;
        volatile String slot;

        Scripted(BiFunction<Candidate, List<KnownMemory>, List<ReconcileDecision>> advice) {
            this.advice = advice;
        }

        @Override
        public String id() {
            return "scripted";
        }

        @Override
        public List<Candidate> extract(ExtractionRequest request) {
            List<Candidate> out = new ArrayList<>();
            for (Turn t : request.newTurns()) {
                String text = retract ? "The user plays an instrument." : "The user says: " + t.content();
                out.add(new Candidate(text, MemoryKind.FACT, 0.5, null, slot, List.of(t.id()), retract));
            }
            return out;
        }

        @Override
        public List<ReconcileDecision> reconcile(Candidate candidate, List<KnownMemory> existing) {
            return advice.apply(candidate, existing);
        }
    }
}
