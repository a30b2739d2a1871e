package dev.engram.internal.pipeline;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.extraction.embed.EmbeddingModel;
import dev.engram.extraction.embed.OnnxEmbedder;
import dev.engram.testkit.Seeded;
import dev.engram.testkit.TestRandom;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM that is ingesting through {@link dev.engram.Engram} with SIGKILL, a few times,
 * and checks after each kill that every acknowledged ingestion is applied exactly once
 * ({@link EngramCrashHarness}). {@code -Dengram.ingest.crash.cycles=N} changes the count.
 */
@Seeded
class EngramKillTest {
    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedIngestionIsAppliedExactlyOnceAfterKillMinus9(TestRandom random) throws Exception {
        int cycles = Integer.getInteger("engram.ingest.crash.cycles", 3);
        try (OnnxEmbedder embedder = OnnxEmbedder.load(EmbeddingModel.defaultModel())) {
            EngramCrashHarness.Summary s = EngramCrashHarness.loop(cycles, dir.resolve("data"), random.nextLong(), embedder, System.out);
            System.out.println("ingest crash test: " + s);
            assertTrue(s.problems().isEmpty(), String.join("\n", s.problems()));
            assertTrue(s.acked() > cycles, "the children acknowledged too little to prove anything: " + s);
            assertTrue(s.verified() == s.acked(), s.toString());
        }
    }
}
