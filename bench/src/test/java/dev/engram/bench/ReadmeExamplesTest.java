package dev.engram.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.Engram;
import dev.engram.IngestRequest;
import dev.engram.Message;
import dev.engram.PromptContext;
import dev.engram.Retrieval;
import dev.engram.RetrieveRequest;
import dev.engram.extraction.embed.Embedder;
import dev.engram.extraction.embed.EmbeddingModel;
import dev.engram.extraction.embed.OnnxEmbedder;
import dev.engram.extraction.extract.Candidate;
import dev.engram.extraction.extract.ExtractionRequest;
import dev.engram.extraction.extract.Extractor;
import dev.engram.extraction.extract.RuleBasedExtractor;
import dev.engram.extraction.extract.Turn;
import dev.engram.index.IndexConfig;
import dev.engram.index.SearchResults;
import dev.engram.index.VectorIndex;
import dev.engram.memory.UserId;
import dev.engram.wal.Wal;
import dev.engram.wal.WalOptions;
import dev.engram.wal.WalReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Using the modules today" snippets, verbatim but for the assertions: if this test
 * stops compiling or passing, the README is wrong.
 */
class ReadmeExamplesTest {
    @TempDir
    Path dir;

    @Test
    void embeddedEngine() {
        Path dataDir = dir.resolve("engram-data");
        String system;
        // README: embedded engine
        try (Engram engram = Engram.open(dataDir)) {                 // offline defaults, SYNC durability
            UserId user = UserId.of("alice");
            engram.ingest(IngestRequest.of(user, "session-1", List.of(
                    Message.user("I moved to Lisbon last month and I'm vegetarian."),
                    Message.assistant("Welcome to Lisbon! Noted: vegetarian.")))
                    .waitingForApply());                                // default: return once durable
            Retrieval memories = engram.retrieve(RetrieveRequest.of(user, "Which city did the user move to?").tokenBudget(512));
            system = PromptContext.format("You are a helpful assistant.", memories.memories());
            System.out.println(system);
        }
        // end README
        assertTrue(system.contains("What you know about this user"), system);
        assertTrue(system.contains("Lisbon"), system);
    }

    @Test
    void durableLog() throws Exception {
        Path walDir = dir.resolve("wal");
        // README: durable log
        try (Wal wal = Wal.open(WalOptions.builder(walDir).build())) {
            long lsn = wal.append(1, "hello".getBytes(StandardCharsets.UTF_8)); // returns once fsynced
            try (WalReader reader = wal.reader(lsn)) {
                while (reader.hasNext()) System.out.println(reader.next());
            }
        }
        // end README
        try (Wal wal = Wal.open(WalOptions.builder(walDir).build());
                WalReader reader = wal.reader(1)) {
            assertTrue(reader.hasNext());
            assertEquals("hello", new String(reader.next().payload(), StandardCharsets.UTF_8));
            assertFalse(reader.hasNext());
        }
    }

    @Test
    void embeddingsAndVectorIndex() {
        SearchResults hits;
        int ordinal;
        // README: embeddings and vector index
        try (Embedder embedder = OnnxEmbedder.load(EmbeddingModel.defaultModel());
                VectorIndex index = VectorIndex.create(IndexConfig.defaults(embedder.dimension()))) {
            ordinal = index.add(embedder.embed("Caroline adopted a dog named Rex."));
            index.add(embedder.embed("The quarterly tax filing is due in April."));
            hits = index.search(embedder.embedQuery("What pet does Caroline have?"), 1);
        }
        // end README
        assertEquals(ordinal, hits.ordinals()[0]);
    }

    @Test
    void extraction() {
        // README: extraction
        Extractor extractor = new RuleBasedExtractor();
        List<Candidate> candidates = extractor.extract(ExtractionRequest.of(List.of(
                Turn.user("t1", "I moved to Lisbon last month and I'm vegetarian.",
                        Instant.parse("2026-11-24T10:00:00Z")))));
        candidates.forEach(c -> System.out.println(c.kind() + " " + c.slotKey() + ": " + c.text()));
        // end README
        assertTrue(candidates.size() >= 2, "expected a location and a diet memory: " + candidates);
        assertTrue(candidates.stream().allMatch(c -> c.sourceTurnIds().equals(List.of("t1"))));
    }
}
