package dev.engram.extraction.internal.extract.llm;

import static dev.engram.extraction.internal.extract.llm.StrictJson.malformed;
import static dev.engram.extraction.internal.extract.llm.StrictJson.required;
import static dev.engram.extraction.internal.extract.llm.StrictJson.string;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.engram.extraction.extract.Candidate;
import dev.engram.extraction.extract.ExtractionRequest;
import dev.engram.extraction.extract.MemoryKind;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns the model's extraction answer into candidates, validating every field; any violation
 * rejects the whole answer ({@code MALFORMED_OUTPUT}), so a caller never sees half of one.
 * Stateless and thread-safe.
 */
public final class CandidateParser {

    /** The most memories accepted from one answer. */
    public static final int MAX_MEMORIES = 64;
    private static final Set<String> FIELDS = Set.of("text", "kind", "importance", "event_time", "slot_key", "source_turn_ids", "retraction");
    private static final Pattern SLOT = Pattern.compile("[a-z][a-z0-9_]*(?:\\.[a-z0-9_]+){1,8}");
    private static final Pattern DAY = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

    private CandidateParser() {}

    public static List<Candidate> parse(ObjectMapper m, String content, ExtractionRequest request, int maxTextChars) {
        JsonNode root = StrictJson.parseObject(m, content);
        StrictJson.onlyFields(root, "$", Set.of("memories"));
        JsonNode memories = required(root, "$", "memories");
        if (!memories.isArray()) {
            throw malformed("$.memories", "not an array");
        }
        if (memories.size() > MAX_MEMORIES) {
            throw malformed("$.memories", memories.size() + " memories, more than " + MAX_MEMORIES);
        }
        Set<String> newIds = new HashSet<>();
        request.newTurns().forEach(t -> newIds.add(t.id()));
        Set<String> knownIds = new HashSet<>(newIds);
        request.recentTurns().forEach(t -> knownIds.add(t.id()));
        List<Candidate> out = new ArrayList<>();
        for (int i = 0; i < memories.size(); i++) {
            out.add(memory(memories.get(i), "$.memories[" + i + "]", newIds, knownIds, maxTextChars));
        }
        return List.copyOf(out);
    }

    private static Candidate memory(JsonNode node, String path, Set<String> newIds, Set<String> knownIds, int maxTextChars) {
        if (!node.isObject()) {
            throw malformed(path, "not an object");
        }
        StrictJson.onlyFields(node, path, FIELDS);
        String text = string(node, path, "text", false).strip();
        if (text.isEmpty() || text.length() > maxTextChars) {
            throw malformed(path + ".text", text.length() + " characters, expected 1.." + maxTextChars);
        }
        if (text.codePoints().anyMatch(cp -> Character.getType(cp) == Character.CONTROL && cp != '\n')) {
            throw malformed(path + ".text", "a text with control characters");
        }
        MemoryKind kind;
        String kindName = string(node, path, "kind", false);
        try {
            kind = MemoryKind.valueOf(kindName.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw malformed(path + ".kind", "\"" + ChatTransport.snippet(kindName) + "\", expected FACT, PREFERENCE, EVENT or PROCEDURAL");
        }
        JsonNode imp = required(node, path, "importance");
        if (!imp.isNumber()) {
            throw malformed(path + ".importance", "not a number");
        }
        double importance = imp.asDouble();
        if (!(importance >= 0 && importance <= 1)) {
            throw malformed(path + ".importance", importance + ", expected 0..1");
        }
        Instant eventTime = time(string(node, path, "event_time", true), path + ".event_time");
        String slot = string(node, path, "slot_key", true);
        if (slot != null && (slot.length() > 120 || !SLOT.matcher(slot).matches())) {
            throw malformed(path + ".slot_key", "\"" + ChatTransport.snippet(slot) + "\", expected a dotted lower-case key such as user.location");
        }
        JsonNode ids = required(node, path, "source_turn_ids");
        if (!ids.isArray() || ids.isEmpty()) {
            throw malformed(path + ".source_turn_ids", "not a non-empty array");
        }
        List<String> sources = new ArrayList<>();
        boolean citesNew = false;
        for (int j = 0; j < ids.size(); j++) {
            JsonNode id = ids.get(j);
            if (!id.isTextual() || !knownIds.contains(id.asText())) {
                throw malformed(path + ".source_turn_ids[" + j + "]", "not the id of a turn in the request: " + ChatTransport.snippet(id.toString()));
            }
            if (!sources.contains(id.asText())) {
                sources.add(id.asText());
            }
            citesNew |= newIds.contains(id.asText());
        }
        if (!citesNew) {
            throw malformed(path + ".source_turn_ids", "citing only earlier turns; a memory must come from a new turn");
        }
        JsonNode retraction = required(node, path, "retraction");
        if (!retraction.isBoolean()) {
            throw malformed(path + ".retraction", "not a boolean");
        }
        return new Candidate(text, kind, importance, eventTime, slot, sources, retraction.asBoolean());
    }

    /** "2023-05-07" (start of that day, UTC) or a full ISO date-time with an offset. */
    private static Instant time(String value, String path) {
        if (value == null) {
            return null;
        }
        try {
            if (DAY.matcher(value).matches()) {
                return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw malformed(path, "\"" + ChatTransport.snippet(value) + "\", expected an ISO date (YYYY-MM-DD) or date-time");
        }
    }
}
