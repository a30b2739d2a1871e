package dev.engram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.extraction.embed.OnnxEmbedder;
import dev.engram.internal.lifecycle.Consolidator;
import dev.engram.internal.lifecycle.MemoryNdjson;
import dev.engram.memory.Memory;
import dev.engram.memory.MemoryId;
import dev.engram.memory.MemoryStatus;
import dev.engram.memory.MemoryType;
import dev.engram.memory.Source;
import dev.engram.memory.UserId;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Consolidation through the public API, on disk: merges, episode summaries, history, export, retrieval, re-runs, restarts. */
class EngramConsolidationTest {
    static final OnnxEmbedder embedder = TestEmbedder.get();
    static final UserId ALICE = UserId.of("alice");
    static final UserId BOB = UserId.of("bob");
    static final Instant T0 = Instant.parse("2023-07-01T00:00:00Z");
    static final Instant MAY1 = Instant.parse("2023-05-01T09:00:00Z");

    @TempDir
    Path dir;

    static final class TestClock extends Clock {
        volatile Instant now = T0;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    final TestClock clock = new TestClock();
    private final MemoryId.Generator ids = new MemoryId.Generator(new Random(5));
    private long millis = MAY1.toEpochMilli();

    private EngramOptions.Builder builder() {
        return Engram.builder(dir).embedder(embedder).clock(clock).sweepPeriod(Duration.ZERO)
                .consolidation(Duration.ZERO, Duration.ofDays(7), 3).episodeSimilarity(0.70).consistencyTimeout(Duration.ofSeconds(30));
    }

    private Memory memory(UserId user, String content, MemoryType type, Instant eventTime, Set<String> categories, double importance,
                          String... turns) {
        millis += 1000;
        return Memory.builder().id(ids.next(millis)).user(user).content(content).type(type).eventTime(eventTime)
                .categories(categories).importance(importance).source(new Source("s1", List.of(turns), "rules", null))
                .createdAt(Instant.ofEpochMilli(millis)).embeddingModelId(embedder.modelId()).build();
    }

    private static void load(Engram e, UserId user, List<Memory> memories) {
        StringBuilder b = new StringBuilder();
        for (Memory m : memories) b.append(MemoryNdjson.line(m)).append('\n');
        e.importUser(user, new ByteArrayInputStream(b.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /** The history Alice's agent built: a repeated fact, a three-event trip, unrelated things. */
    private record History(Memory dogA, Memory dogB, List<Memory> trip, Memory bread, Memory july, Memory home) {
        List<Memory> all() {
            List<Memory> l = new ArrayList<>(List.of(dogA, dogB));
            l.addAll(trip);
            l.addAll(List.of(bread, july, home));
            return l;
        }
    }

    private History history(UserId user) {
        Memory dogA = memory(user, "Alice has a golden retriever named Biscuit.", MemoryType.FACT, null, Set.of("pets"), 0.5, "t1");
        Memory dogB = memory(user, "Alice has a golden retriever named Biscuit", MemoryType.FACT, null, Set.of("dogs"), 0.8, "t7");
        List<Memory> trip = List.of(
                memory(user, "Alice flew to Lisbon for the data engineering conference.", MemoryType.EVENT, MAY1, Set.of("travel"), 0.6, "t2"),
                memory(user, "Alice gave her talk at the data engineering conference in Lisbon.", MemoryType.EVENT,
                        MAY1.plus(Duration.ofDays(1)), Set.of("work"), 0.7, "t3"),
                memory(user, "After the Lisbon conference Alice toured the Belem tower.", MemoryType.EVENT,
                        MAY1.plus(Duration.ofDays(2)), Set.of(), 0.4, "t4"));
        Memory bread = memory(user, "Alice baked sourdough bread.", MemoryType.EVENT, MAY1.plus(Duration.ofDays(1)), Set.of(), 0.3, "t5");
        Memory july = memory(user, "Alice flew to Lisbon again for a wedding.", MemoryType.EVENT, MAY1.plus(Duration.ofDays(70)),
                Set.of(), 0.5, "t8");
        Memory home = memory(user, "Alice lives in Denver.", MemoryType.FACT, null, Set.of(), 0.5, "t6");
        History h = new History(dogA, dogB, trip, bread, july, home);
        return h;
    }

    private static Memory summaryOf(Engram e, UserId user) {
        List<Memory> s = e.list(ListRequest.of(user).type(MemoryType.EVENT).limit(100)).memories().stream()
                .filter(m -> Consolidator.SUMMARY.equals(m.metadata().get(Consolidator.KIND))).toList();
        assertEquals(1, s.size(), "summaries: " + s);
        return s.getFirst();
    }

    @Test
    void mergesNearDuplicatesAndFoldsAnEpisodeKeepingHistoryExportAndRetrieval() {
        try (Engram e = builder().open()) {
            History h = history(ALICE);
            load(e, ALICE, h.all());
            load(e, BOB, List.of(memory(BOB, "Bob flew to Lisbon for the data engineering conference.", MemoryType.EVENT, MAY1,
                    Set.of(), 0.5, "b1")));
            ConsolidationReport r = e.consolidate(ALICE);
            assertEquals(1, r.users());
            assertEquals(2, r.clusters(), r.toString());
            assertEquals(1, r.merged());
            assertEquals(3, r.summarized());
            assertEquals(1, r.summaries());
            assertEquals(8, r.memoriesBefore());
            assertEquals(8 - 1 - 3 + 1, r.memoriesAfter());
            assertEquals(0, r.conflicts());

            // The duplicate: the longer text is kept with both sources, both categories, the higher importance.
            Memory kept = e.get(ALICE, h.dogA().id());
            assertEquals(MemoryStatus.ACTIVE, kept.status());
            assertEquals(2, kept.version());
            assertEquals(List.of("t1", "t7"), kept.source().turnIds());
            assertEquals(Set.of("dogs", "pets"), kept.categories());
            assertEquals(0.8, kept.importance());
            Memory gone = e.get(ALICE, h.dogB().id());
            assertEquals(MemoryStatus.SUPERSEDED, gone.status());
            assertEquals(h.dogA().id(), gone.supersededBy());

            // The episode: one summary with every source's text, its turns and ids; the sources point to it.
            Memory summary = summaryOf(e, ALICE);
            assertEquals(MemoryStatus.ACTIVE, summary.status());
            assertEquals(MAY1, summary.eventTime());
            assertEquals(List.of("t2", "t3", "t4"), summary.source().turnIds());
            assertEquals(Consolidator.EXTRACTOR_ID, summary.source().extractorId());
            assertEquals(0.7, summary.importance());
            assertEquals(Set.of("travel", "work"), summary.categories());
            List<String> sourceIds = List.of(summary.metadata().get(Consolidator.SOURCES).split(","));
            assertEquals(h.trip().stream().map(m -> m.id().toString()).toList(), sourceIds);
            assertTrue(summary.content().startsWith("On 2023-05-01: "), summary.content());
            for (Memory m : h.trip()) {
                assertTrue(summary.content().contains(m.content()), summary.content() + " lacks " + m.content());
                List<Memory> versions = e.history(ALICE, m.id());
                assertEquals(2, versions.size());
                assertEquals(m, versions.get(0), "the original version is kept as it was");
                assertEquals(MemoryStatus.SUPERSEDED, versions.get(1).status());
                assertEquals(summary.id(), versions.get(1).supersededBy());
                assertEquals(T0, versions.get(1).validTo());
            }
            for (Memory m : List.of(h.bread(), h.july(), h.home())) assertEquals(MemoryStatus.ACTIVE, e.get(ALICE, m.id()).status());

            // Export still holds every memory (current versions) and every original text (all versions).
            ByteArrayOutputStream current = new ByteArrayOutputStream();
            assertEquals(h.all().size() + 1, e.export(ALICE, false, current));
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            e.export(ALICE, true, all);
            String text = all.toString(StandardCharsets.UTF_8);
            for (Memory m : h.all()) assertTrue(text.contains(MemoryNdjson.line(m)), "export lacks the original of " + m.id());

            // Retrieval still finds each fact; as of before the run it serves the sources, not the summary.
            assertEquals(summary.id(), top(e, RetrieveRequest.of(ALICE, "Where did Alice give her conference talk?")));
            assertEquals(h.dogA().id(), top(e, RetrieveRequest.of(ALICE, "What is the name of Alice's dog?")));
            List<MemoryId> before = e.retrieve(RetrieveRequest.of(ALICE, "Where did Alice give her conference talk?")
                    .asOf(T0.minusSeconds(1)).limit(20)).memories().stream().map(m -> m.memory().id()).toList();
            assertTrue(before.contains(h.trip().get(1).id()) && !before.contains(summary.id()), before.toString());

            // Bob is untouched; the audit entry has counts only.
            assertEquals(1, e.list(ListRequest.of(BOB).limit(10)).memories().size());
            List<AuditRecord> entries = e.audit(ALICE, 50).stream().filter(x -> x.action().equals("CONSOLIDATE")).toList();
            assertEquals(1, entries.size());
            AuditRecord a = entries.getFirst();
            assertEquals(Map.of("clusters", 2L, "merged", 1L, "summarized", 3L, "summaries", 1L, "before", 8L, "after", 5L), a.counts());

            // Again: nothing to do.
            ConsolidationReport again = e.consolidate(ALICE);
            assertEquals(0, again.clusters(), again.toString());
            assertEquals(5, again.memoriesBefore());
            assertEquals(5, again.memoriesAfter());
        }
        try (Engram e = builder().open()) { // after a restart: the same state, and still nothing to do
            Memory summary = summaryOf(e, ALICE);
            assertEquals(3, summary.metadata().get(Consolidator.SOURCES).split(",").length);
            ConsolidationReport all = e.consolidate();
            assertEquals(2, all.users());
            assertEquals(0, all.clusters(), all.toString());
        }
    }

    private static MemoryId top(Engram e, RetrieveRequest r) {
        List<RetrievedMemory> got = e.retrieve(r.limit(5)).memories();
        assertFalse(got.isEmpty());
        return got.getFirst().memory().id();
    }

    @Test
    void expiringAndNonExpiringMemoriesAreNeverCombinedAndASummaryExpiresWithItsFirstSource() {
        try (Engram e = builder().open()) {
            History h = history(ALICE);
            List<Memory> trip = new ArrayList<>();
            Instant[] expiry = {T0.plus(Duration.ofDays(30)), T0.plus(Duration.ofDays(10)), T0.plus(Duration.ofDays(20))};
            for (int i = 0; i < 3; i++) trip.add(h.trip().get(i).toBuilder().expiresAt(expiry[i]).build());
            Memory dogForever = h.dogA();
            Memory dogExpiring = h.dogB().toBuilder().expiresAt(T0.plus(Duration.ofDays(1))).build();
            List<Memory> all = new ArrayList<>(trip);
            all.addAll(List.of(dogForever, dogExpiring));
            load(e, ALICE, all);
            ConsolidationReport r = e.consolidate(ALICE);
            assertEquals(0, r.merged(), "an expiring copy is not merged into a lasting one");
            assertEquals(1, r.summaries());
            assertEquals(T0.plus(Duration.ofDays(10)), summaryOf(e, ALICE).expiresAt());
        }
    }

    @Test
    void ingestionsArrivingDuringConsolidationAreAllApplied() throws Exception {
        try (Engram e = builder().open()) {
            load(e, ALICE, history(ALICE).all());
            List<String> ingestions = new ArrayList<>();
            Thread t = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 15; i++) {
                    ingestions.add(e.ingest(IngestRequest.of(ALICE, "s2", List.of(Message.user("I visited museum number " + i + " today."))))
                            .ingestionId());
                }
            });
            ConsolidationReport r = e.consolidate(ALICE);
            t.join();
            assertEquals(0, r.conflicts());
            e.retrieve(RetrieveRequest.of(ALICE, "museum").sessionConsistent());
            for (String id : ingestions) assertEquals(IngestionStatus.State.APPLIED, e.ingestion(ALICE, id).state(), id);
            assertNotNull(summaryOf(e, ALICE));
        }
    }
}
