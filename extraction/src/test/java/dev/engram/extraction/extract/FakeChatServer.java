package dev.engram.extraction.extract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A real HTTP server on a random loopback port playing an OpenAI-compatible chat-completions
 * endpoint: each request takes the next scripted responder, or the default one when the script is
 * empty. Records every request (path, headers, JSON body). Thread-safe.
 */
final class FakeChatServer implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    /** How the server answers one request. */
    @FunctionalInterface
    interface Responder {
        void respond(HttpExchange exchange, JsonNode body) throws IOException;
    }

    /** One received request. */
    record Received(String path, String authorization, JsonNode body) {
        String responseFormatType() {
            return body.path("response_format").path("type").asText();
        }

        /** The user message, parsed (the turns and memories the extractor sent). */
        JsonNode userInput() throws IOException {
            return JSON.readTree(body.path("messages").get(1).path("content").asText());
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final ConcurrentLinkedDeque<Responder> script = new ConcurrentLinkedDeque<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile Responder fallback = status(500, "{\"error\":\"no scripted answer\"}");

    FakeChatServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
    }

    FakeChatServer then(Responder r) {
        script.add(r);
        return this;
    }

    FakeChatServer otherwise(Responder r) {
        fallback = r;
        return this;
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] bytes = exchange.getRequestBody().readAllBytes();
            JsonNode body = JSON.readTree(bytes);
            received.add(new Received(exchange.getRequestURI().getPath(), exchange.getRequestHeaders().getFirst("Authorization"), body));
            Responder r = script.poll();
            (r == null ? fallback : r).respond(exchange, body);
        }
    }

    /** A 200 answer whose first choice carries {@code content}. */
    static Responder content(String content) {
        return (ex, body) -> {
            ObjectNode root = JSON.createObjectNode();
            root.put("id", "chatcmpl-test").put("object", "chat.completion");
            ObjectNode choice = root.putArray("choices").addObject();
            choice.put("index", 0).put("finish_reason", "stop");
            choice.putObject("message").put("role", "assistant").put("content", content);
            send(ex, 200, JSON.writeValueAsString(root), Map.of());
        };
    }

    static Responder status(int code, String body) {
        return status(code, body, Map.of());
    }

    static Responder status(int code, String body, Map<String, String> headers) {
        return (ex, req) -> send(ex, code, body, headers);
    }

    static Responder slow(Duration delay, Responder then) {
        return (ex, body) -> {
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            then.respond(ex, body);
        };
    }

    static void send(HttpExchange ex, int code, String body, Map<String, String> headers) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        headers.forEach((k, v) -> ex.getResponseHeaders().set(k, v));
        ex.sendResponseHeaders(code, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
