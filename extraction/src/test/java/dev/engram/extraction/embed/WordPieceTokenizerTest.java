package dev.engram.extraction.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.extraction.internal.embed.OnnxModel;
import dev.engram.extraction.internal.embed.WordPieceTokenizer;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Our tokenizer's rules on a tiny hand-made vocabulary, and its failure modes. */
class WordPieceTokenizerTest {
    static WordPieceTokenizer tiny() throws Exception {
        try (InputStream in = WordPieceTokenizerTest.class.getResourceAsStream("/embed/tiny-tokenizer.json")) {
            return WordPieceTokenizer.fromJson(in, "tiny-tokenizer.json");
        }
    }

    static WordPieceTokenizer fromString(String json) {
        return WordPieceTokenizer.fromJson(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "inline");
    }

    @Test
    void greedyLongestMatchWithContinuationPrefix() throws Exception {
        WordPieceTokenizer t = tiny();
        assertArrayEquals(new int[] {2, 16, 3}, t.encode("UNAFFABLE", 64), "whole word first");
        assertArrayEquals(new int[] {2, 4, 5, 3}, t.encode("unaff", 64));
        assertArrayEquals(new int[] {2, 12, 7, 3}, t.encode("aaffable", 64), "##affable, not ##aff ##able");
        assertArrayEquals(new int[] {2, 17, 18, 3}, t.encode("hugs", 64), "longest piece, then ##s");
        assertArrayEquals(new int[] {2, 12, 13, 13, 3}, t.encode("aaa", 64));
    }

    @Test
    void aWordWithAnUnmatchablePieceIsOneUnknown() throws Exception {
        assertArrayEquals(new int[] {2, 1, 3}, tiny().encode("hugz", 64));
    }

    @Test
    void wordsOverTheCharacterLimitAreUnknown() throws Exception {
        assertArrayEquals(new int[] {2, 1, 3}, tiny().encode("a".repeat(11), 64));
        assertEquals(12, tiny().encode("a".repeat(10), 64).length, "ten characters are still tokenized: a ##a×9");
    }

    @Test
    void normalizesPunctuationAccentsCjkAndControls() throws Exception {
        WordPieceTokenizer t = tiny();
        assertArrayEquals(new int[] {2, 8, 9, 8, 10, 3}, t.encode("Café,CAFE\u0000!", 64));
        assertArrayEquals(new int[] {2, 12, 11, 12, 3}, t.encode("a中a", 64), "CJK characters are words of their own");
        assertArrayEquals(new int[] {2, 14, 3}, t.encode("\u0130", 64), "U+0130 decomposes, loses its dot, lowercases");
        assertArrayEquals(new int[] {2, 12, 12, 3}, t.encode("a\u00a0a", 64), "no-break space separates words");
        assertArrayEquals(new int[] {2, 12, 13, 3}, t.encode("a\u200ba", 64), "zero-width space is removed, not a separator");
    }

    @Test
    void specialTokensInTheTextAreMatchedVerbatim() throws Exception {
        WordPieceTokenizer t = tiny();
        assertArrayEquals(new int[] {2, 12, 3, 12, 3}, t.encode("a[SEP]a", 64));
        assertArrayEquals(new int[] {2, 1, 1, 1, 3}, t.encode("[sep]", 64), "matching is case-sensitive: [ sep ] are three words");
    }

    @Test
    void emptyAndBlankTextGiveClsSep() throws Exception {
        assertArrayEquals(new int[] {2, 3}, tiny().encode("", 64));
        assertArrayEquals(new int[] {2, 3}, tiny().encode(" \t\r\n\u3000 ", 64));
    }

    @Test
    void truncationKeepsTheBeginningAndEndsWithSep() throws Exception {
        WordPieceTokenizer t = tiny();
        assertArrayEquals(new int[] {2, 12, 12, 3}, t.encode("a a a a a", 4));
        assertArrayEquals(new int[] {2, 3}, t.encode("a a", 2));
        assertThrows(IllegalArgumentException.class, () -> t.encode("a", 1));
    }

    @Test
    void hugeInputCostsOnlyWhatTheLimitNeeds() {
        WordPieceTokenizer t = OnnxModel.loadTokenizer(EmbeddingModel.BGE_SMALL_EN_V15_Q);
        String huge = "remember that I like green tea. ".repeat(400_000); // 12.8 M chars
        long t0 = System.nanoTime();
        int[] ids = t.encode(huge, 512);
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(512, ids.length);
        assertTrue(millis < 2_000, "tokenizing stopped at the limit, took " + millis + " ms");
    }

    @Test
    void unsupportedTokenizerFilesAreRejectedClearly() {
        EmbeddingException notJson = assertThrows(EmbeddingException.class, () -> fromString("{not json"));
        assertTrue(notJson.getMessage().contains("inline"), notJson.getMessage());
        assertThrows(EmbeddingException.class, () -> fromString("[]"));
        EmbeddingException bpe = assertThrows(EmbeddingException.class, () -> fromString("""
                {"normalizer": {"type": "BertNormalizer"}, "pre_tokenizer": {"type": "BertPreTokenizer"},
                 "model": {"type": "BPE", "vocab": {"a": 0}}}"""));
        assertTrue(bpe.getMessage().contains("BPE"), bpe.getMessage());
        assertThrows(EmbeddingException.class, () -> fromString("""
                {"normalizer": {"type": "NFC"}, "pre_tokenizer": {"type": "BertPreTokenizer"},
                 "model": {"type": "WordPiece", "vocab": {"a": 0}}}"""));
        EmbeddingException noCls = assertThrows(EmbeddingException.class, () -> fromString("""
                {"normalizer": {"type": "BertNormalizer"}, "pre_tokenizer": {"type": "BertPreTokenizer"},
                 "model": {"type": "WordPiece", "vocab": {"[UNK]": 0, "a": 1}}}"""));
        assertTrue(noCls.getMessage().contains("[CLS]"), noCls.getMessage());
    }
}
