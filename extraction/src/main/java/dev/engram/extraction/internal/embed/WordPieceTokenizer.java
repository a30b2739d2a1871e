package dev.engram.extraction.internal.embed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.engram.extraction.embed.EmbeddingException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A BERT WordPiece tokenizer read from a HuggingFace {@code tokenizer.json}: special tokens
 * matched in the raw text, the {@link BertNormalizer}, the BERT pre-tokenizer (split on
 * whitespace, isolate each punctuation character), greedy longest-match WordPiece with the
 * {@code ##} continuation prefix, {@code [UNK]} for words longer than the configured number of
 * characters or with no segmentation, then {@code [CLS] … [SEP]}.
 *
 * <p>It reproduces the reference Rust tokenizer's ids (a parity test checks that) but ignores the
 * file's truncation and padding settings: callers truncate per model and pad per batch. Work is
 * bounded by the token limit: text is processed in whitespace-separated chunks and processing stops
 * once the limit is reached, so a megabyte of input costs no more than its first few kilobytes.
 *
 * <p>Immutable and thread-safe.
 */
public final class WordPieceTokenizer {
    private static final int MAX_WORD_PIECES = 64;

    private final BertNormalizer normalizer;
    private final Map<String, Integer> vocab;
    private final Map<String, Integer> continuations;
    private final int unkId;
    private final int clsId;
    private final int sepId;
    private final int maxInputCharsPerWord;
    private final String[] specialTexts;
    private final int[] specialIds;

    private WordPieceTokenizer(BertNormalizer normalizer, Map<String, Integer> vocab, String prefix, int unkId,
            int clsId, int sepId, int maxInputCharsPerWord, String[] specialTexts, int[] specialIds) {
        this.normalizer = normalizer;
        this.vocab = vocab;
        this.continuations = new HashMap<>();
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            if (e.getKey().startsWith(prefix)) continuations.put(e.getKey().substring(prefix.length()), e.getValue());
        }
        this.unkId = unkId;
        this.clsId = clsId;
        this.sepId = sepId;
        this.maxInputCharsPerWord = maxInputCharsPerWord;
        this.specialTexts = specialTexts;
        this.specialIds = specialIds;
    }

    /**
     * Reads a {@code tokenizer.json} with a BertNormalizer, a BertPreTokenizer and a WordPiece
     * model. Does not close {@code in}.
     *
     * @throws EmbeddingException if the file is not such a tokenizer
     */
    public static WordPieceTokenizer fromJson(InputStream in, String source) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new EmbeddingException("cannot read tokenizer " + source + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) throw new EmbeddingException("tokenizer " + source + " is not a JSON object");
        JsonNode norm = root.path("normalizer");
        require(norm.path("type").asText().equals("BertNormalizer"), source, "normalizer type " + norm.path("type") + " (want BertNormalizer)");
        require(root.path("pre_tokenizer").path("type").asText().equals("BertPreTokenizer"), source,
                "pre_tokenizer type " + root.path("pre_tokenizer").path("type") + " (want BertPreTokenizer)");
        JsonNode model = root.path("model");
        require(model.path("type").asText().equals("WordPiece"), source, "model type " + model.path("type") + " (want WordPiece)");

        boolean lowercase = norm.path("lowercase").asBoolean(true);
        JsonNode strip = norm.path("strip_accents");
        // As in the reference: strip_accents null means "do what lowercase does".
        boolean stripAccents = strip.isBoolean() ? strip.asBoolean() : lowercase;
        BertNormalizer normalizer = new BertNormalizer(norm.path("clean_text").asBoolean(true),
                norm.path("handle_chinese_chars").asBoolean(true), stripAccents, lowercase);

        Map<String, Integer> vocab = new HashMap<>();
        JsonNode vocabNode = model.path("vocab");
        require(vocabNode.isObject() && !vocabNode.isEmpty(), source, "missing model.vocab");
        vocabNode.properties().forEach(e -> vocab.put(e.getKey(), e.getValue().asInt()));
        String unk = model.path("unk_token").asText("[UNK]");
        String prefix = model.path("continuing_subword_prefix").asText("##");
        int maxChars = model.path("max_input_chars_per_word").asInt(100);

        List<String> specialTexts = new ArrayList<>();
        List<Integer> specialIds = new ArrayList<>();
        for (JsonNode t : root.path("added_tokens")) {
            require(!t.path("normalized").asBoolean(false), source, "normalized added tokens are not supported");
            specialTexts.add(t.path("content").asText());
            specialIds.add(t.path("id").asInt());
        }
        return new WordPieceTokenizer(normalizer, vocab, prefix, id(vocab, unk, source), id(vocab, "[CLS]", source),
                id(vocab, "[SEP]", source), maxChars, specialTexts.toArray(String[]::new),
                specialIds.stream().mapToInt(Integer::intValue).toArray());
    }

    private static int id(Map<String, Integer> vocab, String token, String source) {
        Integer id = vocab.get(token);
        if (id == null) throw new EmbeddingException("tokenizer " + source + " has no token " + token);
        return id;
    }

    private static void require(boolean ok, String source, String what) {
        if (!ok) throw new EmbeddingException("unsupported tokenizer " + source + ": " + what);
    }

    /**
     * Token ids of {@code text}: {@code [CLS]}, at most {@code maxTokens - 2} word pieces (the
     * first ones: truncation keeps the beginning), {@code [SEP]}.
     *
     * @throws IllegalArgumentException if {@code maxTokens < 2}
     */
    public int[] encode(String text, int maxTokens) {
        if (maxTokens < 2) throw new IllegalArgumentException("maxTokens must be at least 2, got " + maxTokens);
        IntList out = new IntList(Math.min(maxTokens, 16 + text.length() / 3));
        out.add(clsId);
        int budget = maxTokens - 1;
        StringBuilder normalized = new StringBuilder();
        int n = text.length();
        int i = 0;
        while (i < n && out.size < budget) {
            // Chunks end at ASCII whitespace: no normalization step looks across it, so
            // tokenizing chunk by chunk equals tokenizing the whole text, and we can stop early.
            while (i < n && isAsciiSpace(text.charAt(i))) i++;
            int end = i;
            while (end < n && !isAsciiSpace(text.charAt(end))) end++;
            if (end > i) encodeChunk(text, i, end, normalized, out, budget);
            i = end;
        }
        out.add(sepId);
        return out.toArray();
    }

    private void encodeChunk(String text, int from, int to, StringBuilder normalized, IntList out, int budget) {
        int start = from;
        for (int i = from; i < to && out.size < budget; i++) {
            if (text.charAt(i) != '[') continue;
            for (int s = 0; s < specialTexts.length; s++) {
                if (text.startsWith(specialTexts[s], i) && i + specialTexts[s].length() <= to) {
                    encodeText(text, start, i, normalized, out, budget);
                    if (out.size < budget) out.add(specialIds[s]);
                    i += specialTexts[s].length() - 1;
                    start = i + 1;
                    break;
                }
            }
        }
        if (start < to) encodeText(text, start, to, normalized, out, budget);
    }

    private void encodeText(String text, int from, int to, StringBuilder normalized, IntList out, int budget) {
        if (from >= to || out.size >= budget) return;
        normalized.setLength(0);
        normalizer.normalize(text, from, to, normalized);
        String s = normalized.toString();
        int wordStart = -1;
        for (int i = 0; i < s.length() && out.size < budget; ) {
            int c = s.codePointAt(i);
            int len = Character.charCount(c);
            if (BertNormalizer.isWhitespace(c)) {
                if (wordStart >= 0) addWord(s, wordStart, i, out, budget);
                wordStart = -1;
            } else if (BertNormalizer.isPunctuation(c)) {
                if (wordStart >= 0) addWord(s, wordStart, i, out, budget);
                addWord(s, i, i + len, out, budget);
                wordStart = -1;
            } else if (wordStart < 0) {
                wordStart = i;
            }
            i += len;
        }
        if (wordStart >= 0) addWord(s, wordStart, s.length(), out, budget);
    }

    /** Greedy longest-match WordPiece of {@code s[from, to)}; the whole word is [UNK] if any part fails. */
    private void addWord(String s, int from, int to, IntList out, int budget) {
        if (out.size >= budget) return;
        if (s.codePointCount(from, to) > maxInputCharsPerWord) {
            out.add(unkId);
            return;
        }
        Integer whole = vocab.get(s.substring(from, to));
        if (whole != null) {
            out.add(whole);
            return;
        }
        int[] pieces = new int[Math.min(MAX_WORD_PIECES, to - from)];
        int count = 0;
        int start = from;
        while (start < to) {
            Map<String, Integer> table = start == from ? vocab : continuations;
            Integer found = null;
            int end = to;
            while (end > start) {
                found = table.get(s.substring(start, end));
                if (found != null) break;
                end = Character.isLowSurrogate(s.charAt(end - 1)) && end - 2 >= start ? end - 2 : end - 1;
            }
            if (found == null) {
                out.add(unkId);
                return;
            }
            if (count == pieces.length) pieces = Arrays.copyOf(pieces, count * 2);
            pieces[count++] = found;
            start = end;
        }
        for (int p = 0; p < count && out.size < budget; p++) out.add(pieces[p]);
    }

    private static boolean isAsciiSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    /** Growable int array, to avoid boxing on the hot path. */
    private static final class IntList {
        int[] a;
        int size;

        IntList(int capacity) {
            a = new int[Math.max(4, capacity)];
        }

        void add(int v) {
            if (size == a.length) a = Arrays.copyOf(a, size * 2);
            a[size++] = v;
        }

        int[] toArray() {
            return Arrays.copyOf(a, size);
        }
    }
}
