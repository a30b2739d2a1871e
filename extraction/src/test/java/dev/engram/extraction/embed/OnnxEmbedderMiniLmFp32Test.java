package dev.engram.extraction.embed;

class OnnxEmbedderMiniLmFp32Test extends EmbedderContract {
    @Override
    Embedder open() {
        return OnnxEmbedder.load(EmbeddingModel.ALL_MINILM_L6_V2, EmbedderOptions.builder().threads(2).build());
    }

    @Override
    double batchInvariance() {
        return 0.99999;
    }

    @Override
    String expectedModelId() {
        return "all-minilm-l6-v2";
    }
}
