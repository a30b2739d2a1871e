package dev.engram.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * The one JSON mapper of the server and the parse step for request bodies. Parsing is strict and
 * bounded: duplicate keys, trailing tokens, nesting deeper than {@value #MAX_DEPTH}, numbers longer
 * than {@value #MAX_NUMBER_CHARS} digits and invalid UTF-8 are all rejected as 400. Thread-safe.
 */
public final class Json {
    static final int MAX_DEPTH = 32;
    static final int MAX_NUMBER_CHARS = 64;

    public static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_DEPTH).maxNumberLength(MAX_NUMBER_CHARS).build())
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private Json() {}

    /** Parses a request body that must be one JSON object. */
    public static Body parseObject(byte[] bytes) {
        JsonNode node;
        try {
            node = MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("malformed JSON: " + clean(e.getOriginalMessage()));
        } catch (IOException e) {
            throw ApiException.badRequest("malformed JSON: " + clean(e.getMessage()));
        }
        if (node == null || node.isMissingNode()) throw ApiException.badRequest("the body is empty; expected a JSON object");
        if (!node.isObject()) throw ApiException.badRequest("expected a JSON object, got " + node.getNodeType().name().toLowerCase());
        return new Body((ObjectNode) node, "");
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a tree", e);
        }
    }

    /** A message safe to echo: one line, bounded, no control characters. */
    static String clean(String s) {
        if (s == null) return "unreadable";
        StringBuilder sb = new StringBuilder(Math.min(s.length(), 200));
        for (int i = 0; i < s.length() && sb.length() < 200; i++) {
            char c = s.charAt(i);
            sb.append(c < 0x20 || c == 0x7f ? ' ' : c);
        }
        return sb.toString();
    }
}
