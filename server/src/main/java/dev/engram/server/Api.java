package dev.engram.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.engram.Engram;
import dev.engram.IngestReceipt;
import dev.engram.IngestRequest;
import dev.engram.IngestionStatus;
import dev.engram.ListRequest;
import dev.engram.MemoryPage;
import dev.engram.Message;
import dev.engram.extraction.extract.Role;
import dev.engram.memory.Memory;
import dev.engram.memory.MemoryId;
import dev.engram.memory.MemoryStatus;
import dev.engram.memory.UserId;
import io.helidon.http.HeaderNames;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code /v1} handlers: JSON in, engine call, JSON out. The memory operations (search,
 * context, add, list, get, update, delete) are {@link MemoryService}'s, shared with the MCP tools;
 * the handlers here only read the HTTP request and write the answer. Each handler validates its
 * whole request before calling the engine, so a bad request writes nothing. The engine user of a call
 * is {@code <user_id>@<app>}: the app comes from the caller's key, never from the request, so one
 * app cannot name another app's user. Thread-safe (stateless apart from the engine and metrics).
 */
final class Api {
    private static final int MAX_MESSAGES_PARSED = 1000;

    private final Engram engram;
    private final ServerMetrics metrics;
    private final MemoryService service;

    Api(MemoryService service, ServerMetrics metrics) {
        this.engram = service.engram();
        this.metrics = metrics;
        this.service = service;
    }

    void register(Router r) {
        Router.Access k = Router.Access.KEY;
        r.add("POST", "/v1/users/{user_id}/turns", k, this::ingest);
        r.add("GET", "/v1/users/{user_id}/ingestions/{ingestion_id}", k, this::ingestion);
        r.add("POST", "/v1/users/{user_id}/memories/search", k, this::search);
        r.add("POST", "/v1/users/{user_id}/context", k, this::context);
        r.add("POST", "/v1/users/{user_id}/memories", k, this::add);
        r.add("GET", "/v1/users/{user_id}/memories", k, this::list);
        r.add("GET", "/v1/users/{user_id}/memories/{memory_id}", k, this::get);
        r.add("PATCH", "/v1/users/{user_id}/memories/{memory_id}", k, this::update);
        r.add("DELETE", "/v1/users/{user_id}/memories/{memory_id}", k, this::delete);
        r.add("GET", "/v1/users/{user_id}/memories/{memory_id}/history", k, this::history);
        r.add("GET", "/v1/users/{user_id}/export", k, this::export);
        r.add("POST", "/v1/users/{user_id}/import", k, this::importUser);
        r.add("DELETE", "/v1/users/{user_id}", k, this::purge);
    }

    /** Removes every trace of the user (engine purge); answers with the receipt, never content. */
    private void purge(Call c) {
        UserId user = user(c);
        dev.engram.PurgeReceipt p = engram.purge(user);
        metrics.purged(p.duration());
        c.send(200, Views.purgeReceipt(p));
    }

    /** The engine user for the path's user_id within the caller's app. */
    static UserId user(Call c) {
        return MemoryService.user(c.app, c.param("user_id"));
    }

    private static MemoryId memoryId(Call c) {
        return MemoryService.memoryId(c.param("memory_id"));
    }

    // ---------------------------------------------------------------- ingestion

    private void ingest(Call c) {
        UserId user = user(c);
        Body b = c.json().only("session_id", "messages", "metadata", "wait");
        String session = b.optString("session_id");
        var metadata = b.optStringMap("metadata", Memory.MAX_METADATA_ENTRIES);
        boolean wait = b.bool("wait", false);
        List<Message> messages = new ArrayList<>();
        for (Body m : b.objects("messages", MAX_MESSAGES_PARSED)) {
            m.only("role", "content", "name", "id", "timestamp");
            String role = m.string("role");
            Role r = switch (role) {
                case "user" -> Role.USER;
                case "assistant" -> Role.ASSISTANT;
                case "system" -> Role.SYSTEM;
                case "tool" -> Role.TOOL;
                default -> throw ApiException.badRequest("messages[" + messages.size() + "].role: must be user, assistant, system or tool");
            };
            messages.add(new Message(r, m.string("content"), m.optString("name"), m.optString("id"), m.optInstant("timestamp")));
        }
        IngestRequest request = IngestRequest.of(user, session, messages);
        if (metadata != null) request = request.withMetadata(metadata); // engine bounds: ValidationException → 400
        String key = c.header("Idempotency-Key").orElse(null);
        if (key != null) request = request.withIdempotencyKey(key);
        if (wait) request = request.waitingForApply();
        IngestReceipt receipt;
        try {
            receipt = engram.ingest(request);
        } catch (RuntimeException e) {
            metrics.ingest(e instanceof dev.engram.OverloadedException ? "overloaded" : "rejected");
            throw e;
        }
        metrics.ingest(receipt.replayed() ? "replayed" : "accepted");
        IngestionStatus s = receipt.status();
        ObjectNode o = s != null ? Views.ingestion(s) : Json.object().put("ingestion_id", receipt.ingestionId()).put("status", "accepted");
        o.put("replayed", receipt.replayed());
        c.send(receipt.replayed() || (s != null && s.done()) ? 200 : 202, o);
    }

    private void ingestion(Call c) {
        UserId user = user(c);
        c.send(200, Views.ingestion(engram.ingestion(user, c.param("ingestion_id"))));
    }

    // ---------------------------------------------------------------- retrieval

    private void search(Call c) {
        UserId user = user(c);
        c.send(200, service.search(user, c.json()));
    }

    private void context(Call c) {
        UserId user = user(c);
        c.send(200, service.context(user, c.json()));
    }

    // ---------------------------------------------------------------- memories

    private void add(Call c) {
        UserId user = user(c);
        ObjectNode created = service.add(user, c.json());
        c.res.header(HeaderNames.LOCATION, "/v1/users/" + c.param("user_id") + "/memories/" + created.get("id").textValue());
        c.send(201, created);
    }

    private void list(Call c) {
        UserId user = user(c);
        Integer limit = c.query("limit").isPresent() ? intParam("limit", c.query("limit").get(), 1, ListRequest.MAX_LIMIT) : null;
        c.send(200, service.list(user, c.query("type").orElse(null), c.query("category").orElse(null),
                c.query("status").orElse(null), limit, c.query("cursor").orElse(null)));
    }

    private static int intParam(String name, String value, int min, int max) {
        try {
            int v = Integer.parseInt(value);
            if (v >= min && v <= max) return v;
        } catch (NumberFormatException e) {
            // fall through to the error below
        }
        throw ApiException.badRequest(name + ": must be an integer in " + min + ".." + max);
    }

    private void get(Call c) {
        UserId user = user(c);
        MemoryId id = memoryId(c);
        var asOf = c.query("as_of");
        Instant t = null;
        if (asOf.isPresent()) {
            try {
                t = Instant.parse(asOf.get());
            } catch (DateTimeParseException e) {
                throw ApiException.badRequest("as_of: expected an ISO-8601 instant such as 2026-11-24T10:00:00Z");
            }
        }
        c.send(200, service.get(user, id, t));
    }

    private void update(Call c) {
        UserId user = user(c);
        MemoryId id = memoryId(c);
        c.send(200, service.update(user, id, c.json()));
    }

    private void delete(Call c) {
        UserId user = user(c);
        service.delete(user, memoryId(c), c.param("user_id"));
        c.noContent();
    }

    private void history(Call c) {
        UserId user = user(c);
        List<Memory> versions = engram.history(user, memoryId(c));
        ObjectNode o = Json.object();
        ArrayNode a = o.putArray("versions");
        for (Memory m : versions) a.add(Views.memory(m));
        c.send(200, o);
    }

    /**
     * The engine's export (docs/privacy.md, "Export"; format {@code engram.export/1}): every memory
     * that is not deleted, one line each, its current version, or every version with
     * {@code ?all_versions=true}. What {@code POST …/import} takes back.
     */
    private void export(Call c) throws Exception {
        UserId user = user(c);
        String all = c.query("all_versions").orElse("false");
        if (!all.equals("true") && !all.equals("false")) throw ApiException.badRequest("all_versions: must be true or false");
        // A cheap read first, so an engine refusal (closed, purge in progress) is still a JSON error.
        engram.list(ListRequest.of(user).status(MemoryStatus.ACTIVE).limit(1));
        c.status = 200;
        c.res.status(200);
        c.res.header(HeaderNames.CONTENT_TYPE, "application/x-ndjson");
        try (OutputStream out = new BufferedOutputStream(c.res.outputStream(), 64 * 1024)) {
            engram.export(user, all.equals("true"), out);
        }
    }

    /**
     * Imports NDJSON in the export format into the user ({@link Engram#importUser}): each line is
     * validated and written on its own. A bad line is a 400 naming it; the lines before it were
     * imported, nothing from it on. The body is bounded like every other ({@code --max-body-bytes}):
     * larger imports are sent in several requests (the CLI does).
     */
    private void importUser(Call c) {
        UserId user = user(c);
        String type = c.header("Content-Type").orElse("").split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!type.equals("application/x-ndjson")) {
            throw new ApiException(415, "unsupported_media_type", "send the body as application/x-ndjson (one exported memory per line)");
        }
        byte[] body = c.body();
        try {
            java.nio.charset.StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(body));
        } catch (java.nio.charset.CharacterCodingException e) {
            throw ApiException.badRequest("the body is not valid UTF-8");
        }
        long imported;
        try {
            imported = engram.importUser(user, new java.io.ByteArrayInputStream(body));
        } catch (dev.engram.ImportFormatException e) {
            throw ApiException.badRequest(Json.clean(e.getMessage()) + " (the lines before it were imported, nothing from it on)");
        }
        c.send(200, Json.object().put("imported", imported));
    }
}
