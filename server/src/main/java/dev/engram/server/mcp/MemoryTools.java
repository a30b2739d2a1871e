package dev.engram.server.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.engram.ListRequest;
import dev.engram.RetrieveRequest;
import dev.engram.memory.Memory;
import dev.engram.memory.MemoryId;
import dev.engram.memory.UserId;
import dev.engram.server.ApiException;
import dev.engram.server.Body;
import dev.engram.server.Json;
import dev.engram.server.MemoryService;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The memory tools Engram serves over MCP — {@code add_memory}, {@code search_memories},
 * {@code get_context}, {@code list_memories}, {@code get_memory}, {@code update_memory},
 * {@code delete_memory} — with their JSON schemas, and one {@link #call} that runs any of them
 * through {@link MemoryService} (the same validation, tenancy and engine calls as the REST API).
 *
 * <p>Every tool takes a required {@code user_id}; the engine user is {@code <user_id>@<app>}
 * where the app comes from the transport (the caller's API key over HTTP, the configured app over
 * stdio), never from the arguments. A result is the REST answer's JSON, as text content and as
 * structured content. Any failure — a bad argument, an unknown memory, an overloaded or stopped
 * engine — is a tool error ({@code isError: true}) whose text is {@code "<code>: <message>"},
 * the code and message the REST API would answer; nothing escapes as a protocol error. Stateless
 * and thread-safe.
 */
public final class MemoryTools {
    public static final String ADD = "add_memory";
    public static final String SEARCH = "search_memories";
    public static final String CONTEXT = "get_context";
    public static final String LIST = "list_memories";
    public static final String GET = "get_memory";
    public static final String UPDATE = "update_memory";
    public static final String DELETE = "delete_memory";

    private static final System.Logger LOG = System.getLogger(MemoryTools.class.getName());

    private final MemoryService service;
    private final List<McpSchema.Tool> tools;

    public MemoryTools(MemoryService service) {
        this.service = service;
        this.tools = List.of(addTool(), searchTool(), contextTool(), listTool(), getTool(), updateTool(), deleteTool());
    }

    /** The tool descriptions, in a stable order. */
    public List<McpSchema.Tool> tools() {
        return tools;
    }

    /**
     * Runs tool {@code name} for {@code app} with the caller's {@code arguments}.
     *
     * @return the result, or a tool error ({@code isError}) naming what was wrong; never throws
     *         for bad input or engine failures ({@link Error}s other than stack overflow propagate)
     */
    public McpSchema.CallToolResult call(String app, String name, Map<String, Object> arguments) {
        try {
            ObjectNode args = arguments == null ? Json.object() : Json.MAPPER.valueToTree(arguments);
            Body all = Body.of(args);
            UserId user = MemoryService.user(app, all.string("user_id"));
            String userId = args.remove("user_id").textValue();
            JsonNode result = switch (name) {
                case ADD -> service.add(user, Body.of(args));
                case SEARCH -> service.search(user, Body.of(args));
                case CONTEXT -> service.context(user, Body.of(args));
                case LIST -> {
                    Body b = Body.of(args).only("type", "category", "status", "limit", "cursor");
                    yield service.list(user, b.optString("type"), b.optString("category"), b.optString("status"),
                            b.optInt("limit", 1, ListRequest.MAX_LIMIT), b.optString("cursor"));
                }
                case GET -> {
                    MemoryId id = memoryId(args);
                    yield service.get(user, id, Body.of(args).only("as_of").optInstant("as_of"));
                }
                case UPDATE -> {
                    MemoryId id = memoryId(args);
                    yield service.update(user, id, Body.of(args));
                }
                case DELETE -> {
                    MemoryId id = memoryId(args);
                    Body.of(args).only();
                    service.delete(user, id, userId);
                    yield Json.object().put("deleted", true).put("memory_id", id.toString());
                }
                default -> throw ApiException.notFound("no tool named " + name);
            };
            return McpSchema.CallToolResult.builder()
                    .addTextContent(new String(Json.bytes(result), java.nio.charset.StandardCharsets.UTF_8))
                    .structuredContent(Json.MAPPER.convertValue(result, Map.class))
                    .isError(false)
                    .build();
        } catch (Throwable t) {
            if (t instanceof Error err && !(t instanceof StackOverflowError)) throw err;
            ApiException e = MemoryService.translate(t);
            if (e.status() >= 500) LOG.log(System.Logger.Level.WARNING, "tool " + name + " failed: " + e.code() + ": " + e.getMessage());
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("code", e.code());
            error.put("message", e.getMessage());
            return McpSchema.CallToolResult.builder()
                    .addTextContent(e.code() + ": " + e.getMessage())
                    .structuredContent(Map.of("error", error))
                    .isError(true)
                    .build();
        }
    }

    /** Takes {@code memory_id} out of the arguments (the rest are the operation's fields). */
    private static MemoryId memoryId(ObjectNode args) {
        String raw = Body.of(args).string("memory_id");
        args.remove("memory_id");
        return MemoryService.memoryId(raw);
    }

    // ---------------------------------------------------------------- the tools and their schemas

    private static McpSchema.Tool addTool() {
        Schema s = Schema.withUser();
        s.property("content", string("What to remember, one self-contained statement (at most "
                + Memory.MAX_CONTENT_BYTES + " bytes of UTF-8)."), true);
        memoryFields(s);
        return tool(ADD, "Add a memory", "Store one memory for a user, as given (no extraction). Returns the stored "
                + "memory with its id.", s, false, false);
    }

    private static McpSchema.Tool searchTool() {
        Schema s = Schema.withUser();
        s.property("query", string("What to look for, in natural language."), true);
        s.property("limit", integer("Most memories returned (default 10).", 1, RetrieveRequest.MAX_LIMIT), false);
        s.property("token_budget", integer("Stop adding memories once their text would exceed this many tokens.", 0,
                RetrieveRequest.MAX_TOKEN_BUDGET), false);
        s.property("types", array(enumString("A memory type.", "fact", "preference", "event", "procedural"),
                "Only these memory types.", 8), false);
        s.property("categories", array(string("A category."), "Only memories in one of these categories.", Memory.MAX_CATEGORIES), false);
        s.property("metadata", stringMap("Only memories whose metadata holds all these key/value pairs.",
                Memory.MAX_METADATA_ENTRIES), false);
        s.property("as_of", instant("Search what was known at this instant (ISO-8601, e.g. 2026-11-24T10:00:00Z)."), false);
        s.property("consistency", enumString("eventual (default) or session: wait until the user's earlier ingestions are applied.",
                "eventual", "session"), false);
        s.property("include_superseded", bool("Also return versions that were replaced."), false);
        s.property("include_archived", bool("Also return archived memories."), false);
        s.property("include_expired", bool("Also return expired memories."), false);
        s.property("diversify", bool("Prefer varied results over near-duplicates."), false);
        return tool(SEARCH, "Search memories", "Hybrid (semantic + keyword) search of a user's memories, best first, "
                + "with scores. A user with no memories gets an empty list.", s, true, true);
    }

    private static McpSchema.Tool contextTool() {
        Schema s = Schema.withUser();
        s.property("query", string("The conversation's current question or topic."), true);
        s.property("token_budget", integer("The whole section's size limit in tokens.", 1, RetrieveRequest.MAX_TOKEN_BUDGET), true);
        s.property("base_instructions", string("Fixed text placed before the memories (counted in the budget)."), false);
        return tool(CONTEXT, "Prompt context", "The memories relevant to a query, formatted as a prompt section that fits "
                + "a token budget, plus the memories used.", s, true, true);
    }

    private static McpSchema.Tool listTool() {
        Schema s = Schema.withUser();
        s.property("type", enumString("Only this memory type.", "fact", "preference", "event", "procedural"), false);
        s.property("category", string("Only memories in this category."), false);
        s.property("status", enumString("Only memories in this status (default active).",
                "active", "superseded", "archived", "deleted"), false);
        s.property("limit", integer("Page size (default 100).", 1, ListRequest.MAX_LIMIT), false);
        s.property("cursor", string("next_cursor of the previous page."), false);
        return tool(LIST, "List memories", "One page of a user's memories, oldest first; next_cursor is null on the "
                + "last page.", s, true, true);
    }

    private static McpSchema.Tool getTool() {
        Schema s = Schema.withUser();
        s.property("memory_id", memoryIdSchema(), true);
        s.property("as_of", instant("Return the version current at this instant (ISO-8601)."), false);
        return tool(GET, "Get a memory", "One memory by id: its current version, or the one current at as_of.", s, true, true);
    }

    private static McpSchema.Tool updateTool() {
        Schema s = Schema.withUser();
        s.property("memory_id", memoryIdSchema(), true);
        s.property("content", string("The new text."), false);
        memoryFields(s);
        s.property("expected_version", integer("Only update if the memory is still at this version (else a "
                + "version_conflict error).", 1, Integer.MAX_VALUE), false);
        return tool(UPDATE, "Update a memory", "Write a new version of a memory with the given fields changed; the "
                + "old version stays in its history.", s, false, false);
    }

    private static McpSchema.Tool deleteTool() {
        Schema s = Schema.withUser();
        s.property("memory_id", memoryIdSchema(), true);
        return tool(DELETE, "Delete a memory", "Delete one memory, every version of it (the content is dropped from "
                + "disk at the next compaction). An unknown or already deleted memory is a not_found error.", s, false, true);
    }

    private static void memoryFields(Schema s) {
        s.property("type", enumString("The memory type (default fact).", "fact", "preference", "event", "procedural"), false);
        s.property("importance", number("How much it matters, 0 to 1 (default 0.5).", 0, 1), false);
        s.property("categories", array(string("A category."), "Free-form categories.", Memory.MAX_CATEGORIES), false);
        s.property("metadata", stringMap("String key/value pairs.", Memory.MAX_METADATA_ENTRIES), false);
        s.property("event_time", instant("When the remembered event happens or happened (ISO-8601)."), false);
        s.property("expires_at", instant("Forget the memory after this instant (ISO-8601)."), false);
    }

    private static McpSchema.Tool tool(String name, String title, String description, Schema schema, boolean readOnly,
            boolean idempotent) {
        return McpSchema.Tool.builder()
                .name(name)
                .title(title)
                .description(description)
                .inputSchema(Json.MAPPER.convertValue(schema.node, Map.class))
                .annotations(new McpSchema.ToolAnnotations(title, readOnly, name.equals(DELETE), idempotent, false, null))
                .build();
    }

    /** A tool's input schema: an object of named properties, some required, no others allowed. */
    private static final class Schema {
        final ObjectNode node = Json.object();
        final ObjectNode properties;
        final List<String> required = new ArrayList<>();

        private Schema() {
            node.put("type", "object");
            properties = node.putObject("properties");
            node.put("additionalProperties", false);
        }

        static Schema withUser() {
            Schema s = new Schema();
            ObjectNode u = string("The user whose memories these are (" + MemoryService.USER_PATTERN + "). A user "
                    + "exists once something is stored for them; an unknown user simply has no memories.");
            u.put("pattern", "^" + MemoryService.USER_PATTERN + "$");
            s.property("user_id", u, true);
            return s;
        }

        void property(String name, ObjectNode schema, boolean isRequired) {
            properties.set(name, schema);
            if (isRequired) {
                required.add(name);
                ArrayNode r = node.putArray("required");
                required.forEach(r::add);
            }
        }
    }

    private static ObjectNode string(String description) {
        return Json.object().put("type", "string").put("description", description);
    }

    private static ObjectNode enumString(String description, String... values) {
        ObjectNode o = string(description);
        ArrayNode e = o.putArray("enum");
        for (String v : values) e.add(v);
        return o;
    }

    private static ObjectNode instant(String description) {
        return string(description).put("format", "date-time");
    }

    private static ObjectNode memoryIdSchema() {
        return string("The memory's id (a UUID, as returned by add_memory, search_memories or list_memories).")
                .put("minLength", 36).put("maxLength", 36);
    }

    private static ObjectNode integer(String description, int min, int max) {
        return Json.object().put("type", "integer").put("description", description).put("minimum", min).put("maximum", max);
    }

    private static ObjectNode number(String description, double min, double max) {
        return Json.object().put("type", "number").put("description", description).put("minimum", min).put("maximum", max);
    }

    private static ObjectNode bool(String description) {
        return Json.object().put("type", "boolean").put("description", description);
    }

    private static ObjectNode array(ObjectNode items, String description, int maxItems) {
        ObjectNode o = Json.object().put("type", "array").put("description", description).put("maxItems", maxItems);
        o.set("items", items);
        return o;
    }

    private static ObjectNode stringMap(String description, int maxProperties) {
        ObjectNode o = Json.object().put("type", "object").put("description", description).put("maxProperties", maxProperties);
        o.putObject("additionalProperties").put("type", "string");
        return o;
    }
}
