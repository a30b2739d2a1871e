package dev.engram.extraction.internal.extract.llm;

import static dev.engram.extraction.internal.extract.llm.StrictJson.malformed;
import static dev.engram.extraction.internal.extract.llm.StrictJson.required;
import static dev.engram.extraction.internal.extract.llm.StrictJson.string;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.engram.extraction.extract.KnownMemory;
import dev.engram.extraction.extract.ReconcileAction;
import dev.engram.extraction.extract.ReconcileDecision;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Turns the model's reconcile answer into decisions, validating every field: a known action, a
 * target that is one of the given memories (none for ADD, each at most once), a text exactly where
 * the action needs one. Stateless and thread-safe.
 */
public final class DecisionParser {

    private static final Set<String> FIELDS = Set.of("action", "target_id", "text");

    private DecisionParser() {}

    public static List<ReconcileDecision> parse(ObjectMapper m, String content, List<KnownMemory> existing, int maxTextChars) {
        JsonNode root = StrictJson.parseObject(m, content);
        StrictJson.onlyFields(root, "$", Set.of("decisions"));
        JsonNode decisions = required(root, "$", "decisions");
        if (!decisions.isArray() || decisions.isEmpty()) {
            throw malformed("$.decisions", "not a non-empty array");
        }
        if (decisions.size() > existing.size() + 1) {
            throw malformed("$.decisions", decisions.size() + " decisions for " + existing.size() + " existing memories");
        }
        Set<String> ids = new HashSet<>();
        existing.forEach(k -> ids.add(k.id()));
        Set<String> targeted = new HashSet<>();
        List<ReconcileDecision> out = new ArrayList<>();
        for (int i = 0; i < decisions.size(); i++) {
            String path = "$.decisions[" + i + "]";
            JsonNode d = decisions.get(i);
            if (!d.isObject()) {
                throw malformed(path, "not an object");
            }
            StrictJson.onlyFields(d, path, FIELDS);
            ReconcileAction action;
            String name = string(d, path, "action", false);
            try {
                action = ReconcileAction.valueOf(name.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw malformed(path + ".action", "\"" + ChatTransport.snippet(name) + "\", expected ADD, UPDATE, SUPERSEDE, NOOP or DELETE");
            }
            String target = string(d, path, "target_id", true);
            String text = string(d, path, "text", true);
            if (action == ReconcileAction.ADD) {
                if (target != null) {
                    throw malformed(path + ".target_id", "set for ADD");
                }
            } else {
                if (target == null || !ids.contains(target)) {
                    throw malformed(path + ".target_id", "not one of the existing memories: " + ChatTransport.snippet(String.valueOf(target)));
                }
                if (!targeted.add(target)) {
                    throw malformed(path + ".target_id", "acted on twice: " + target);
                }
            }
            boolean needsText = action == ReconcileAction.ADD || action == ReconcileAction.UPDATE || action == ReconcileAction.SUPERSEDE;
            if (needsText) {
                if (text == null || text.isBlank() || text.strip().length() > maxTextChars) {
                    throw malformed(path + ".text", "missing or longer than " + maxTextChars + " characters for " + action);
                }
                text = text.strip();
            } else if (text != null && !text.isBlank()) {
                throw malformed(path + ".text", "set for " + action);
            }
            out.add(new ReconcileDecision(action, target, needsText ? text : null));
        }
        return List.copyOf(out);
    }
}
