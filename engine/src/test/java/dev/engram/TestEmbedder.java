package dev.engram;

import dev.engram.extraction.embed.EmbeddingModel;
import dev.engram.extraction.embed.OnnxEmbedder;

/**
 * The bundled embedder, loaded once per test JVM and shared by the end-to-end tests of this
 * package (each class used to load and close its own). Thread-safe like every {@link OnnxEmbedder};
 * engines given it do not close it, and the JVM's exit frees it.
 */
final class TestEmbedder {
    private static final OnnxEmbedder SHARED = OnnxEmbedder.load(EmbeddingModel.defaultModel());

    private TestEmbedder() {}

    static OnnxEmbedder get() {
        return SHARED;
    }
}
