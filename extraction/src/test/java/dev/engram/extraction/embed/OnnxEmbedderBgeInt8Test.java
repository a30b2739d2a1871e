package dev.engram.extraction.embed;

/** Batches of up to 32 (the int8 default is 1), so batch-dependence is exercised. */
class OnnxEmbedderBgeInt8Test extends EmbedderContract {
    @Override
    Embedder open() {
        return OnnxEmbedder.load(EmbeddingModel.BGE_SMALL_EN_V15_Q, EmbedderOptions.builder().threads(2).maxBatchSize(32).build());
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
