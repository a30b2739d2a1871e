package dev.engram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.extraction.embed.OnnxEmbedder;
import dev.engram.extraction.extract.Candidate;
import dev.engram.extraction.extract.ExtractionRequest;
import dev.engram.extraction.extract.Extractor;
import dev.engram.extraction.extract.RuleBasedExtractor;
import dev.engram.memory.Memory;
import dev.engram.memory.UserId;
import dev.engram.memory.ValidationException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Ingestion metadata through the public API: validated, durable with the ingestion, copied onto its memories. */
class IngestMetadataTest {
    static final OnnxEmbedder embedder = TestEmbedder.get();
    static final UserId ALICE = UserId.of("alice");

    private final SimpleStoreAccess.Disk disk = new SimpleStoreAccess.Disk();
    private SimpleStoreAccess last;

    private Engram open(Extractor extractor) {
        EngramOptions o = Engram.builder(Path.of("unused")).embedder(embedder).extractor(extractor)
                .retryBackoff(Duration.ofMillis(1)).build();
        return Engram.open(o, sink -> last = SimpleStoreAccess.open(disk, sink), () -> disk.audit);
    }

    private static IngestRequest said(String text) {
        return IngestRequest.of(ALICE, "s1", List.of(Message.user(text)));
    }

    private static List<Memory> active(Engram e) {
        return e.list(ListRequest.of(ALICE)).memories();
    }

    @Test
    void theMemoriesOfAnIngestionCarryItsMetadataAndTheirOwnKeysWin() {
        try (Engram e = open(new RuleBasedExtractor())) {
            e.ingest(said("I live in Paris.").withMetadata(Map.of("channel", "mobile", "app_version", "4.2")).waitingForApply());
            Memory paris = active(e).getFirst();
            assertEquals(Map.of("channel", "mobile", "app_version", "4.2", "engram.slot", "user.location"), paris.metadata());
            // A superseding memory carries its own ingestion's metadata, not the old one's.
            e.ingest(said("I live in Lisbon now.").withMetadata(Map.of("channel", "web")).waitingForApply());
            Memory lisbon = active(e).getFirst();
            assertTrue(lisbon.content().contains("Lisbon"), lisbon.toString());
            assertEquals(Map.of("channel", "web", "engram.slot", "user.location"), lisbon.metadata());
            // Reinforcing keeps the memory's values and adds the keys it lacks.
            e.ingest(said("I live in Lisbon.").withMetadata(Map.of("channel", "email", "campaign", "spring")).waitingForApply());
            Memory reinforced = active(e).getFirst();
            assertEquals(lisbon.id(), reinforced.id());
            assertEquals(Map.of("channel", "web", "campaign", "spring", "engram.slot", "user.location"), reinforced.metadata());
            // Filters see it.
            Retrieval r = e.retrieve(RetrieveRequest.of(ALICE, "where does the user live").metadata(Map.of("campaign", "spring")));
            assertEquals(List.of(lisbon.id()), r.memories().stream().map(m -> m.memory().id()).toList());
        }
    }

    @Test
    void badMetadataIsRefusedBeforeAnythingIsWritten() {
        IngestRequest base = said("I live in Paris.");
        assertEquals("metadata.engram.slot", assertThrows(ValidationException.class,
                () -> base.withMetadata(Map.of("engram.slot", "user.name"))).field());
        Map<String, String> many = new HashMap<>();
        for (int i = 0; i <= Memory.MAX_METADATA_ENTRIES; i++) many.put("k" + i, "v");
        assertEquals("metadata", assertThrows(ValidationException.class, () -> base.withMetadata(many)).field());
        assertThrows(ValidationException.class, () -> base.withMetadata(Map.of("big", "x".repeat(Memory.MAX_METADATA_BYTES))));
        assertThrows(ValidationException.class, () -> base.withMetadata(Map.of(" ", "blank key")));
        assertThrows(ValidationException.class, () -> base.withMetadata(Map.of("k", "nul\0")));
        assertThrows(ValidationException.class, () -> base.withMetadata(Map.of("k".repeat(Memory.MAX_METADATA_KEY_LENGTH + 1), "v")));
        Map<String, String> nullValue = new HashMap<>();
        nullValue.put("k", null);
        assertThrows(ValidationException.class, () -> base.withMetadata(nullValue));
        assertEquals(Map.of(), base.metadata());
        assertEquals(Map.of("a", "1"), base.withMetadata(Map.of("a", "1")).waitingForApply().withIdempotencyKey("x").metadata(),
                "kept through the other withers");
    }

    /** The metadata is in the ingestion's WAL event: an ingestion replayed after a crash still carries it. */
    @Test
    void metadataSurvivesACrashBeforeExtraction() throws Exception {
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
        Engram crashed = open(stuck);
        crashed.ingest(said("I have a cat named Leo.").withMetadata(Map.of("tenant", "acme")));
        assertTrue(entered.await(10, TimeUnit.SECONDS));
        last.kill();
        never.countDown();
        try (Engram e = open(rules)) {
            e.retrieve(RetrieveRequest.of(ALICE, "cat").sessionConsistent());
            List<Memory> live = active(e);
            assertEquals(1, live.size(), live.toString());
            assertEquals("acme", live.getFirst().metadata().get("tenant"));
        }
    }
}
