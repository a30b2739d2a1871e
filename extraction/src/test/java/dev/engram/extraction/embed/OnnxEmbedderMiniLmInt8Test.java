package dev.engram.extraction.embed;

/** Batches of up to 32 (the int8 default is 1), so batch-dependence is exercised. */
class OnnxEmbedderMiniLmInt8Test extends EmbedderContract {
    @Override
    Embedder open() {
        return OnnxEmbedder.load(EmbeddingModel.ALL_MINILM_L6_V2_Q, EmbedderOptions.builder().threads(2).maxBatchSize(32).build());
    }

    @Override
    double batchInvariance() {
        return 0.99;
    }

    /** Measured: down to 0.98 when batched with seven other callers' texts (per-batch int8 activation ranges). */
    @Override
    double concurrentFloor() {
        return 0.97;
    }

    @Override
    String expectedModelId() {
        return "all-minilm-l6-v2-int8";
    }
}
