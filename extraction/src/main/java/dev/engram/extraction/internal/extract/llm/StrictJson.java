package dev.engram.extraction.internal.extract.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.engram.extraction.extract.ExtractionException;
import dev.engram.extraction.extract.ExtractionException.Reason;
import java.util.Iterator;
import java.util.Set;

/**
 * Field access that fails with {@link Reason#MALFORMED_OUTPUT} instead of guessing: a missing field,
 * a wrong JSON type or an unknown field is an error naming the path. Stateless and thread-safe.
 */
final class StrictJson {

    private StrictJson() {}

    /** Parses model content: one JSON object, optionally inside a single Markdown code fence. */
    static JsonNode parseObject(ObjectMapper m, String content) {
        String t = content.strip();
        if (t.startsWith("```")) {
            int firstNewline = t.indexOf('\n');
            if (firstNewline < 0 || !t.endsWith("```") || t.length() < firstNewline + 4) {
                throw malformed("$", "an unterminated code fence");
            }
            t = t.substring(firstNewline + 1, t.length() - 3).strip();
        }
        JsonNode root;
        try {
            root = m.readTree(t);
        } catch (JsonProcessingException e) {
            throw new ExtractionException(Reason.MALFORMED_OUTPUT, "the model's answer is not valid JSON: "
                    + ChatTransport.snippet(e.getOriginalMessage()), e);
        }
        if (root == null || !root.isObject()) {
            throw malformed("$", "not a JSON object");
        }
        return root;
    }

    static void onlyFields(JsonNode object, String path, Set<String> allowed) {
        Iterator<String> names = object.fieldNames();
        while (names.hasNext()) {
            String n = names.next();
            if (!allowed.contains(n)) {
                throw malformed(path + "." + n, "an unexpected field");
            }
        }
    }

    static JsonNode required(JsonNode object, String path, String field) {
        JsonNode v = object.get(field);
        if (v == null) {
            throw malformed(path + "." + field, "missing");
        }
        return v;
    }

    static String string(JsonNode object, String path, String field, boolean nullable) {
        JsonNode v = required(object, path, field);
        if (v.isNull()) {
            if (nullable) {
                return null;
            }
            throw malformed(path + "." + field, "null, expected a string");
        }
        if (!v.isTextual()) {
            throw malformed(path + "." + field, "a " + v.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + ", expected a string");
        }
        return v.asText();
    }

    static ExtractionException malformed(String path, String what) {
        return new ExtractionException(Reason.MALFORMED_OUTPUT, "model output at " + path + " is " + what);
    }
}
