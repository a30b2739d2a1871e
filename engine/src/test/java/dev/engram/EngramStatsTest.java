package dev.engram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.extraction.embed.OnnxEmbedder;
import dev.engram.memory.UserId;
import dev.engram.wal.Durability;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Engram#stats()}: ingestion outcomes, WAL fsyncs, memories per user. */
class EngramStatsTest {
    static final OnnxEmbedder embedder = TestEmbedder.get();

    @Test
    void countsIngestionOutcomesFsyncsAndMemoriesPerUser(@TempDir Path dir) {
        try (Engram e = Engram.builder(dir).embedder(embedder).durability(Durability.SYNC)
                .consistencyTimeout(Duration.ofSeconds(30)).open()) {
            // (no stats() call before the writes: the per-user distribution is cached for STATS_USER_REFRESH)
            UserId alice = UserId.of("alice");
            e.ingest(IngestRequest.of(alice, "s", List.of(Message.user("I moved to Lisbon last year and I am vegetarian."))).waitingForApply());
            e.ingest(IngestRequest.of(alice, "s", List.of(Message.user("ok"))).waitingForApply()); // yields nothing
            e.add(UserId.of("bob"), NewMemory.of("Bob plays the cello."));
            EngramStats s = e.stats();
            assertEquals(2, s.ingestionsAccepted(), s.toString());
            assertEquals(2, s.ingestionsApplied(), s.toString());
            assertEquals(0, s.ingestionsFailed(), s.toString());
            assertEquals(1, s.ingestionsProductive(), s.toString());
            assertTrue(s.memoriesProduced() >= 1, s.toString());
            assertTrue(s.walFsyncSeconds().count() >= 3, "SYNC fsyncs every write: " + s.walFsyncSeconds());
            assertTrue(s.walFsyncSeconds().sum() > 0, s.walFsyncSeconds().toString());
            EngramStats.Histogram users = s.userMemories();
            assertEquals(2, users.count(), "alice and bob: " + users);
            // bob's one memory is in the (0, 1] bucket
            assertEquals(Double.valueOf(1), users.upperBounds().get(1));
            assertTrue(users.counts().get(1) >= 1, users.toString());
            assertTrue(e.storageFailure().isEmpty());
        }
    }
}
