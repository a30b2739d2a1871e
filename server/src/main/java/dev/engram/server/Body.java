package dev.engram.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A JSON object from a request, read field by field with the expected type. Every mistake —
 * missing, wrong type, out of range, unknown field — is a 400 naming the field (with its path,
 * as in {@code messages[2].role}). Not thread-safe (one per request).
 */
public final class Body {
    private final ObjectNode node;
    private final String prefix;

    Body(ObjectNode node, String prefix) {
        this.node = node;
        this.prefix = prefix;
    }

    /** A body over an already parsed object (the arguments of an MCP tool call); errors name fields from the top. */
    public static Body of(ObjectNode node) {
        return new Body(node, "");
    }

    private String name(String field) {
        return prefix + field;
    }

    private JsonNode get(String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v;
    }

    /** Rejects any field not in {@code allowed}. */
    public Body only(String... allowed) {
        Set<String> ok = Set.of(allowed);
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!ok.contains(f)) throw ApiException.badRequest(name(Json.clean(f)) + ": unknown field");
        }
        return this;
    }

    public boolean has(String field) {
        return get(field) != null;
    }

    public String string(String field) {
        String s = optString(field);
        if (s == null) throw ApiException.badRequest(name(field) + ": is missing");
        return s;
    }

    public String optString(String field) {
        JsonNode v = get(field);
        if (v == null) return null;
        if (!v.isTextual()) throw typeError(field, "a string", v);
        return v.textValue();
    }

    public Integer optInt(String field, int min, int max) {
        JsonNode v = get(field);
        if (v == null) return null;
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < min || v.intValue() > max) {
            if (v.isNumber()) throw ApiException.badRequest(name(field) + ": must be an integer in " + min + ".." + max);
            throw typeError(field, "an integer", v);
        }
        return v.intValue();
    }

    public Double optDouble(String field, double min, double max) {
        JsonNode v = get(field);
        if (v == null) return null;
        if (!v.isNumber()) throw typeError(field, "a number", v);
        double d = v.doubleValue();
        if (!(d >= min && d <= max)) throw ApiException.badRequest(name(field) + ": must be in [" + min + ", " + max + "]");
        return d;
    }

    public boolean bool(String field, boolean dflt) {
        JsonNode v = get(field);
        if (v == null) return dflt;
        if (!v.isBoolean()) throw typeError(field, "true or false", v);
        return v.booleanValue();
    }

    public Instant optInstant(String field) {
        String s = optString(field);
        if (s == null) return null;
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest(name(field) + ": expected an ISO-8601 instant such as 2026-11-24T10:00:00Z");
        }
    }

    public Set<String> optStringSet(String field, int max) {
        JsonNode v = get(field);
        if (v == null) return null;
        if (!v.isArray()) throw typeError(field, "an array of strings", v);
        if (v.size() > max) throw ApiException.badRequest(name(field) + ": at most " + max + " entries");
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode e = v.get(i);
            if (!e.isTextual()) throw typeError(field + "[" + i + "]", "a string", e);
            out.add(e.textValue());
        }
        return out;
    }

    public Map<String, String> optStringMap(String field, int max) {
        JsonNode v = get(field);
        if (v == null) return null;
        if (!v.isObject()) throw typeError(field, "an object of strings", v);
        if (v.size() > max) throw ApiException.badRequest(name(field) + ": at most " + max + " entries");
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) throw typeError(field + "." + Json.clean(e.getKey()), "a string", e.getValue());
            out.put(e.getKey(), e.getValue().textValue());
        }
        return out;
    }

    /** The objects of an array field, each as a {@code Body} whose errors name {@code field[i].…}. */
    public List<Body> objects(String field, int max) {
        JsonNode v = get(field);
        if (v == null) throw ApiException.badRequest(name(field) + ": is missing");
        if (!v.isArray()) throw typeError(field, "an array of objects", v);
        if (v.size() > max) throw ApiException.badRequest(name(field) + ": " + v.size() + " entries, at most " + max);
        List<Body> out = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) {
            JsonNode e = v.get(i);
            if (!e.isObject()) throw typeError(field + "[" + i + "]", "an object", e);
            out.add(new Body((ObjectNode) e, name(field) + "[" + i + "]."));
        }
        return out;
    }

    /** A field whose value must be an object (kept raw). */
    public ObjectNode optObject(String field) {
        JsonNode v = get(field);
        if (v == null) return null;
        if (!v.isObject()) throw typeError(field, "an object", v);
        return (ObjectNode) v;
    }

    private ApiException typeError(String field, String expected, JsonNode got) {
        return ApiException.badRequest(name(field) + ": expected " + expected + ", got " + got.getNodeType().name().toLowerCase());
    }
}
