package dev.engram.extraction.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.engram.extraction.internal.embed.OnnxModel;
import dev.engram.extraction.internal.embed.WordPieceTokenizer;
import dev.engram.testkit.Seeded;
import dev.engram.testkit.TestRandom;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Our WordPiece tokenizer against the reference Rust implementation (HuggingFace tokenizers, via
 * DJL, test scope only), loaded from the very same tokenizer.json stream, on a few hundred
 * varied inputs.
 */
@Seeded
class WordPieceParityTest {
    static {
        // DJL unpacks its native library into a cache directory, by default under the home directory.
        String cache = Path.of("target", "djl-cache").toAbsolutePath().toString();
        System.setProperty("DJL_CACHE_DIR", cache);
        System.setProperty("ENGINE_CACHE_DIR", cache);
        System.setProperty("ai.djl.offline", "true");
    }

    private static HuggingFaceTokenizer reference(EmbeddingModel model) throws Exception {
        try (InputStream in = OnnxModel.class.getClassLoader().getResourceAsStream(model.tokenizerResource())) {
            // The stream overload: the by-name overload would download from the hub.
            return HuggingFaceTokenizer.newInstance(in, Map.of("truncation", "false", "padding", "false", "addSpecialTokens", "true"));
        }
    }

    private static int[] ids(HuggingFaceTokenizer reference, String text) {
        return Arrays.stream(reference.encode(text).getIds()).mapToInt(Math::toIntExact).toArray();
    }

    @ParameterizedTest
    @EnumSource(value = EmbeddingModel.class, names = {"BGE_SMALL_EN_V15_Q", "ALL_MINILM_L6_V2_Q"})
    void matchesTheReferenceTokenizer(EmbeddingModel model, TestRandom random) throws Exception {
        WordPieceTokenizer ours = OnnxModel.loadTokenizer(model);
        List<String> inputs = new ArrayList<>(TokenizerCorpus.FIXED);
        inputs.addAll(TokenizerCorpus.random(random, 300));
        try (HuggingFaceTokenizer reference = reference(model)) {
            int checked = 0;
            for (String text : inputs) {
                int[] expected = ids(reference, text);
                assertArrayEquals(expected, ours.encode(text, Integer.MAX_VALUE), () -> "ids differ for " + escape(text)
                        + "\n reference tokens " + Arrays.toString(reference.encode(text).getTokens()));
                checked++;
            }
            assertEquals(inputs.size(), checked);
        }
    }

    @ParameterizedTest
    @EnumSource(value = EmbeddingModel.class, names = {"BGE_SMALL_EN_V15_Q", "ALL_MINILM_L6_V2_Q"})
    void truncationKeepsTheReferencePrefix(EmbeddingModel model) throws Exception {
        WordPieceTokenizer ours = OnnxModel.loadTokenizer(model);
        String text = String.join(" ", TokenizerCorpus.FIXED).repeat(3);
        try (HuggingFaceTokenizer reference = reference(model)) {
            int[] full = ids(reference, text);
            for (int max : new int[] {2, 3, 17, model.maxTokens()}) {
                int[] expected = new int[max];
                System.arraycopy(full, 0, expected, 0, max - 1);
                expected[max - 1] = full[full.length - 1]; // [SEP]
                assertArrayEquals(expected, ours.encode(text, max), "max " + max);
            }
        }
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder("\"");
        s.codePoints().forEach(c -> {
            if (c >= 0x20 && c < 0x7F) sb.appendCodePoint(c);
            else sb.append(String.format("\\u{%04X}", c));
        });
        return sb.append('"').toString();
    }
}
