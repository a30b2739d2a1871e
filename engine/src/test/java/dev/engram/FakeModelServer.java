package dev.engram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.engram.extraction.extract.OpenAiCompatibleConfig;
import dev.engram.extraction.extract.OpenAiCompatibleExtractor;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A real HTTP server on a random loopback port playing an OpenAI-compatible chat-completions
 * endpoint for the engine's tests: extraction calls and reconcile calls (told apart by their
 * input: a reconcile call carries a {@code candidate}) are answered by the test's functions, which
 * see the parsed input (turn ids, offered memory ids). Records every reconcile input. Thread-safe.
 */
final class FakeModelServer implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    /** The content the model answers for one input, or {@code null} to hang until the client gives up. */
    @FunctionalInterface
    interface Answer {
        String content(JsonNode input) throws IOException;
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final List<JsonNode> reconcileInputs = new CopyOnWriteArrayList<>();
    private volatile Answer extract = in -> "{\"memories\": []}";
    private volatile Answer reconcile = in -> "{\"decisions\": [{\"action\": \"ADD\", \"target_id\": null, \"text\": "
            + JSON.writeValueAsString(in.path("candidate").path("text").asText()) + "}]}";

    FakeModelServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** An extractor talking to this server: 3 s timeout (a hanging answer times out), no retries of its own. */
    OpenAiCompatibleExtractor extractor() {
        URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
        return new OpenAiCompatibleExtractor(OpenAiCompatibleConfig.builder(base, "fake-model")
                .requestTimeout(Duration.ofSeconds(3)).maxRetries(0).build());
    }

    FakeModelServer onExtract(Answer a) {
        extract = a;
        return this;
    }

    FakeModelServer onReconcile(Answer a) {
        reconcile = a;
        return this;
    }

    /** The input of every reconcile call so far (candidate, existing_memories). */
    List<JsonNode> reconcileInputs() {
        return List.copyOf(reconcileInputs);
    }

    /** An extraction answer: one memory citing {@code turnId}. */
    static String memory(String text, String kind, String slot, String turnId, boolean retraction) throws IOException {
        ObjectNode m = JSON.createObjectNode();
        m.put("text", text).put("kind", kind).put("importance", 0.6).putNull("event_time").put("slot_key", slot);
        m.putArray("source_turn_ids").add(turnId);
        m.put("retraction", retraction);
        ObjectNode root = JSON.createObjectNode();
        root.putArray("memories").add(m);
        return JSON.writeValueAsString(root);
    }

    /** A reconcile answer with one decision. */
    static String decision(String action, String targetId, String text) throws IOException {
        ObjectNode d = JSON.createObjectNode();
        d.put("action", action).put("target_id", targetId).put("text", text);
        ObjectNode root = JSON.createObjectNode();
        root.putArray("decisions").add(d);
        return JSON.writeValueAsString(root);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            JsonNode body = JSON.readTree(ex.getRequestBody().readAllBytes());
            JsonNode input = JSON.readTree(body.path("messages").get(1).path("content").asText());
            boolean isReconcile = input.has("candidate");
            if (isReconcile) reconcileInputs.add(input);
            String content = (isReconcile ? reconcile : extract).content(input);
            if (content == null) {
                try {
                    Thread.sleep(Duration.ofSeconds(30)); // the client times out first; close() interrupts
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            ObjectNode root = JSON.createObjectNode();
            root.put("id", "chatcmpl-test").put("object", "chat.completion");
            ObjectNode choice = root.putArray("choices").addObject();
            choice.put("index", 0).put("finish_reason", "stop");
            choice.putObject("message").put("role", "assistant").put("content", content);
            byte[] bytes = JSON.writeValueAsBytes(root);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, bytes.length);
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
