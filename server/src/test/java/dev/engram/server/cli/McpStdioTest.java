package dev.engram.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.engram.server.Json;
import dev.engram.server.mcp.MemoryTools;
import dev.engram.testkit.ChildJvm;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code engram mcp} as an MCP client starts it: a child JVM on a data directory, driven through
 * the SDK's stdio client transport. Tools work, bad input is a tool error, what was added is
 * there after a restart, and {@code --app} scopes the users.
 */
class McpStdioTest {
    static McpSyncClient start(Path data, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("mcp", "--data", data.toString()));
        args.addAll(List.of(extra));
        List<String> cmd = ChildJvm.command(EngramCli.class, "1g", args.toArray(String[]::new));
        ServerParameters params = ServerParameters.builder(cmd.getFirst()).args(cmd.subList(1, cmd.size())).build();
        StdioClientTransport transport = new StdioClientTransport(params, McpJsonDefaults.getMapper());
        transport.setStdErrorHandler(line -> System.err.println("[engram mcp] " + line));
        McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(120))
                .initializationTimeout(Duration.ofSeconds(180)).build();
        client.initialize();
        return client;
    }

    static McpSchema.CallToolResult call(McpSyncClient c, String tool, Object... kv) {
        Map<String, Object> args = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) args.put((String) kv[i], kv[i + 1]);
        return c.callTool(new McpSchema.CallToolRequest(tool, args));
    }

    static JsonNode ok(McpSchema.CallToolResult r) throws Exception {
        assertFalse(Boolean.TRUE.equals(r.isError()), () -> "tool error: " + text(r));
        return Json.MAPPER.readTree(text(r));
    }

    static String text(McpSchema.CallToolResult r) {
        return ((McpSchema.TextContent) r.content().getFirst()).text();
    }

    @Test
    void servesTheToolsOnStdioOverALocalDataDirectory(@TempDir Path data) throws Exception {
        String id;
        McpSyncClient c = start(data);
        try {
            assertEquals(7, c.listTools().tools().size());
            id = ok(call(c, MemoryTools.ADD, "user_id", "alice", "content", "Alice is allergic to peanuts.", "type", "fact"))
                    .get("id").asText();
            JsonNode found = ok(call(c, MemoryTools.SEARCH, "user_id", "alice", "query", "what is alice allergic to?"));
            assertEquals(id, found.get("memories").get(0).get("id").asText());
            McpSchema.CallToolResult bad = call(c, MemoryTools.ADD, "user_id", "alice", "content", "x", "importance", "high");
            assertTrue(Boolean.TRUE.equals(bad.isError()));
            assertTrue(text(bad).startsWith("invalid_request: importance"), text(bad));
            assertEquals(0, ok(call(c, MemoryTools.LIST, "user_id", "bob")).get("memories").size());
        } finally {
            c.closeGracefully();
        }
        // a new process on the same directory finds it (acknowledged adds are durable)
        c = start(data);
        try {
            assertEquals("Alice is allergic to peanuts.",
                    ok(call(c, MemoryTools.GET, "user_id", "alice", "memory_id", id)).get("content").asText());
        } finally {
            c.closeGracefully();
        }
        // another app's alice is another user
        c = start(data, "--app", "other-app");
        try {
            assertEquals(0, ok(call(c, MemoryTools.LIST, "user_id", "alice")).get("memories").size());
            assertTrue(text(call(c, MemoryTools.GET, "user_id", "alice", "memory_id", id)).startsWith("not_found:"));
            // while it runs, a second engram mcp on the same directory refuses to start (one WAL writer)
            Path err = data.resolveSibling(data.getFileName() + "-second.err");
            Process second = new ProcessBuilder(ChildJvm.command(EngramCli.class, "512m", "mcp", "--data", data.toString()))
                    .redirectError(err.toFile()).start();
            second.getOutputStream().close();
            assertTrue(second.waitFor(180, java.util.concurrent.TimeUnit.SECONDS), "the second server did not exit");
            assertEquals(1, second.exitValue());
            String message = java.nio.file.Files.readString(err);
            assertTrue(message.contains("is in use by another Engram"), message);
        } finally {
            c.closeGracefully();
        }
    }

    /** Raw stdio: stdout carries only JSON-RPC lines, and the end of stdin is a clean exit (0). */
    @Test
    void stdoutIsOnlyJsonRpcAndEndOfInputExitsCleanly(@TempDir Path data) throws Exception {
        Path err = data.resolveSibling(data.getFileName() + ".err");
        Process p = new ProcessBuilder(ChildJvm.command(EngramCli.class, "1g", "mcp", "--data", data.toString()))
                .redirectError(err.toFile()).start();
        try (var in = new java.io.PrintStream(p.getOutputStream(), true, java.nio.charset.StandardCharsets.UTF_8);
                var out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
            in.println("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
                    + "\"capabilities\":{},\"clientInfo\":{\"name\":\"test\",\"version\":\"1\"}}}");
            in.println("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
            in.println("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
            List<JsonNode> lines = new java.util.ArrayList<>();
            for (String line; lines.size() < 2 && (line = out.readLine()) != null; ) {
                lines.add(Json.MAPPER.readTree(line)); // throws if anything but JSON reached stdout
            }
            assertEquals(2, lines.size(), "answers before stdout closed: " + lines + "; stderr: " + java.nio.file.Files.readString(err));
            JsonNode list = lines.get(0).path("id").asInt() == 2 ? lines.get(0) : lines.get(1);
            assertEquals(7, list.path("result").path("tools").size(), list.toString());
            in.close(); // end of input: the server closes the engine and exits
            assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "did not exit after stdin closed");
            assertEquals(0, p.exitValue(), java.nio.file.Files.readString(err));
            assertEquals(null, out.readLine(), "nothing after the answers");
        } finally {
            p.destroyForcibly();
        }
    }
}
