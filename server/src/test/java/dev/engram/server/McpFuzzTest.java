package dev.engram.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.engram.Engram;
import dev.engram.server.mcp.MemoryTools;
import dev.engram.testkit.Seeded;
import dev.engram.testkit.TestRandom;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded hostile MCP traffic on {@code POST /mcp}: tool calls with random argument names and
 * values (the REST fuzzer's hostile values, wrong types, huge strings, hostile user and memory
 * ids), and broken JSON-RPC. Never a 5xx, never an {@code internal} tool error, and the server
 * still serves afterwards. Replay a failure with the printed {@code -Dengram.seed=…}.
 */
@Seeded
class McpFuzzTest {
    static final int CALLS = Integer.getInteger("engram.fuzz.requests", 1500);
    static final String[] TOOLS = {MemoryTools.ADD, MemoryTools.SEARCH, MemoryTools.CONTEXT, MemoryTools.LIST, MemoryTools.GET,
        MemoryTools.UPDATE, MemoryTools.DELETE};
    static final String[] MCP_FIELDS = {"user_id", "memory_id", "status", "category", "cursor"};
    static final String[] RAW = {
        "", "{", "[]", "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]", "{\"jsonrpc\":\"2.0\"}", "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"tools/call\"}", "{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"tools/list\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":null}", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":[]}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":42}}", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"no/such\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}", "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"add_memory\",\"arguments\":\"x\"}}",
    };

    @Test
    void hostileToolCallsNeverGet5xxOrInternalErrors(TestRandom random, @TempDir Path dir) {
        try (Engram engram = Fixture.engram(dir);
                EngramServer server = EngramServer.start(engram, false, ServerConfig.loopback());
                Http http = new Http(server.port())) {
            Map<Integer, Integer> statuses = new TreeMap<>();
            List<String> failures = new ArrayList<>();
            int toolErrors = 0;
            for (int i = 0; i < CALLS && failures.size() <= 10; i++) {
                String body = random.nextInt(5) == 0 ? FuzzTest.pick(random, RAW) : toolCall(random, i);
                Http.Res r = http.send(http.builder("/mcp").header("Content-Type", "application/json")
                        .header("Accept", "application/json, text/event-stream").POST(HttpRequest.BodyPublishers.ofString(body)));
                statuses.merge(r.status(), 1, Integer::sum);
                if (r.status() >= 500) {
                    failures.add(r.status() + " for: " + body.substring(0, Math.min(300, body.length())));
                } else if (r.status() == 200) {
                    JsonNode result = r.json().path("result");
                    if (result.path("isError").asBoolean(false)) {
                        toolErrors++;
                        String text = result.path("content").path(0).path("text").asText();
                        if (text.startsWith("internal:")) failures.add("internal tool error " + text + " for: " + body.substring(0, Math.min(300, body.length())));
                    }
                }
            }
            System.out.println("mcp fuzz: " + CALLS + " calls, statuses " + statuses + ", tool errors " + toolErrors);
            assertTrue(failures.isEmpty(), String.join("\n", failures));
            Http.Res ping = http.send(http.builder("/mcp").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}")));
            assertEquals(200, ping.status());
        }
    }

    static String toolCall(TestRandom r, int id) {
        StringBuilder args = new StringBuilder("{");
        int n = r.nextInt(6);
        if (r.nextInt(4) > 0) args.append("\"user_id\":\"").append(r.nextBoolean() ? "alice" : FuzzTest.pick(r, FuzzTest.HOSTILE_IDS)
                .replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        for (int i = 0; i < n; i++) {
            if (args.length() > 1) args.append(',');
            String field = r.nextInt(3) == 0 ? FuzzTest.pick(r, MCP_FIELDS) : FuzzTest.pick(r, FuzzTest.FIELDS);
            args.append('"').append(field).append("\":").append(FuzzTest.pick(r, FuzzTest.VALUES));
        }
        args.append('}');
        String arguments = r.nextInt(20) == 0 ? FuzzTest.pick(r, FuzzTest.VALUES) : args.toString();
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + FuzzTest.pick(r, TOOLS)
                + "\",\"arguments\":" + arguments + "}}";
    }
}
