package dev.engram.internal.lifecycle;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.engram.memory.Memory;
import dev.engram.memory.MemoryId;
import dev.engram.memory.MemoryStatus;
import dev.engram.memory.MemoryType;
import dev.engram.memory.Source;
import dev.engram.memory.UserId;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The export format: one memory version per line, a JSON object with the fields below (timestamps
 * ISO-8601 UTC, absent optional fields omitted), no user id (an import names its user):
 * <pre>
 * {"format":"engram.export/1","id":…,"version":1,"content":…,"type":"FACT","status":"ACTIVE",
 *  "importance":0.5,"categories":[…],"metadata":{…},"source":{"session_id":…,"turn_ids":[…],
 *  "extractor_id":…,"model_id":…},"created_at":…,"updated_at":…,"event_time":…,"valid_from":…,
 *  "valid_to":…,"expires_at":…,"superseded_by":…,"access_count":0,"last_access":…,
 *  "embedding_model_id":…}
 * </pre>
 * Stateless; thread-safe.
 */
public final class MemoryNdjson {
    public static final String FORMAT = "engram.export/1";
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(8).maxStringLength(1 << 20).build()).build();
    private static final ObjectMapper MAPPER = new ObjectMapper(FACTORY);

    private MemoryNdjson() {}

    /** One line (without the newline). */
    public static String line(Memory m) {
        StringWriter out = new StringWriter(256 + m.content().length());
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("format", FORMAT);
            g.writeStringField("id", m.id().toString());
            g.writeNumberField("version", m.version());
            g.writeStringField("content", m.content());
            g.writeStringField("type", m.type().name());
            g.writeStringField("status", m.status().name());
            g.writeNumberField("importance", m.importance());
            g.writeArrayFieldStart("categories");
            for (String c : m.categories()) g.writeString(c);
            g.writeEndArray();
            g.writeObjectFieldStart("metadata");
            for (Map.Entry<String, String> e : m.metadata().entrySet()) g.writeStringField(e.getKey(), e.getValue());
            g.writeEndObject();
            Source s = m.source();
            if (s != null) {
                g.writeObjectFieldStart("source");
                if (s.sessionId() != null) g.writeStringField("session_id", s.sessionId());
                g.writeArrayFieldStart("turn_ids");
                for (String t : s.turnIds()) g.writeString(t);
                g.writeEndArray();
                if (s.extractorId() != null) g.writeStringField("extractor_id", s.extractorId());
                if (s.modelId() != null) g.writeStringField("model_id", s.modelId());
                g.writeEndObject();
            }
            instant(g, "created_at", m.createdAt());
            instant(g, "updated_at", m.updatedAt());
            instant(g, "event_time", m.eventTime());
            instant(g, "valid_from", m.validFrom());
            instant(g, "valid_to", m.validTo());
            instant(g, "expires_at", m.expiresAt());
            if (m.supersededBy() != null) g.writeStringField("superseded_by", m.supersededBy().toString());
            g.writeNumberField("access_count", m.accessCount());
            instant(g, "last_access", m.lastAccess());
            if (m.embeddingModelId() != null) g.writeStringField("embedding_model_id", m.embeddingModelId());
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("writing JSON to a string failed", e);
        }
        return out.toString();
    }

    private static void instant(JsonGenerator g, String field, Instant t) throws IOException {
        if (t != null) g.writeStringField(field, t.toString());
    }

    /** A line that is not a valid memory: the field at fault and what is wrong. */
    public static final class BadLine extends Exception {
        private static final long serialVersionUID = 1L;
        public final String field;

        BadLine(String field, String message) {
            super(message);
            this.field = field;
        }
    }

    /** Parses a line into a memory of {@code user}; every field is checked (unknown fields are refused). */
    public static Memory parse(String line, UserId user) throws BadLine {
        JsonNode n;
        try {
            n = MAPPER.readTree(line);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new BadLine("line", "not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadLine("line", "not JSON: " + e.getMessage());
        }
        if (n == null || !n.isObject()) throw new BadLine("line", "not a JSON object");
        Set<String> known = Set.of("format", "id", "version", "content", "type", "status", "importance", "categories", "metadata",
                "source", "created_at", "updated_at", "event_time", "valid_from", "valid_to", "expires_at", "superseded_by",
                "access_count", "last_access", "embedding_model_id");
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) throw new BadLine(f, "unknown field");
        }
        if (!FORMAT.equals(text(n, "format", true))) throw new BadLine("format", "must be \"" + FORMAT + "\"");
        try {
            Memory.Builder b = Memory.builder().user(user)
                    .id(MemoryId.parse(text(n, "id", true)))
                    .version(integer(n, "version", true))
                    .content(text(n, "content", true))
                    .type(MemoryType.valueOf(text(n, "type", true)))
                    .status(MemoryStatus.valueOf(text(n, "status", true)))
                    .importance(number(n, "importance"))
                    .categories(strings(n, "categories"))
                    .metadata(map(n, "metadata"))
                    .source(source(n))
                    .createdAt(instant(n, "created_at", true))
                    .updatedAt(instant(n, "updated_at", true))
                    .eventTime(instant(n, "event_time", false))
                    .validFrom(instant(n, "valid_from", false))
                    .validTo(instant(n, "valid_to", false))
                    .expiresAt(instant(n, "expires_at", false))
                    .accessCount(n.has("access_count") ? integer(n, "access_count", true) : 0)
                    .lastAccess(instant(n, "last_access", false))
                    .embeddingModelId(text(n, "embedding_model_id", false));
            String sup = text(n, "superseded_by", false);
            if (sup != null) b.supersededBy(MemoryId.parse(sup));
            return b.build();
        } catch (BadLine e) {
            throw e;
        } catch (dev.engram.memory.ValidationException e) {
            throw new BadLine(e.field(), e.getMessage());
        } catch (RuntimeException e) {
            throw new BadLine("line", "invalid value: " + e.getMessage());
        }
    }

    private static String text(JsonNode n, String f, boolean required) throws BadLine {
        JsonNode v = n.get(f);
        if (v == null || v.isNull()) {
            if (required) throw new BadLine(f, "is missing");
            return null;
        }
        if (!v.isTextual()) throw new BadLine(f, "must be a string");
        return v.textValue();
    }

    private static long integer(JsonNode n, String f, boolean required) throws BadLine {
        JsonNode v = n.get(f);
        if (v == null || !v.canConvertToExactIntegral() || !v.canConvertToLong()) throw new BadLine(f, "must be an integer");
        return v.longValue();
    }

    private static double number(JsonNode n, String f) throws BadLine {
        JsonNode v = n.get(f);
        if (v == null || !v.isNumber()) throw new BadLine(f, "must be a number");
        return v.doubleValue();
    }

    private static Instant instant(JsonNode n, String f, boolean required) throws BadLine {
        String s = text(n, f, required);
        if (s == null) return null;
        try {
            return Instant.parse(s);
        } catch (RuntimeException e) {
            throw new BadLine(f, "not an ISO-8601 instant: " + s);
        }
    }

    private static Set<String> strings(JsonNode n, String f) throws BadLine {
        JsonNode v = n.get(f);
        Set<String> out = new LinkedHashSet<>();
        if (v == null || v.isNull()) return out;
        if (!v.isArray()) throw new BadLine(f, "must be an array of strings");
        for (JsonNode e : v) {
            if (!e.isTextual()) throw new BadLine(f, "must be an array of strings");
            out.add(e.textValue());
        }
        return out;
    }

    private static Map<String, String> map(JsonNode n, String f) throws BadLine {
        JsonNode v = n.get(f);
        Map<String, String> out = new LinkedHashMap<>();
        if (v == null || v.isNull()) return out;
        if (!v.isObject()) throw new BadLine(f, "must be an object of strings");
        for (var it = v.fields(); it.hasNext(); ) {
            var e = it.next();
            if (!e.getValue().isTextual()) throw new BadLine(f + "." + e.getKey(), "must be a string");
            out.put(e.getKey(), e.getValue().textValue());
        }
        return out;
    }

    private static Source source(JsonNode n) throws BadLine {
        JsonNode v = n.get("source");
        if (v == null || v.isNull()) return Source.NONE;
        if (!v.isObject()) throw new BadLine("source", "must be an object");
        List<String> turns = new ArrayList<>(strings(v, "turn_ids"));
        return new Source(text(v, "session_id", false), turns, text(v, "extractor_id", false), text(v, "model_id", false));
    }
}
