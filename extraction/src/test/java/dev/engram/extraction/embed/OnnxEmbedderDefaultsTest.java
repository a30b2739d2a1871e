package dev.engram.extraction.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The measured defaults: which model, no query instruction, and int8 texts embedded one at a time. */
class OnnxEmbedderDefaultsTest {
    @Test
    void defaultModelIsBgeSmallInt8WithoutQueryInstruction() {
        assertEquals(EmbeddingModel.BGE_SMALL_EN_V15_Q, EmbeddingModel.defaultModel());
        try (OnnxEmbedder e = OnnxEmbedder.load(EmbeddingModel.defaultModel())) {
            assertEquals("bge-small-en-v1.5-int8", e.modelId());
            assertFalse(e.usesQueryInstruction(), "LoCoMo: the instruction did not retrieve better (docs/embeddings.md)");
            float[] q = e.embedQuery("where does Caroline live?");
            float[] p = e.embed("where does Caroline live?");
            assertEquals(1.0, EmbedderContract.cosine(q, p), 1e-6, "without the instruction a query embeds like a passage");
        }
    }

    @Test
    void queryInstructionCanBeForced() {
        try (OnnxEmbedder e = OnnxEmbedder.load(EmbeddingModel.BGE_SMALL_EN_V15_Q, EmbedderOptions.builder().queryInstruction(true).build())) {
            assertTrue(e.usesQueryInstruction());
            float[] q = e.embedQuery("where does Caroline live?");
            float[] p = e.embed(EmbeddingModel.BGE_SMALL_EN_V15_Q.queryInstruction() + "where does Caroline live?");
            assertTrue(EmbedderContract.cosine(q, p) >= 0.99999);
        }
        try (OnnxEmbedder e = OnnxEmbedder.load(EmbeddingModel.ALL_MINILM_L6_V2_Q, EmbedderOptions.builder().queryInstruction(true).build())) {
            assertFalse(e.usesQueryInstruction(), "MiniLM has no instruction to force");
        }
    }

    @Test
    void int8DefaultsGiveIdenticalVectorsAloneAndInABatch() {
        try (OnnxEmbedder e = OnnxEmbedder.load(EmbeddingModel.BGE_SMALL_EN_V15_Q)) {
            assertEquals(1, e.options().maxBatchSize(e.model()));
            List<String> texts = new ArrayList<>(EmbedderContract.VARIED.subList(0, 9));
            texts.add(EmbedderContract.CAT);
            List<float[]> batch = e.embedBatch(texts);
            for (int i = 0; i < texts.size(); i++) {
                assertTrue(EmbedderContract.cosine(batch.get(i), e.embed(texts.get(i))) >= 0.99999, "text " + i);
            }
        }
    }

    @Test
    void optionsRejectNonsense() {
        assertThrows(IllegalArgumentException.class, () -> EmbedderOptions.builder().threads(0));
        assertThrows(IllegalArgumentException.class, () -> EmbedderOptions.builder().poolSize(-1));
        assertThrows(IllegalArgumentException.class, () -> EmbedderOptions.builder().maxBatchSize(0));
        assertThrows(IllegalArgumentException.class, () -> EmbedderOptions.builder().maxBatchTokens(100));
        assertEquals(8, EmbedderOptions.defaults().maxBatchSize(EmbeddingModel.BGE_SMALL_EN_V15));
    }
}
