package dev.engram.server.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.engram.server.Json;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpStatelessServerHandler;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** The Helidon-independent HTTP transport on its own, with a recording handler in place of the SDK server. */
class McpHttpTransportTest {
    final List<String> apps = new ArrayList<>();
    final List<String> notified = new ArrayList<>();
    final McpHttpTransport transport = new McpHttpTransport(EngramMcp.mapper(), true);

    McpHttpTransportTest() {
        transport.setMcpHandler(new McpStatelessServerHandler() {
            @Override
            public Mono<McpSchema.JSONRPCResponse> handleRequest(McpTransportContext context, McpSchema.JSONRPCRequest request) {
                apps.add((String) context.get(McpHttpTransport.APP));
                if (request.method().equals("boom")) return Mono.error(new IllegalStateException("bug"));
                return Mono.just(McpSchema.JSONRPCResponse.result(request.id(), Map.of("echo", request.method())));
            }

            @Override
            public Mono<Void> handleNotification(McpTransportContext context, McpSchema.JSONRPCNotification notification) {
                notified.add(notification.method());
                return Mono.empty();
            }
        });
    }

    McpHttpTransport.Reply post(String body, String... headers) {
        Map<String, String> h = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        h.put("Content-Type", "application/json");
        for (int i = 0; i < headers.length; i += 2) {
            if (headers[i + 1] == null) h.remove(headers[i]);
            else h.put(headers[i], headers[i + 1]);
        }
        return transport.post("app-x", h::get, body.getBytes(StandardCharsets.UTF_8));
    }

    static JsonNode json(McpHttpTransport.Reply r) throws Exception {
        return Json.MAPPER.readTree(r.body());
    }

    @Test
    void aRequestIsAnsweredWithTheCallersAppInTheContext() throws Exception {
        McpHttpTransport.Reply r = post("{\"jsonrpc\":\"2.0\",\"id\":\"a1\",\"method\":\"ping\"}");
        assertEquals(200, r.status());
        assertEquals("a1", json(r).get("id").asText());
        assertEquals("ping", json(r).get("result").get("echo").asText());
        assertEquals(List.of("app-x"), apps);
    }

    @Test
    void aNotificationIs202WithNoBody() {
        McpHttpTransport.Reply r = post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        assertEquals(202, r.status());
        assertNull(r.body());
        assertEquals(List.of("notifications/initialized"), notified);
    }

    @Test
    void brokenMessagesAreJsonRpcErrorsNotCrashes() throws Exception {
        McpHttpTransport.Reply parse = post("{\"jsonrpc\":");
        assertEquals(400, parse.status());
        assertEquals(-32700, json(parse).get("error").get("code").asInt());
        assertTrue(json(parse).get("id").isNull());
        McpHttpTransport.Reply utf8 = transport.post("app-x", n -> n.equals("Content-Type") ? "application/json" : null,
                new byte[] {'{', (byte) 0xff, '}'});
        assertEquals(400, utf8.status());
        McpHttpTransport.Reply response = post("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}");
        assertEquals(400, response.status());
        McpHttpTransport.Reply badArgs = post("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/call\",\"params\":{\"name\":\"x\",\"arguments\":[1]}}");
        assertEquals(200, badArgs.status());
        assertEquals(-32602, json(badArgs).get("error").get("code").asInt());
        assertTrue(json(badArgs).get("error").get("message").asText().contains("params.arguments"));
        assertEquals(9, json(badArgs).get("id").asInt());
        McpHttpTransport.Reply bug = post("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"boom\"}");
        assertEquals(500, bug.status());
        assertEquals(-32603, json(bug).get("error").get("code").asInt());
        assertFalse(json(bug).get("error").get("message").asText().contains("bug"), "no internals in the answer");
    }

    @Test
    void headersAreChecked() {
        String ping = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";
        assertEquals(415, post(ping, "Content-Type", "text/plain").status());
        assertEquals(415, post(ping, "Content-Type", null).status());
        assertEquals(406, post(ping, "Accept", "text/html").status());
        assertEquals(200, post(ping, "Accept", "application/json, text/event-stream").status());
        assertEquals(400, post(ping, "MCP-Protocol-Version", "1999-01-01").status());
        assertEquals(200, post(ping, "MCP-Protocol-Version", "2025-06-18").status());
        assertEquals(403, post(ping, "Origin", "https://evil.example").status());
        assertEquals(403, post(ping, "Origin", "null").status());
        assertEquals(200, post(ping, "Origin", "http://127.0.0.1:3000").status());
        assertEquals(200, post(ping, "Origin", "http://[::1]:3000").status());
        assertTrue(apps.size() >= 4);
    }

    @Test
    void loopbackOrigins() {
        assertTrue(McpHttpTransport.loopback("http://localhost"));
        assertTrue(McpHttpTransport.loopback("http://LOCALHOST:8080"));
        assertTrue(McpHttpTransport.loopback("https://127.1.2.3"));
        assertTrue(McpHttpTransport.loopback("http://[::1]:1"));
        assertFalse(McpHttpTransport.loopback("http://localhost.evil.example"));
        assertFalse(McpHttpTransport.loopback("http://127.0.0.1.evil.example"));
        assertFalse(McpHttpTransport.loopback("http://10.0.0.1"));
        assertFalse(McpHttpTransport.loopback("null"));
        assertFalse(McpHttpTransport.loopback("http://%zz"));
    }

    @Test
    void afterCloseRequestsAre503() {
        transport.closeGracefully().block();
        assertEquals(503, post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}").status());
    }
}
