package dev.engram.extraction.embed;

class OnnxEmbedderBgeFp32Test extends EmbedderContract {
    @Override
    Embedder open() {
        return OnnxEmbedder.load(EmbeddingModel.BGE_SMALL_EN_V15, EmbedderOptions.builder().threads(2).build());
    }

    @Override
    double batchInvariance() {
        return 0.99999;
    }

    @Override
    String expectedModelId() {
        return "bge-small-en-v1.5";
    }
}
