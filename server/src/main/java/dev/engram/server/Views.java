package dev.engram.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.engram.IngestionStatus;
import dev.engram.RetrievedMemory;
import dev.engram.ScoreParts;
import dev.engram.memory.Memory;
import dev.engram.memory.MemoryId;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Engine objects as the JSON the API documents (snake_case, lower-case enums, ISO-8601 instants,
 * {@code null} for absent times). The engine's user id ({@code user@app}) is never shown: a
 * caller sees only its own {@code user_id}. Stateless.
 */
public final class Views {
    private Views() {}

    public static ObjectNode memory(Memory m) {
        ObjectNode o = Json.object();
        o.put("id", m.id().toString());
        o.put("content", m.content());
        o.put("type", m.type().name().toLowerCase());
        o.put("version", m.version());
        o.put("status", m.status().name().toLowerCase());
        o.put("importance", m.importance());
        time(o, "created_at", m.createdAt());
        time(o, "updated_at", m.updatedAt());
        time(o, "event_time", m.eventTime());
        time(o, "valid_from", m.validFrom());
        time(o, "valid_to", m.validTo());
        time(o, "expires_at", m.expiresAt());
        if (m.supersededBy() != null) o.put("superseded_by", m.supersededBy().toString());
        else o.putNull("superseded_by");
        ArrayNode cats = o.putArray("categories");
        m.categories().forEach(cats::add);
        ObjectNode meta = o.putObject("metadata");
        for (Map.Entry<String, String> e : m.metadata().entrySet()) meta.put(e.getKey(), e.getValue());
        ObjectNode src = o.putObject("source");
        if (m.source().sessionId() != null) src.put("session_id", m.source().sessionId());
        else src.putNull("session_id");
        ArrayNode turns = src.putArray("turn_ids");
        m.source().turnIds().forEach(turns::add);
        return o;
    }

    public static ObjectNode retrieved(RetrievedMemory r) {
        ObjectNode o = memory(r.memory());
        o.put("score", r.score());
        ScoreParts p = r.parts();
        ObjectNode parts = o.putObject("score_parts");
        parts.put("vector", p.vector());
        parts.put("lexical", p.lexical());
        parts.put("relevance", p.relevance());
        parts.put("recency", p.recency());
        parts.put("importance", p.importance());
        parts.put("type", p.type());
        o.put("tokens", r.tokens());
        return o;
    }

    public static ArrayNode retrievedList(List<RetrievedMemory> list) {
        ArrayNode a = Json.MAPPER.createArrayNode();
        for (RetrievedMemory r : list) a.add(retrieved(r));
        return a;
    }

    /** A purge receipt: what was removed and how long it took, never content. */
    public static ObjectNode purgeReceipt(dev.engram.PurgeReceipt p) {
        ObjectNode o = Json.object();
        o.put("user_pseudonym", p.userPseudonym());
        o.put("memories", p.memories());
        o.put("versions", p.versions());
        o.put("files", p.files());
        o.put("bytes", p.bytes());
        o.put("pending_ingestions_dropped", p.pendingIngestionsDropped());
        o.put("wal_segments_retired", p.walSegmentsRetired());
        o.put("started_at", p.startedAt().toString());
        o.put("finished_at", p.finishedAt().toString());
        o.put("duration_ms", p.duration().toMillis());
        return o;
    }

    public static ObjectNode ingestion(IngestionStatus s) {
        ObjectNode o = Json.object();
        o.put("ingestion_id", s.id());
        o.put("status", s.state().name().toLowerCase());
        ArrayNode ids = o.putArray("memories");
        for (MemoryId id : s.memories()) ids.add(id.toString());
        o.put("duplicates", s.duplicates());
        o.put("attempts", s.attempts());
        if (s.error() != null) o.put("error", s.error());
        time(o, "accepted_at", s.acceptedAt());
        time(o, "finished_at", s.finishedAt());
        return o;
    }

    private static void time(ObjectNode o, String field, Instant t) {
        if (t == null) o.putNull(field);
        else o.put(field, t.toString());
    }
}
