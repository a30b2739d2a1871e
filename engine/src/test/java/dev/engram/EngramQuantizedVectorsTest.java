package dev.engram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.extraction.embed.OnnxEmbedder;
import dev.engram.extraction.extract.RuleBasedExtractor;
import dev.engram.memory.UserId;
import dev.engram.wal.Durability;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code quantizedVectors} end to end: memories written with it are found, and a reopen without it
 * finds them too. (That the option reaches the index config is {@code StoreAccessesTest}; a user
 * this small is searched exactly and its index is rebuilt at open, so the walk itself is tested in
 * index-hnsw.)
 */
class EngramQuantizedVectorsTest {
    static final OnnxEmbedder embedder = TestEmbedder.get();
    static final UserId ALICE = UserId.of("alice");

    @TempDir
    Path dir;

    private Engram open(boolean quantized) {
        return Engram.builder(dir).embedder(embedder).extractor(new RuleBasedExtractor()).durability(Durability.SYNC)
                .consistencyTimeout(Duration.ofSeconds(30)).quantizedVectors(quantized).open();
    }

    @Test
    void memoriesWrittenWithTheOptionAreFoundWithAndWithoutIt() {
        String[] facts = {"I live in Paris.", "I have a cat named Leo.", "I am allergic to peanuts.", "I work as a nurse."};
        try (Engram e = open(true)) {
            for (String f : facts) e.ingest(IngestRequest.of(ALICE, "s1", List.of(Message.user(f))).waitingForApply());
            assertTrue(e.retrieve(RetrieveRequest.of(ALICE, "Where does the user live?")).memories().getFirst()
                    .memory().content().contains("Paris"));
        }
        try (Engram e = open(false)) {
            assertEquals(facts.length, e.list(ListRequest.of(ALICE)).memories().size());
            assertTrue(e.retrieve(RetrieveRequest.of(ALICE, "Is the user allergic to anything?")).memories().getFirst()
                    .memory().content().contains("peanuts"));
        }
    }
}
