package dev.engram.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.engram.Engram;
import dev.engram.IngestReceipt;
import dev.engram.IngestRequest;
import dev.engram.IngestionStatus;
import dev.engram.ListRequest;
import dev.engram.MemoryPage;
import dev.engram.MemoryUpdate;
import dev.engram.Message;
import dev.engram.NewMemory;
import dev.engram.PromptContext;
import dev.engram.Retrieval;
import dev.engram.RetrieveRequest;
import dev.engram.RetrievedMemory;
import dev.engram.extraction.extract.Role;
import dev.engram.memory.Memory;
import dev.engram.memory.MemoryId;
import dev.engram.memory.MemoryStatus;
import dev.engram.memory.MemoryType;
import dev.engram.memory.UserId;
import io.helidon.http.HeaderNames;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code /v1} handlers: JSON in, engine call, JSON out. Each handler validates its whole
 * request before calling the engine, so a bad request writes nothing. The engine user of a call
 * is {@code <user_id>@<app>}: the app comes from the caller's key, never from the request, so one
 * app cannot name another app's user. Thread-safe (stateless apart from the engine and metrics).
 */
final class Api {
    static final String USER_PATTERN = "[A-Za-z0-9._-]{1,100}";
    private static final Pattern USER = Pattern.compile(USER_PATTERN);
    private static final int MAX_MESSAGES_PARSED = 1000;

    private final Engram engram;
    private final ServerMetrics metrics;
    private final Object[] locks = new Object[64];

    Api(Engram engram, ServerMetrics metrics) {
        this.engram = engram;
        this.metrics = metrics;
        for (int i = 0; i < locks.length; i++) locks[i] = new Object();
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
        r.add("DELETE", "/v1/users/{user_id}", k, this::purge);
    }

    /** Removes every trace of the user (engine purge); answers with the receipt, never content. */
    private void purge(Call c) {
        UserId user = user(c);
        dev.engram.PurgeReceipt p = engram.purge(user);
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
        c.send(200, o);
    }

    /** The engine user for the path's user_id within the caller's app. */
    static UserId user(Call c) {
        String u = c.param("user_id");
        if (u == null || !USER.matcher(u).matches() || u.equals(".") || u.equals("..")) {
            throw ApiException.badRequest("user_id: must match " + USER_PATTERN + " (and not be '.' or '..')");
        }
        return UserId.of(u + "@" + c.app);
    }

    private static MemoryId memoryId(Call c) {
        return MemoryId.parse(c.param("memory_id")); // ValidationException → 400
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
        Body b = c.json().only("query", "limit", "token_budget", "types", "categories", "metadata", "as_of",
                "consistency", "include_superseded", "include_archived", "include_expired", "diversify");
        RetrieveRequest r = RetrieveRequest.of(user, b.string("query"));
        Integer limit = b.optInt("limit", 1, RetrieveRequest.MAX_LIMIT);
        if (limit != null) r = r.limit(limit);
        Integer budget = b.optInt("token_budget", 0, RetrieveRequest.MAX_TOKEN_BUDGET);
        if (budget != null) r = r.tokenBudget(budget);
        Set<String> types = b.optStringSet("types", 8);
        if (types != null) r = r.types(types(types));
        Set<String> categories = b.optStringSet("categories", Memory.MAX_CATEGORIES);
        if (categories != null) r = r.categories(categories);
        var metadata = b.optStringMap("metadata", Memory.MAX_METADATA_ENTRIES);
        if (metadata != null) r = r.metadata(metadata);
        r = r.asOf(b.optInstant("as_of"));
        String consistency = b.optString("consistency");
        if (consistency != null) {
            r = switch (consistency) {
                case "eventual" -> r.consistency(RetrieveRequest.Consistency.EVENTUAL);
                case "session" -> r.sessionConsistent();
                default -> throw ApiException.badRequest("consistency: must be eventual or session");
            };
        }
        r = r.includeSuperseded(b.bool("include_superseded", false)).includeArchived(b.bool("include_archived", false))
                .includeExpired(b.bool("include_expired", false)).diversify(b.bool("diversify", false));
        Retrieval result = retrieve(r);
        ObjectNode o = Json.object();
        o.set("memories", Views.retrievedList(result.memories()));
        o.put("total_tokens", result.totalTokens());
        c.send(200, o);
    }

    private Retrieval retrieve(RetrieveRequest r) {
        long start = System.nanoTime();
        Retrieval result = engram.retrieve(r);
        metrics.retrieved(System.nanoTime() - start, result.memories());
        return result;
    }

    private static Set<MemoryType> types(Set<String> names) {
        Set<MemoryType> out = EnumSet.noneOf(MemoryType.class);
        for (String n : names) out.add(type("types", n));
        return out;
    }

    private static MemoryType type(String field, String name) {
        try {
            return MemoryType.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(field + ": must be fact, preference, event or procedural");
        }
    }

    private static MemoryStatus status(String name) {
        try {
            return MemoryStatus.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("status: must be active, superseded, archived or deleted");
        }
    }

    /**
     * The prompt section and the memories in it. Same packing as {@link Engram#context} (which
     * returns only the text): retrieve within the budget left after the fixed text, then drop the
     * last memory until the whole text fits.
     */
    private void context(Call c) {
        UserId user = user(c);
        Body b = c.json().only("query", "token_budget", "base_instructions");
        String query = b.string("query");
        Integer budget = b.optInt("token_budget", 1, RetrieveRequest.MAX_TOKEN_BUDGET);
        if (budget == null) throw ApiException.badRequest("token_budget: is missing");
        String base = b.optString("base_instructions");
        if (base != null && base.length() > RetrieveRequest.MAX_QUERY_CHARS * 4) {
            throw ApiException.badRequest("base_instructions: at most " + RetrieveRequest.MAX_QUERY_CHARS * 4 + " characters");
        }
        RetrieveRequest probe = RetrieveRequest.of(user, query); // validates the query even when nothing fits
        int fixed = PromptContext.tokens(PromptContext.format(base, List.of())) + PromptContext.tokens(PromptContext.HEADING) + 1;
        List<RetrievedMemory> chosen = new ArrayList<>();
        if (budget > fixed) {
            chosen.addAll(retrieve(probe.limit(RetrieveRequest.MAX_LIMIT).tokenBudget(budget - fixed)).memories());
        }
        String text = PromptContext.format(base, chosen);
        while (!chosen.isEmpty() && PromptContext.tokens(text) > budget) {
            chosen.removeLast();
            text = PromptContext.format(base, chosen);
        }
        ObjectNode o = Json.object();
        o.put("text", text);
        o.set("memories", Views.retrievedList(chosen));
        c.send(200, o);
    }

    // ---------------------------------------------------------------- memories

    private static final String[] MEMORY_FIELDS = {"content", "type", "importance", "categories", "metadata", "event_time", "expires_at"};

    private void add(Call c) {
        UserId user = user(c);
        Body b = c.json().only(MEMORY_FIELDS);
        NewMemory m = NewMemory.of(b.string("content"));
        String type = b.optString("type");
        if (type != null) m = m.type(type("type", type));
        Double importance = b.optDouble("importance", 0, 1);
        if (importance != null) m = m.importance(importance);
        Set<String> categories = b.optStringSet("categories", Memory.MAX_CATEGORIES);
        if (categories != null) m = m.categories(categories);
        var metadata = b.optStringMap("metadata", Memory.MAX_METADATA_ENTRIES);
        if (metadata != null) m = m.metadata(metadata);
        m = m.eventTime(b.optInstant("event_time")).expiresAt(b.optInstant("expires_at"));
        Memory created = engram.add(user, m);
        c.res.header(HeaderNames.LOCATION, "/v1/users/" + c.param("user_id") + "/memories/" + created.id());
        c.send(201, Views.memory(created));
    }

    private void list(Call c) {
        UserId user = user(c);
        ListRequest r = ListRequest.of(user);
        if (c.query("type").isPresent()) r = r.type(type("type", c.query("type").get()));
        if (c.query("category").isPresent()) r = r.category(c.query("category").get());
        if (c.query("status").isPresent()) r = r.status(status(c.query("status").get()));
        if (c.query("limit").isPresent()) r = r.limit(intParam("limit", c.query("limit").get(), 1, ListRequest.MAX_LIMIT));
        if (c.query("cursor").isPresent()) r = r.cursor(c.query("cursor").get());
        MemoryPage page = engram.list(r);
        ObjectNode o = Json.object();
        ArrayNode a = o.putArray("memories");
        for (Memory m : page.memories()) a.add(Views.memory(m));
        if (page.nextCursor() != null) o.put("next_cursor", page.nextCursor());
        else o.putNull("next_cursor");
        c.send(200, o);
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
        Memory m;
        if (asOf.isPresent()) {
            Instant t;
            try {
                t = Instant.parse(asOf.get());
            } catch (DateTimeParseException e) {
                throw ApiException.badRequest("as_of: expected an ISO-8601 instant such as 2026-11-24T10:00:00Z");
            }
            m = engram.get(user, id, t);
        } else {
            m = engram.get(user, id);
        }
        c.send(200, Views.memory(m));
    }

    private void update(Call c) {
        UserId user = user(c);
        MemoryId id = memoryId(c);
        Body b = c.json().only(append(MEMORY_FIELDS, "expected_version"));
        MemoryUpdate u = new MemoryUpdate(b.optString("content"), b.has("type") ? type("type", b.optString("type")) : null,
                b.optDouble("importance", 0, 1), b.optStringSet("categories", Memory.MAX_CATEGORIES),
                b.optStringMap("metadata", Memory.MAX_METADATA_ENTRIES), b.optInstant("event_time"), b.optInstant("expires_at"));
        Integer expected = b.optInt("expected_version", 1, Integer.MAX_VALUE);
        Memory next;
        synchronized (lock(user, id)) { // makes expected_version a real compare-and-set among server writers
            if (expected != null) {
                Memory current = engram.get(user, id);
                if (current.version() != expected) {
                    throw new ApiException(409, "version_conflict", "memory " + id + " is at version " + current.version()
                            + ", not " + expected);
                }
            }
            next = engram.update(user, id, u);
        }
        c.send(200, Views.memory(next));
    }

    private void delete(Call c) {
        UserId user = user(c);
        MemoryId id = memoryId(c);
        boolean deleted;
        synchronized (lock(user, id)) {
            deleted = engram.delete(user, id);
        }
        if (!deleted) throw ApiException.notFound("no memory " + id + " for user " + c.param("user_id"));
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

    /** Every memory of the user, every status, one JSON object per line, read page by page. */
    private void export(Call c) throws Exception {
        UserId user = user(c);
        // Read the first page before committing to 200, so an engine failure is still a JSON error.
        MemoryPage first = engram.list(ListRequest.of(user).status(MemoryStatus.ACTIVE).limit(ListRequest.MAX_LIMIT));
        c.status = 200;
        c.res.status(200);
        c.res.header(HeaderNames.CONTENT_TYPE, "application/x-ndjson");
        try (OutputStream out = new BufferedOutputStream(c.res.outputStream(), 64 * 1024)) {
            for (MemoryStatus s : MemoryStatus.values()) {
                MemoryPage page = s == MemoryStatus.ACTIVE ? first
                        : engram.list(ListRequest.of(user).status(s).limit(ListRequest.MAX_LIMIT));
                while (true) {
                    for (Memory m : page.memories()) {
                        out.write(Json.bytes(Views.memory(m)));
                        out.write('\n');
                    }
                    if (page.nextCursor() == null) break;
                    page = engram.list(ListRequest.of(user).status(s).limit(ListRequest.MAX_LIMIT).cursor(page.nextCursor()));
                }
            }
        }
    }

    private Object lock(UserId user, MemoryId id) {
        return locks[Math.floorMod(31 * user.hashCode() + id.hashCode(), locks.length)];
    }

    private static String[] append(String[] a, String s) {
        String[] out = java.util.Arrays.copyOf(a, a.length + 1);
        out[a.length] = s;
        return out;
    }
}
