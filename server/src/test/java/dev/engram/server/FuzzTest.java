package dev.engram.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.Engram;
import dev.engram.testkit.Seeded;
import dev.engram.testkit.TestRandom;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thousands of seeded hostile requests over raw sockets — path traversal in ids, invalid UTF-8
 * and percent-escapes, wrong content types, wrongly typed and huge numbers, deep JSON, random
 * bytes, oversized bodies — must never get a 5xx or a non-JSON error, and the server must keep
 * serving. Replay a failure with the printed {@code -Dengram.seed=…}.
 */
@Seeded
class FuzzTest {
    static final int REQUESTS = Integer.getInteger("engram.fuzz.requests", 3000);

    static final String[] METHODS = {"GET", "POST", "PATCH", "DELETE", "PUT", "HEAD", "OPTIONS", "FOO"};
    static final String[] TEMPLATES = {
        "/v1/users/{u}/turns", "/v1/users/{u}/ingestions/{i}", "/v1/users/{u}/memories/search", "/v1/users/{u}/context",
        "/v1/users/{u}/memories", "/v1/users/{u}/memories/{m}", "/v1/users/{u}/memories/{m}/history", "/v1/users/{u}/export",
        "/v1/users/{u}", "/health", "/metrics", "/openapi.json", "/v1", "/", "/v1/users/{u}/memories/{m}/../../../etc/passwd",
    };
    static final String[] HOSTILE_IDS = {
        "alice", "..", ".", "%2e%2e", "..%2f..%2fetc", "a%2Fb", "%00", "%ff%fe", "%c0%ae%c0%ae", "%", "%zz", "a@b",
        "x".repeat(101), "x".repeat(5000), "%E2%80%AE", "CON", "alice;rm -rf", "${jndi:ldap://x}", "01a20f1c-2753-7f6d-9df0-1f85e0f0a636",
        "0190a5b2-7c3d-7def-8abc-0123456789ab", "00000000-0000-0000-0000-000000000000", "-1", "9".repeat(40),
    };
    static final String[] CONTENT_TYPES = {
        "application/json", "application/json; charset=utf-8", "application/json; charset=utf-16", "text/plain",
        "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "", "application/JSON", "*/*",
    };
    static final String[] QUERIES = {
        "", "?limit=-1", "?limit=99999999999999999999", "?limit=abc", "?type=bogus", "?status=deleted", "?cursor=garbage",
        "?as_of=yesterday", "?as_of=2026-01-01T00:00:00Z", "?cursor=%ff", "?limit=1&limit=2", "?%zz=1", "?category=" + "c".repeat(300),
    };
    static final String[] VALUES = {
        "null", "true", "-1", "0", "1e400", "-1e400", "123456789012345678901234567890", "1.5", "\"\"", "\"x\"", "[]", "{}",
        "\"\\ud800\"", "\"\\u0000\"", "\"2026-11-24T10:00:00Z\"", "\"not a date\"", "[\"fact\",\"nope\"]", "{\"a\":1}",
        "\"" + "z".repeat(40_000) + "\"", "[" + "1,".repeat(2000) + "1]", "\"user\"", "\"session\"", "99999999999",
    };
    static final String[] FIELDS = {
        "query", "limit", "token_budget", "types", "categories", "metadata", "as_of", "consistency", "include_superseded",
        "messages", "session_id", "wait", "content", "type", "importance", "event_time", "expires_at", "expected_version",
        "base_instructions", "role", "name", "id", "timestamp", "__proto__", "",
    };

    @Test
    void hostileRequestsNeverGet5xx(TestRandom random, @TempDir Path dir) throws Exception {
        try (Engram engram = Fixture.engram(dir);
                EngramServer server = EngramServer.start(engram, false, ServerConfig.loopback());
                Http http = new Http(server.port())) {
            http.post("/v1/users/alice/memories", "{\"content\":\"Alice likes tea.\"}");
            Map<Integer, Integer> statuses = new TreeMap<>();
            List<String> failures = new ArrayList<>();
            long deadline = System.nanoTime() + 240_000_000_000L;
            int sent = 0;
            for (; sent < REQUESTS && System.nanoTime() < deadline; sent++) {
                byte[] request = request(random);
                int status = exchange(server.port(), request, failures);
                statuses.merge(status, 1, Integer::sum);
                if (status >= 500 || status == 0) {
                    failures.add(status + " for: " + new String(request, 0, Math.min(300, request.length), StandardCharsets.ISO_8859_1));
                }
                if (failures.size() > 10) break;
            }
            System.out.println("fuzz: " + sent + " requests, statuses " + statuses);
            assertTrue(failures.isEmpty(), String.join("\n", failures));
            assertTrue(sent >= Math.min(REQUESTS, 500), "too few requests in the time bound: " + sent);
            assertEquals(200, http.get("/health").status());
            assertEquals(200, http.post("/v1/users/alice/memories/search", "{\"query\":\"tea\"}").status());
        }
    }

    static byte[] request(TestRandom r) {
        String method = pick(r, METHODS);
        if (r.nextInt(3) > 0) method = r.nextBoolean() ? "POST" : "GET";
        String path = pick(r, TEMPLATES).replace("{u}", pick(r, HOSTILE_IDS)).replace("{i}", pick(r, HOSTILE_IDS))
                .replace("{m}", pick(r, HOSTILE_IDS)) + pick(r, QUERIES);
        byte[] body = body(r);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String head = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
        String type = pick(r, CONTENT_TYPES);
        if (!type.isEmpty()) head += "Content-Type: " + type + "\r\n";
        if (r.nextInt(10) == 0) head += "Idempotency-Key: " + pick(r, HOSTILE_IDS) + "\r\n";
        if (r.nextInt(20) == 0) head += "Authorization: Bearer " + pick(r, HOSTILE_IDS) + "\r\n";
        if (body.length > 0 || method.equals("POST")) head += "Content-Length: " + body.length + "\r\n";
        out.writeBytes((head + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(body);
        return out.toByteArray();
    }

    static byte[] body(TestRandom r) {
        switch (r.nextInt(12)) {
            case 0: return new byte[0];
            case 1: return r.bytes(r.between(1, 2000));
            case 2: return ("[".repeat(r.between(33, 50_000)) + "]".repeat(r.nextInt(3))).getBytes(StandardCharsets.UTF_8);
            case 3: return ("{\"content\":\"" + "y".repeat(r.between(1 << 20, (1 << 20) + 5000)) + "\"}").getBytes(StandardCharsets.UTF_8);
            case 4: {
                byte[] b = "{\"query\":\"caf\u00e9 ??\"}".getBytes(StandardCharsets.UTF_8);
                b[b.length - 4] = (byte) 0xff; // invalid UTF-8 inside a string
                b[b.length - 5] = (byte) 0xc0;
                return b;
            }
            case 5: return "{\"query\":\"tea\"".getBytes(StandardCharsets.UTF_8); // truncated
            case 6: return "{\"a\":1,\"a\":2}".getBytes(StandardCharsets.UTF_8);
            default: {
                StringBuilder sb = new StringBuilder("{");
                int n = r.between(1, 6);
                for (int i = 0; i < n; i++) {
                    if (i > 0) sb.append(',');
                    String field = pick(r, FIELDS);
                    String value = field.equals("messages") && r.nextBoolean()
                            ? "[{\"role\":" + pick(r, VALUES) + ",\"content\":" + pick(r, VALUES) + ",\"timestamp\":" + pick(r, VALUES) + "}]"
                            : pick(r, VALUES);
                    sb.append('"').append(field).append("\":").append(value);
                }
                return sb.append('}').toString().getBytes(StandardCharsets.UTF_8);
            }
        }
    }

    static String pick(TestRandom r, String[] options) {
        return options[r.nextInt(options.length)];
    }

    /** Reads one response: the head, then Content-Length bytes (or up to EOF / 64 KiB without one). */
    static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            buf.write(b);
            String t = buf.toString(StandardCharsets.ISO_8859_1);
            if (t.endsWith("\r\n\r\n")) break;
            if (buf.size() > 64 * 1024) break;
        }
        String head = buf.toString(StandardCharsets.ISO_8859_1);
        var m = java.util.regex.Pattern.compile("(?i)\r\ncontent-length: *(\\d+)").matcher(head);
        if (m.find()) return head + new String(in.readNBytes(Integer.parseInt(m.group(1))), StandardCharsets.ISO_8859_1);
        // chunked (export): up to the last-chunk marker; Helidon leaves closing to the client
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (body.size() < 4 << 20 && (b = in.read()) >= 0) {
            body.write(b);
            if (b == '\n' && body.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n0\r\n\r\n")) break;
        }
        return head + body.toString(StandardCharsets.ISO_8859_1);
    }

    /** Sends one request on a fresh connection; returns the status (0: no answer). */
    static int exchange(int port, byte[] request, List<String> failures) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            try {
                out.write(request);
                out.flush();
            } catch (IOException e) {
                // the server may answer (413) and close before reading a huge body; read what it said
            }
            InputStream in = s.getInputStream();
            String text = readResponse(in);
            if (!text.startsWith("HTTP/1.1 ")) return 0;
            int status = Integer.parseInt(text.substring(9, 12));
            if (status >= 400) {
                int bodyAt = text.indexOf("\r\n\r\n");
                String body = bodyAt < 0 ? "" : text.substring(bodyAt + 4);
                boolean head = new String(request, 0, 5, StandardCharsets.ISO_8859_1).startsWith("HEAD");
                if (!head && !body.contains("\"error\":{\"code\":")) failures.add(status + " without a JSON error body: " + text);
            }
            return status;
        } catch (IOException e) {
            return 0;
        }
    }
}
