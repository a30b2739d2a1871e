package dev.engram.extraction.embed;

class OnnxEmbedderMiniLmInt8Test extends EmbedderContract {
    @Override
    Embedder open() {
        return OnnxEmbedder.load(EmbeddingModel.ALL_MINILM_L6_V2_Q, EmbedderOptions.builder().threads(2).build());
    }

    @Override
    double batchInvariance() {
        return 0.99;
    }

    @Override
    String expectedModelId() {
        return "all-minilm-l6-v2-int8";
    }
}
