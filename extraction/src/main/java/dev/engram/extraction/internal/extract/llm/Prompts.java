package dev.engram.extraction.internal.extract.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.engram.extraction.extract.Candidate;
import dev.engram.extraction.extract.ExtractionRequest;
import dev.engram.extraction.extract.KnownMemory;
import dev.engram.extraction.extract.Turn;
import java.util.List;

/**
 * The prompts and JSON schemas of the LLM protocol (documented in {@code docs/extraction.md}).
 * The schemas use only what OpenAI's strict structured outputs accept (every property required,
 * nullable as a type union, no additional properties); ranges and formats are checked by the
 * parsers instead. Immutable and thread-safe.
 */
public final class Prompts {

    public static final String EXTRACT_SYSTEM = """
            You extract long-term memories from a conversation for a memory system. Reply with JSON only:
            {"memories": [...]}, each memory an object with exactly these fields:
              "text": one self-contained sentence in the third person that names the person (use the speaker's
                      name when given, otherwise "The user"); resolve relative dates ("yesterday", "last Friday",
                      "next month") to absolute dates written like "7 May 2023", using each turn's time.
              "kind": "FACT" (stable attribute or state), "PREFERENCE" (like, dislike, favourite),
                      "EVENT" (something that happened or is planned), or "PROCEDURAL" (how the assistant should behave).
              "importance": a number from 0 (trivia) to 1 (identity, health, standing instructions).
              "event_time": the event's date as "YYYY-MM-DD" for EVENT memories with a known date, else null.
              "slot_key": for single-valued attributes a dotted lower-case key such as "user.location",
                      "user.employer", "user.pet.dog.name", "user.preference.food" (use "person.<name>" instead of
                      "user" for a named speaker, e.g. "person.caroline.location"), else null.
              "source_turn_ids": the ids of the new turns the memory comes from (at least one).
              "retraction": true only when the speaker asks to forget something or says it is no longer true
                      ("forget that…", "I no longer…"); then "text" states the old memory positively.
            Extract only from "new_turns"; use "recent_turns" and "known_memories" as context. Ignore greetings,
            small talk, questions and the assistant's own statements. If nothing is worth remembering, reply
            {"memories": []}.""";

    public static final String RECONCILE_SYSTEM = """
            You maintain a memory store. Given a new candidate memory and the most similar existing memories,
            decide what to do. Reply with JSON only: {"decisions": [...]}, each an object with exactly these fields:
              "action": "ADD" (store the candidate as new), "UPDATE" (same memory refined: rewrite the target),
                        "SUPERSEDE" (same attribute, conflicting value: the candidate replaces the target),
                        "NOOP" (the target already says this), or "DELETE" (the candidate retracts the target).
              "target_id": the id of the existing memory acted on; null for ADD.
              "text": the memory text to store for ADD, UPDATE and SUPERSEDE; null for NOOP and DELETE.
            Act on each existing memory at most once. Usually one decision suffices.""";

    private Prompts() {}

    /** The extraction response format: a strict JSON schema. */
    public static ObjectNode extractionFormat(ObjectMapper m) {
        ObjectNode memory = object(m);
        ObjectNode props = memory.putObject("properties");
        props.putObject("text").put("type", "string");
        props.putObject("kind").put("type", "string").putArray("enum").add("FACT").add("PREFERENCE").add("EVENT").add("PROCEDURAL");
        props.putObject("importance").put("type", "number");
        props.putObject("event_time").putArray("type").add("string").add("null");
        props.putObject("slot_key").putArray("type").add("string").add("null");
        props.putObject("source_turn_ids").put("type", "array").putObject("items").put("type", "string");
        props.putObject("retraction").put("type", "boolean");
        required(memory, "text", "kind", "importance", "event_time", "slot_key", "source_turn_ids", "retraction");
        ObjectNode root = object(m);
        root.putObject("properties").putObject("memories").put("type", "array").set("items", memory);
        required(root, "memories");
        return format(m, "engram_memories", root);
    }

    /** The reconciliation response format. */
    public static ObjectNode reconcileFormat(ObjectMapper m) {
        ObjectNode decision = object(m);
        ObjectNode props = decision.putObject("properties");
        props.putObject("action").put("type", "string").putArray("enum").add("ADD").add("UPDATE").add("SUPERSEDE").add("NOOP").add("DELETE");
        props.putObject("target_id").putArray("type").add("string").add("null");
        props.putObject("text").putArray("type").add("string").add("null");
        required(decision, "action", "target_id", "text");
        ObjectNode root = object(m);
        root.putObject("properties").putObject("decisions").put("type", "array").set("items", decision);
        required(root, "decisions");
        return format(m, "engram_reconcile", root);
    }

    /** The user message of an extraction call: the turns and known memories as JSON. */
    public static String extractionInput(ObjectMapper m, ExtractionRequest request) {
        ObjectNode root = m.createObjectNode();
        turns(root.putArray("recent_turns"), request.recentTurns());
        turns(root.putArray("new_turns"), request.newTurns());
        memories(root.putArray("known_memories"), request.similar());
        return write(m, root);
    }

    /** The user message of a reconcile call. */
    public static String reconcileInput(ObjectMapper m, Candidate candidate, List<KnownMemory> existing) {
        ObjectNode root = m.createObjectNode();
        ObjectNode c = root.putObject("candidate");
        c.put("text", candidate.text());
        c.put("kind", candidate.kind().name());
        c.put("slot_key", candidate.slotKey());
        c.put("retraction", candidate.retraction());
        memories(root.putArray("existing_memories"), existing);
        return write(m, root);
    }

    /** A chat-completions body without its response format. */
    public static ObjectNode body(ObjectMapper m, String model, double temperature, String system, String user) {
        ObjectNode body = m.createObjectNode();
        body.put("model", model);
        body.put("temperature", temperature);
        ArrayNode messages = body.putArray("messages");
        messages.addObject().put("role", "system").put("content", system);
        messages.addObject().put("role", "user").put("content", user);
        return body;
    }

    private static void turns(ArrayNode out, List<Turn> turns) {
        for (Turn t : turns) {
            ObjectNode o = out.addObject();
            o.put("id", t.id());
            o.put("role", t.role().name().toLowerCase(java.util.Locale.ROOT));
            o.put("speaker", t.speaker());
            o.put("time", t.timestamp().toString());
            o.put("text", t.content());
        }
    }

    private static void memories(ArrayNode out, List<KnownMemory> known) {
        for (KnownMemory k : known) {
            out.addObject().put("id", k.id()).put("text", k.text()).put("kind", k.kind().name()).put("slot_key", k.slotKey());
        }
    }

    private static ObjectNode object(ObjectMapper m) {
        ObjectNode o = m.createObjectNode();
        o.put("type", "object");
        o.put("additionalProperties", false);
        return o;
    }

    private static void required(ObjectNode schema, String... names) {
        ArrayNode r = schema.putArray("required");
        for (String n : names) {
            r.add(n);
        }
    }

    private static ObjectNode format(ObjectMapper m, String name, ObjectNode schema) {
        ObjectNode f = m.createObjectNode();
        f.put("type", "json_schema");
        ObjectNode js = f.putObject("json_schema");
        js.put("name", name);
        js.put("strict", true);
        js.set("schema", schema);
        return f;
    }

    private static String write(ObjectMapper m, ObjectNode node) {
        try {
            return m.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a prompt", e);
        }
    }
}
