package dev.engram.server;

import dev.engram.Engram;
import dev.engram.EngramOptions;
import dev.engram.extraction.embed.EmbeddingModel;
import dev.engram.extraction.embed.OnnxEmbedder;
import dev.engram.wal.Durability;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;

/** One embedder per JVM for the server tests (loading it takes a second or two). */
final class Fixture {
    private static OnnxEmbedder embedder;

    private Fixture() {}

    static synchronized OnnxEmbedder embedder() {
        if (embedder == null) embedder = OnnxEmbedder.load(EmbeddingModel.defaultModel());
        return embedder;
    }

    static Engram engram(Path dir) {
        return engram(dir, b -> b);
    }

    static Engram engram(Path dir, UnaryOperator<EngramOptions.Builder> tweak) {
        return tweak.apply(Engram.builder(dir).embedder(embedder()).durability(Durability.SYNC)
                .consistencyTimeout(Duration.ofSeconds(30))).open();
    }
}
