package dev.engram.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A running server through its REST API (docs/server.md). A non-2xx answer becomes a
 * {@link CliException} with the server's error code and message; a refused connection says how
 * to start a server.
 */
final class RemoteBackend implements Backend {
    private static final JsonMapper JSON = new JsonMapper();
    private static final Pattern LINE = Pattern.compile("line (\\d+): (.*)", Pattern.DOTALL);
    private final URI base;
    private final String apiKey;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    RemoteBackend(URI base, String apiKey) {
        this.base = base;
        this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey.strip();
    }

    private HttpRequest.Builder request(String user, String path) {
        if (!user.matches(dev.engram.server.Tenancy.USER_PATTERN) || user.equals(".") || user.equals("..")) {
            throw new CliException("--user: must match " + dev.engram.server.Tenancy.USER_PATTERN + " (and not be '.' or '..')");
        }
        String root = base.toString().replaceAll("/+$", "");
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(root + "/v1/users/" + URLEncoder.encode(user, StandardCharsets.UTF_8) + path))
                .timeout(Duration.ofMinutes(10));
        if (apiKey != null) b.header("Authorization", "Bearer " + apiKey);
        return b;
    }

    private <T> HttpResponse<T> send(HttpRequest r, HttpResponse.BodyHandler<T> handler) throws IOException, InterruptedException {
        try {
            return client.send(r, handler);
        } catch (java.net.ConnectException e) {
            throw new CliException("cannot connect to " + base + " (is `./engram serve` running? or use --data DIR)");
        }
    }

    private JsonNode json(HttpRequest r) throws IOException, InterruptedException {
        HttpResponse<String> res = send(r, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (res.statusCode() / 100 != 2) throw failure(res.statusCode(), res.body());
        return JSON.readTree(res.body());
    }

    /** The server's error as one line: "message (HTTP 400 invalid_request)". */
    static CliException failure(int status, String body) {
        String code = "";
        String message = body;
        try {
            JsonNode e = JSON.readTree(body).path("error");
            if (e.isObject()) {
                code = " " + e.path("code").asText();
                message = e.path("message").asText();
            }
        } catch (IOException notJson) {
            // keep the raw body
        }
        if (message == null || message.isBlank()) message = "no message";
        if (message.length() > 500) message = message.substring(0, 500) + "…";
        return new CliException("server answered " + message + " (HTTP " + status + code + ")");
    }

    private static HttpRequest.BodyPublisher body(JsonNode n) throws IOException {
        return HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(n));
    }

    @Override
    public JsonNode ingest(String user, String session, List<Msg> messages, boolean wait) throws Exception {
        ObjectNode b = JSON.createObjectNode();
        if (session != null) b.put("session_id", session);
        ArrayNode a = b.putArray("messages");
        for (Msg m : messages) {
            ObjectNode o = a.addObject().put("role", m.role()).put("content", m.content());
            if (m.name() != null) o.put("name", m.name());
            if (m.id() != null) o.put("id", m.id());
            if (m.timestamp() != null) o.put("timestamp", m.timestamp().toString());
        }
        if (wait) b.put("wait", true);
        return json(request(user, "/turns").header("Content-Type", "application/json").POST(body(b)).build());
    }

    @Override
    public JsonNode search(String user, String query, int limit, int tokenBudget, boolean sessionConsistent) throws Exception {
        ObjectNode b = JSON.createObjectNode().put("query", query).put("limit", limit);
        if (tokenBudget > 0) b.put("token_budget", tokenBudget);
        if (sessionConsistent) b.put("consistency", "session");
        return json(request(user, "/memories/search").header("Content-Type", "application/json").POST(body(b)).build());
    }

    @Override
    public long export(String user, boolean allVersions, OutputStream out) throws Exception {
        HttpResponse<InputStream> res = send(request(user, "/export?all_versions=" + allVersions).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = res.body()) {
            if (res.statusCode() / 100 != 2) throw failure(res.statusCode(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            byte[] buf = new byte[64 * 1024];
            long lines = 0;
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
                for (int i = 0; i < n; i++) if (buf[i] == '\n') lines++;
            }
            out.flush();
            return lines;
        }
    }

    @Override
    public long importLines(String user, byte[] ndjson) throws Exception {
        HttpResponse<String> res = send(request(user, "/import").header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofByteArray(ndjson)).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (res.statusCode() == 400) {
            String message = JSON.readTree(res.body()).path("error").path("message").asText("");
            Matcher m = LINE.matcher(message);
            if (m.find()) {
                throw new ImportLineException(Long.parseLong(m.group(1)),
                        m.group(2).replace(" (the lines before it were imported, nothing from it on)", ""));
            }
        }
        if (res.statusCode() / 100 != 2) throw failure(res.statusCode(), res.body());
        return JSON.readTree(res.body()).path("imported").asLong();
    }

    @Override
    public JsonNode purge(String user) throws Exception {
        return json(request(user, "").DELETE().build());
    }

    @Override
    public String where() {
        return "server " + base;
    }

    @Override
    public void close() {
        client.close();
    }
}
