package dev.engram.extraction.embed;

class OnnxEmbedderBgeInt8Test extends EmbedderContract {
    @Override
    Embedder open() {
        return OnnxEmbedder.load(EmbeddingModel.BGE_SMALL_EN_V15_Q, EmbedderOptions.builder().threads(2).build());
    }

    @Override
    double batchInvariance() {
        return 0.99;
    }

    @Override
    String expectedModelId() {
        return "bge-small-en-v1.5-int8";
    }
}
