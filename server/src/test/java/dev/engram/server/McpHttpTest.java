package dev.engram.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.engram.Engram;
import dev.engram.server.mcp.MemoryTools;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * MCP over Streamable HTTP at {@code /mcp}, driven by the SDK's own client against a real server
 * on a loopback port: the tool list and schemas, every tool, tool errors for bad arguments, the
 * same API keys and app isolation as REST, and the HTTP-level answers (401, 405, parse errors).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class McpHttpTest {
    static final String KEY_A = "mcp-key-for-app-a-012345";
    static final String KEY_B = "mcp-key-for-app-b-012345";
    static final String ADMIN = "mcp-admin-key-0123456789";
    EngramServer server;
    McpSyncClient a;
    McpSyncClient b;

    @BeforeAll
    void start(@TempDir Path dir) {
        Engram engram = Fixture.engram(dir);
        server = EngramServer.start(engram, true,
                ServerConfig.loopback().withKeys(ApiKeys.parse(KEY_A + " app-a\n" + KEY_B + " app-b\n" + ADMIN + " ops admin\n", "test")));
        a = client(server.port(), KEY_A);
        b = client(server.port(), KEY_B);
    }

    @AfterAll
    void stop() {
        if (a != null) a.close();
        if (b != null) b.close();
        server.close();
    }

    static McpSyncClient client(int port, String key) {
        return client(port, key, null);
    }

    static McpSyncClient client(int port, String key, String app) {
        HttpRequest.Builder request = HttpRequest.newBuilder();
        if (key != null) request.header("Authorization", "Bearer " + key);
        if (app != null) request.header("X-Engram-App", app);
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + port)
                .endpoint("/mcp").requestBuilder(request).build();
        McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(60)).build();
        client.initialize();
        return client;
    }

    static McpSchema.CallToolResult call(McpSyncClient c, String tool, Object... kv) {
        Map<String, Object> args = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) args.put((String) kv[i], kv[i + 1]);
        return c.callTool(new McpSchema.CallToolRequest(tool, args));
    }

    /** The result's JSON (its text content), after checking it is not an error. */
    static JsonNode ok(McpSchema.CallToolResult r) {
        assertFalse(Boolean.TRUE.equals(r.isError()), () -> "tool error: " + text(r));
        try {
            return Json.MAPPER.readTree(text(r));
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + text(r), e);
        }
    }

    /** The error text of a tool error, after checking it is one. */
    static String error(McpSchema.CallToolResult r) {
        assertTrue(Boolean.TRUE.equals(r.isError()), () -> "expected a tool error, got " + text(r));
        return text(r);
    }

    static String text(McpSchema.CallToolResult r) {
        return ((McpSchema.TextContent) r.content().getFirst()).text();
    }

    @Test
    void listsTheSevenToolsWithSchemas() {
        List<McpSchema.Tool> tools = a.listTools().tools();
        Set<String> names = new TreeSet<>();
        for (McpSchema.Tool t : tools) {
            names.add(t.name());
            Map<String, Object> schema = t.inputSchema();
            assertEquals("object", schema.get("type"), t.name());
            assertTrue(((List<?>) schema.get("required")).contains("user_id"), t.name() + " requires user_id");
            assertTrue(((Map<?, ?>) schema.get("properties")).containsKey("user_id"), t.name());
            assertEquals(false, schema.get("additionalProperties"), t.name());
            assertNotNull(t.description(), t.name());
        }
        assertEquals(new TreeSet<>(List.of(MemoryTools.ADD, MemoryTools.SEARCH, MemoryTools.CONTEXT, MemoryTools.LIST,
                MemoryTools.GET, MemoryTools.UPDATE, MemoryTools.DELETE)), names);
    }

    @Test
    void everyToolWorks() {
        JsonNode added = ok(call(a, MemoryTools.ADD, "user_id", "alice", "content", "Alice lives in Lisbon and keeps bees.",
                "type", "fact", "importance", 0.8, "categories", List.of("home"), "metadata", Map.of("source", "test")));
        String id = added.get("id").asText();
        assertEquals(1, added.get("version").asInt());
        assertEquals("home", added.get("categories").get(0).asText());

        JsonNode found = ok(call(a, MemoryTools.SEARCH, "user_id", "alice", "query", "where does alice live?", "limit", 5));
        assertEquals(id, found.get("memories").get(0).get("id").asText());
        assertTrue(found.get("memories").get(0).has("score"));

        JsonNode context = ok(call(a, MemoryTools.CONTEXT, "user_id", "alice", "query", "bees", "token_budget", 200));
        assertTrue(context.get("text").asText().contains("Lisbon"), context.toString());

        JsonNode listed = ok(call(a, MemoryTools.LIST, "user_id", "alice", "limit", 10));
        assertEquals(1, listed.get("memories").size());
        assertTrue(listed.get("next_cursor").isNull());

        JsonNode got = ok(call(a, MemoryTools.GET, "user_id", "alice", "memory_id", id));
        assertEquals("Alice lives in Lisbon and keeps bees.", got.get("content").asText());

        JsonNode updated = ok(call(a, MemoryTools.UPDATE, "user_id", "alice", "memory_id", id,
                "content", "Alice lives in Porto and keeps bees.", "expected_version", 1));
        assertEquals(2, updated.get("version").asInt());
        assertTrue(error(call(a, MemoryTools.UPDATE, "user_id", "alice", "memory_id", id, "importance", 0.1,
                "expected_version", 1)).startsWith("version_conflict:"));
        JsonNode before = ok(call(a, MemoryTools.GET, "user_id", "alice", "memory_id", id,
                "as_of", got.get("updated_at").asText()));
        assertTrue(before.get("content").asText().contains("Lisbon"), before.toString());

        JsonNode deleted = ok(call(a, MemoryTools.DELETE, "user_id", "alice", "memory_id", id));
        assertTrue(deleted.get("deleted").asBoolean());
        assertTrue(error(call(a, MemoryTools.DELETE, "user_id", "alice", "memory_id", id)).startsWith("not_found:"));
        assertEquals(0, ok(call(a, MemoryTools.LIST, "user_id", "alice")).get("memories").size());
        assertTrue(error(call(a, MemoryTools.GET, "user_id", "alice", "memory_id", id)).startsWith("not_found:"));
    }

    @Test
    void badArgumentsAreToolErrorsNamingTheField() {
        String missingUser = error(call(a, MemoryTools.SEARCH, "query", "x"));
        assertTrue(missingUser.contains("user_id"), missingUser);
        String badUser = error(call(a, MemoryTools.LIST, "user_id", "../etc"));
        assertTrue(badUser.contains("user_id"), badUser);
        String missingContent = error(call(a, MemoryTools.ADD, "user_id", "carol"));
        assertTrue(missingContent.contains("content"), missingContent);
        String badType = error(call(a, MemoryTools.ADD, "user_id", "carol", "content", "x", "type", "gossip"));
        assertTrue(badType.contains("type"), badType);
        String wrongJsonType = error(call(a, MemoryTools.SEARCH, "user_id", "carol", "query", "x", "limit", "ten"));
        assertTrue(wrongJsonType.contains("limit"), wrongJsonType);
        String outOfRange = error(call(a, MemoryTools.ADD, "user_id", "carol", "content", "x", "importance", 7));
        assertTrue(outOfRange.contains("importance"), outOfRange);
        String unknownField = error(call(a, MemoryTools.ADD, "user_id", "carol", "content", "x", "colour", "red"));
        assertTrue(unknownField.contains("colour"), unknownField);
        String badId = error(call(a, MemoryTools.GET, "user_id", "carol", "memory_id", "not-a-uuid"));
        assertTrue(badId.contains("memory"), badId);
        String badTime = error(call(a, MemoryTools.GET, "user_id", "carol", "memory_id", "0190b1f2-0000-7000-8000-000000000000",
                "as_of", "yesterday"));
        assertTrue(badTime.contains("as_of"), badTime);
        String unknownMemory = error(call(a, MemoryTools.GET, "user_id", "carol", "memory_id", "0190b1f2-0000-7000-8000-000000000000"));
        assertTrue(unknownMemory.startsWith("not_found:"), unknownMemory);
        String noBudget = error(call(a, MemoryTools.CONTEXT, "user_id", "carol", "query", "x"));
        assertTrue(noBudget.contains("token_budget"), noBudget);
        // nothing was written by any of them
        assertEquals(0, ok(call(a, MemoryTools.LIST, "user_id", "carol")).get("memories").size());
        // an unknown tool is a protocol error from the SDK, not a crash; the client stays usable
        assertThrows(RuntimeException.class, () -> call(a, "no_such_tool", "user_id", "carol"));
        assertEquals(0, ok(call(a, MemoryTools.LIST, "user_id", "carol")).get("memories").size());
    }

    @Test
    void appsAreIsolated() {
        JsonNode added = ok(call(a, MemoryTools.ADD, "user_id", "dana", "content", "Dana's locker code is 4711."));
        String id = added.get("id").asText();
        assertEquals(1, ok(call(a, MemoryTools.SEARCH, "user_id", "dana", "query", "locker code")).get("memories").size());
        // app B's dana is another user: nothing to find, and A's memory id is unknown there
        assertEquals(0, ok(call(b, MemoryTools.SEARCH, "user_id", "dana", "query", "locker code")).get("memories").size());
        assertEquals(0, ok(call(b, MemoryTools.LIST, "user_id", "dana")).get("memories").size());
        assertTrue(error(call(b, MemoryTools.GET, "user_id", "dana", "memory_id", id)).startsWith("not_found:"));
        assertTrue(error(call(b, MemoryTools.UPDATE, "user_id", "dana", "memory_id", id, "content", "hacked")).startsWith("not_found:"));
        assertTrue(error(call(b, MemoryTools.DELETE, "user_id", "dana", "memory_id", id)).startsWith("not_found:"));
        // and A's memory is untouched; REST with A's key sees the same memory (same user mapping)
        assertEquals("Dana's locker code is 4711.", ok(call(a, MemoryTools.GET, "user_id", "dana", "memory_id", id)).get("content").asText());
        try (Http rest = new Http(server.port()).withKey(KEY_A)) {
            assertEquals(200, rest.get("/v1/users/dana/memories/" + id).status());
        }
        try (Http rest = new Http(server.port()).withKey(KEY_B)) {
            assertEquals(404, rest.get("/v1/users/dana/memories/" + id).status());
        }
    }

    @Test
    void anAdminKeyActsInTheAppItNamesAndOtherKeysCannot() {
        String id = ok(call(a, MemoryTools.ADD, "user_id", "fay", "content", "Fay plays the cello.")).get("id").asText();
        McpSyncClient admin = client(server.port(), ADMIN, "app-a");
        try {
            assertEquals("Fay plays the cello.", ok(call(admin, MemoryTools.GET, "user_id", "fay", "memory_id", id)).get("content").asText());
        } finally {
            admin.close();
        }
        // B's key naming app-a is refused at the HTTP level (403), as for REST
        assertThrows(RuntimeException.class, () -> client(server.port(), KEY_B, "app-a").close());
    }

    @Test
    void unknownUserHasNoMemoriesRatherThanAnError() {
        assertEquals(0, ok(call(a, MemoryTools.SEARCH, "user_id", "nobody-ever", "query", "anything")).get("memories").size());
        assertEquals(0, ok(call(a, MemoryTools.LIST, "user_id", "nobody-ever")).get("memories").size());
        JsonNode context = ok(call(a, MemoryTools.CONTEXT, "user_id", "nobody-ever", "query", "anything", "token_budget", 100));
        assertEquals(0, context.get("memories").size());
    }

    @Test
    void theHttpLayerAuthenticatesLikeRest() {
        try (Http http = new Http(server.port())) {
            String init = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";
            Http.Res noKey = http.send(http.builder("/mcp").header("Content-Type", "application/json")
                    .header("Accept", "application/json, text/event-stream").POST(HttpRequest.BodyPublishers.ofString(init)));
            assertEquals(401, noKey.status());
            Http keyed = http.withKey(KEY_A);
            Http.Res ping = keyed.send(keyed.builder("/mcp").header("Content-Type", "application/json")
                    .header("Accept", "application/json, text/event-stream").POST(HttpRequest.BodyPublishers.ofString(init)));
            assertEquals(200, ping.status(), ping.body());
            assertEquals(1, ping.json().get("id").asInt());
            Http.Res parse = keyed.send(keyed.builder("/mcp").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{not json")));
            assertEquals(400, parse.status(), parse.body());
            assertEquals(-32700, parse.json().get("error").get("code").asInt());
            Http.Res notJson = keyed.send(keyed.builder("/mcp").header("Content-Type", "text/plain")
                    .POST(HttpRequest.BodyPublishers.ofString(init)));
            assertEquals(415, notJson.status(), notJson.body());
            Http.Res get = keyed.get("/mcp");
            assertEquals(405, get.status());
        }
        // the SDK's client with no key or a wrong one cannot even initialize
        assertThrows(RuntimeException.class, () -> client(server.port(), null).close());
        assertThrows(RuntimeException.class, () -> client(server.port(), "wrong-key-0123456789abcdef").close());
    }

    @Test
    void anOpenServerRefusesForeignOriginsAndServesTheDefaultApp(@TempDir Path dir) {
        try (EngramServer open = EngramServer.start(Fixture.engram(dir), true, ServerConfig.loopback());
                Http http = new Http(open.port())) {
            String ping = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"}";
            Http.Res foreign = http.send(http.builder("/mcp").header("Content-Type", "application/json")
                    .header("Origin", "https://evil.example").POST(HttpRequest.BodyPublishers.ofString(ping)));
            assertEquals(403, foreign.status(), foreign.body());
            Http.Res local = http.send(http.builder("/mcp").header("Content-Type", "application/json")
                    .header("Origin", "http://localhost:6274").POST(HttpRequest.BodyPublishers.ofString(ping)));
            assertEquals(200, local.status(), local.body());
            McpSyncClient c = client(open.port(), null);
            try {
                String id = ok(call(c, MemoryTools.ADD, "user_id", "erin", "content", "Erin prefers tea.")).get("id").asText();
                assertEquals(200, http.get("/v1/users/erin/memories/" + id).status()); // REST's default app: the same user
            } finally {
                c.close();
            }
        }
    }
}
