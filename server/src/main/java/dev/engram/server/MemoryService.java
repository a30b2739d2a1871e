package dev.engram.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.engram.Engram;
import dev.engram.ListRequest;
import dev.engram.MemoryPage;
import dev.engram.MemoryUpdate;
import dev.engram.NewMemory;
import dev.engram.PromptContext;
import dev.engram.Retrieval;
import dev.engram.RetrieveRequest;
import dev.engram.RetrievedMemory;
import dev.engram.memory.Memory;
import dev.engram.memory.MemoryId;
import dev.engram.memory.MemoryStatus;
import dev.engram.memory.MemoryType;
import dev.engram.memory.UserId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The memory operations of the server, independent of the transport: the REST handlers
 * ({@code Api}) and the MCP tools ({@code dev.engram.server.mcp}) call the same methods, so both
 * validate the same fields with the same messages, map users the same way and write through the
 * same per-memory locks. Each method validates its whole input before it calls the engine, so a
 * bad request writes nothing; failures are {@link ApiException}s or engine exceptions, which
 * {@link #translate} maps to the API's error (code and message).
 *
 * <p>Tenancy: the engine user of a call is {@code <user_id>@<app>} ({@link #user}). The app
 * comes from the caller's credentials (API key, or the single app of an open server), never
 * from the request. Thread-safe.
 */
public final class MemoryService {
    public static final String USER_PATTERN = Tenancy.USER_PATTERN;
    /** The fields of a memory a caller may set (add) or change (update). */
    static final String[] MEMORY_FIELDS = {"content", "type", "importance", "categories", "metadata", "event_time", "expires_at"};

    private final Engram engram;
    private final ServerMetrics metrics;
    private final Object[] locks = new Object[64];

    MemoryService(Engram engram, ServerMetrics metrics) {
        this.engram = engram;
        this.metrics = metrics;
        for (int i = 0; i < locks.length; i++) locks[i] = new Object();
    }

    /** A service without server metrics (the stdio MCP server has no HTTP side to export them). */
    public static MemoryService of(Engram engram) {
        return new MemoryService(engram, null);
    }

    Engram engram() {
        return engram;
    }

    /**
     * The engine user for {@code userId} within {@code app}: {@code <user_id>@<app>}.
     *
     * @throws ApiException (400) if {@code userId} is missing or does not match {@value #USER_PATTERN}
     */
    public static UserId user(String app, String userId) {
        try {
            return Tenancy.user(userId, app);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    /** A memory id from a request; a missing or malformed one is a 400 (the engine's ValidationException). */
    public static MemoryId memoryId(String raw) {
        if (raw == null) throw ApiException.badRequest("memory_id: is missing");
        return MemoryId.parse(raw);
    }

    /** Maps any failure to the API's error (status, code, message); only a server bug is a 500. */
    public static ApiException translate(Throwable t) {
        return EngramServer.translate(t);
    }

    // ---------------------------------------------------------------- retrieval

    /** Hybrid search; {@code b} holds the fields of {@code POST …/memories/search}. */
    public ObjectNode search(UserId user, Body b) {
        b.only("query", "limit", "token_budget", "types", "categories", "metadata", "as_of",
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
        return o;
    }

    private Retrieval retrieve(RetrieveRequest r) {
        long start = System.nanoTime();
        Retrieval result = engram.retrieve(r);
        if (metrics != null) metrics.retrieved(System.nanoTime() - start, result.memories());
        return result;
    }

    /**
     * The prompt section and the memories in it; {@code b} holds {@code query, token_budget,
     * base_instructions?}. Same packing as {@link Engram#context} (which returns only the text):
     * retrieve within the budget left after the fixed text, then drop the last memory until the
     * whole text fits.
     */
    public ObjectNode context(UserId user, Body b) {
        b.only("query", "token_budget", "base_instructions");
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
        return o;
    }

    // ---------------------------------------------------------------- memories

    /** Adds a memory; {@code b} holds the memory fields ({@code content} required). Returns the memory. */
    public ObjectNode add(UserId user, Body b) {
        b.only(MEMORY_FIELDS);
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
        return Views.memory(engram.add(user, m));
    }

    /**
     * One page of the user's memories, filters optional (null): {@code type}, {@code category},
     * {@code status} by name, {@code limit} in 1..{@value ListRequest#MAX_LIMIT}, {@code cursor}
     * from the previous page. Returns {@code {memories, next_cursor}}.
     */
    public ObjectNode list(UserId user, String type, String category, String status, Integer limit, String cursor) {
        ListRequest r = ListRequest.of(user);
        if (type != null) r = r.type(type("type", type));
        if (category != null) r = r.category(category);
        if (status != null) r = r.status(status(status));
        if (limit != null) {
            if (limit < 1 || limit > ListRequest.MAX_LIMIT) throw ApiException.badRequest("limit: must be an integer in 1.." + ListRequest.MAX_LIMIT);
            r = r.limit(limit);
        }
        if (cursor != null) r = r.cursor(cursor);
        MemoryPage page = engram.list(r);
        ObjectNode o = Json.object();
        ArrayNode a = o.putArray("memories");
        for (Memory m : page.memories()) a.add(Views.memory(m));
        if (page.nextCursor() != null) o.put("next_cursor", page.nextCursor());
        else o.putNull("next_cursor");
        return o;
    }

    /** The current version of a memory, or the one current at {@code asOf} (null: now). */
    public ObjectNode get(UserId user, MemoryId id, Instant asOf) {
        return Views.memory(asOf == null ? engram.get(user, id) : engram.get(user, id, asOf));
    }

    /**
     * Writes a new version; {@code b} holds any memory field plus {@code expected_version?}, a
     * compare-and-set among the writers of this service (409 {@code version_conflict}).
     */
    public ObjectNode update(UserId user, MemoryId id, Body b) {
        b.only(append(MEMORY_FIELDS, "expected_version"));
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
        return Views.memory(next);
    }

    /**
     * Deletes a memory (a tombstone version).
     *
     * @param userId the caller's user_id, for the message
     * @throws ApiException (404) if the memory is unknown or already deleted
     */
    public void delete(UserId user, MemoryId id, String userId) {
        boolean deleted;
        synchronized (lock(user, id)) {
            deleted = engram.delete(user, id);
        }
        if (!deleted) throw ApiException.notFound("no memory " + id + " for user " + userId);
    }

    private Object lock(UserId user, MemoryId id) {
        return locks[Math.floorMod(31 * user.hashCode() + id.hashCode(), locks.length)];
    }

    static Set<MemoryType> types(Set<String> names) {
        Set<MemoryType> out = EnumSet.noneOf(MemoryType.class);
        for (String n : names) out.add(type("types", n));
        return out;
    }

    static MemoryType type(String field, String name) {
        try {
            return MemoryType.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(field + ": must be fact, preference, event or procedural");
        }
    }

    static MemoryStatus status(String name) {
        try {
            return MemoryStatus.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("status: must be active, superseded, archived or deleted");
        }
    }

    private static String[] append(String[] a, String s) {
        String[] out = java.util.Arrays.copyOf(a, a.length + 1);
        out[a.length] = s;
        return out;
    }
}
