package dev.engram.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.engram.Engram;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Every endpoint of an open (no keys) server on a random loopback port, happy paths and error statuses. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerApiTest {
    EngramServer server;
    Http http;

    @BeforeAll
    void start(@TempDir Path dir) {
        Engram engram = Fixture.engram(dir);
        server = EngramServer.start(engram, true, ServerConfig.loopback());
        http = new Http(server.port());
    }

    @AfterAll
    void stop() {
        http.close();
        server.close();
    }

    @Test
    void healthOpenapiAndMetrics() {
        Http.Res h = http.get("/health");
        assertEquals(200, h.status());
        assertTrue(h.json().get("ready").asBoolean());
        Http.Res o = http.get("/openapi.json");
        assertEquals(200, o.status());
        assertEquals("3.0.3", o.json().get("openapi").asText());
        http.post("/v1/users/metrics-user/memories/search", "{\"query\":\"anything\"}");
        Http.Res m = http.get("/metrics");
        assertEquals(200, m.status());
        for (String name : List.of("engram_retrieval_latency_seconds{quantile=\"0.99\"", "engram_retrieval_seconds_bucket",
                "engram_ingestion_queue_depth", "engram_http_responses_total{status=\"200\"}", "engram_retrieval_relevance")) {
            assertTrue(m.body().contains(name), name + " missing from\n" + m.body());
        }
    }

    @Test
    void ingestThenSearchThenContext() {
        Http.Res r = http.post("/v1/users/alice/turns", """
                {"session_id":"s1","messages":[{"role":"user","content":"I live in Lisbon and I am vegetarian.","name":"Alice","id":"t1","timestamp":"2026-11-24T10:00:00Z"},
                 {"role":"assistant","content":"Noted!"}]}""");
        assertEquals(202, r.status(), r.body());
        String id = r.json().get("ingestion_id").asText();
        assertEquals("accepted", r.json().get("status").asText());
        assertFalse(r.json().get("replayed").asBoolean());

        Http.Res s = http.post("/v1/users/alice/memories/search", """
                {"query":"where does Alice live?","limit":5,"token_budget":500,"consistency":"session"}""");
        assertEquals(200, s.status(), s.body());
        JsonNode mems = s.json().get("memories");
        assertTrue(mems.size() >= 1, s.body());
        JsonNode first = mems.get(0);
        for (String f : List.of("id", "content", "type", "score", "score_parts", "version", "created_at", "updated_at",
                "event_time", "valid_from", "valid_to", "status", "categories", "metadata", "source", "tokens")) {
            assertTrue(first.has(f), f + " missing in " + first);
        }
        assertEquals("s1", first.get("source").get("session_id").asText(), first.toString());
        assertTrue(s.json().get("total_tokens").asInt() > 0);

        Http.Res st = http.get("/v1/users/alice/ingestions/" + id);
        assertEquals(200, st.status(), st.body());
        assertEquals("applied", st.json().get("status").asText());
        assertTrue(st.json().get("memories").size() >= 1);
        assertEquals(404, http.get("/v1/users/alice/ingestions/nope").status());
        assertEquals(404, http.get("/v1/users/bob/ingestions/" + id).status(), "another user's ingestion");

        Http.Res c = http.post("/v1/users/alice/context", """
                {"query":"what should I cook for Alice?","token_budget":200,"base_instructions":"You are helpful."}""");
        assertEquals(200, c.status(), c.body());
        assertTrue(c.json().get("text").asText().startsWith("You are helpful."), c.body());
        assertTrue(c.json().get("memories").size() >= 1, c.body());
    }

    @Test
    void idempotentRetryIsReplayed() {
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"My sister is called Ana.\"}]}";
        HttpRequest.Builder b = http.builder("/v1/users/carol/turns").header("Content-Type", "application/json")
                .header("Idempotency-Key", "retry-1").POST(HttpRequest.BodyPublishers.ofString(body));
        Http.Res first = http.send(b);
        assertEquals(202, first.status(), first.body());
        Http.Res again = http.send(b);
        assertEquals(200, again.status(), again.body());
        assertTrue(again.json().get("replayed").asBoolean());
        assertEquals(first.json().get("ingestion_id"), again.json().get("ingestion_id"));
        Http.Res sync = http.post("/v1/users/carol/turns", "{\"wait\":true,\"messages\":[{\"role\":\"user\",\"content\":\"I play the cello.\"}]}");
        assertEquals(200, sync.status(), sync.body());
        assertEquals("applied", sync.json().get("status").asText());
    }

    @Test
    void ingestionMetadataIsCopiedOntoItsMemories() {
        Http.Res r = http.post("/v1/users/gina/turns", """
                {"wait":true,"metadata":{"channel":"mobile","ticket":"T-17"},"messages":[{"role":"user","content":"I live in Oslo."}]}""");
        assertEquals(200, r.status(), r.body());
        assertEquals("applied", r.json().get("status").asText(), r.body());
        JsonNode mems = http.get("/v1/users/gina/memories").json().get("memories");
        assertTrue(mems.size() >= 1, mems.toString());
        for (JsonNode m : mems) {
            assertEquals("mobile", m.get("metadata").get("channel").asText(), m.toString());
            assertEquals("T-17", m.get("metadata").get("ticket").asText(), m.toString());
        }
        Http.Res filtered = http.post("/v1/users/gina/memories/search", "{\"query\":\"Oslo\",\"metadata\":{\"ticket\":\"T-17\"}}");
        assertEquals(mems.size(), filtered.json().get("memories").size(), filtered.body());

        String msg = ",\"messages\":[{\"role\":\"user\",\"content\":\"I have a dog.\"}]}";
        Http.Res reserved = http.post("/v1/users/gina/turns", "{\"metadata\":{\"engram.slot\":\"x\"}" + msg);
        expect(400, "invalid_request", reserved);
        assertTrue(reserved.json().get("error").get("message").asText().contains("metadata.engram.slot"), reserved.body());
        expect(400, "invalid_request", http.post("/v1/users/gina/turns", "{\"metadata\":{\"n\":1}" + msg));
        expect(400, "invalid_request", http.post("/v1/users/gina/turns", "{\"metadata\":[\"a\"]" + msg));
        expect(400, "invalid_request", http.post("/v1/users/gina/turns", "{\"metadata\":{\"big\":\"" + "x".repeat(9000) + "\"}" + msg));
        StringBuilder many = new StringBuilder("{\"metadata\":{");
        for (int i = 0; i < 65; i++) many.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":\"v\"");
        expect(400, "invalid_request", http.post("/v1/users/gina/turns", many + "}" + msg));
        assertEquals(mems.size(), http.get("/v1/users/gina/memories").json().get("memories").size(), "nothing written by the refusals");
    }

    @Test
    void purgeRemovesTheUserAndAnswersWithAReceipt() {
        assertEquals(201, http.post("/v1/users/erin/memories", "{\"content\":\"Erin's locker code is 4711.\"}").status());
        assertEquals(201, http.post("/v1/users/frank/memories", "{\"content\":\"Frank keeps bees.\"}").status());
        Http.Res p = http.delete("/v1/users/erin");
        assertEquals(200, p.status(), p.body());
        assertEquals(1, p.json().get("memories").asInt());
        assertTrue(p.json().get("user_pseudonym").asText().length() > 0);
        assertTrue(!p.body().contains("4711") && !p.body().contains("erin"), p.body());
        Http.Res after = http.get("/v1/users/erin/memories");
        assertEquals(200, after.status());
        assertEquals(0, after.json().get("memories").size());
        assertEquals(1, http.get("/v1/users/frank/memories").json().get("memories").size(), "another user survives");
        assertEquals(200, http.delete("/v1/users/nobody-here").status(), "purging an unknown user removes nothing");
    }

    @Test
    void memoryLifecycle() {
        Http.Res a = http.post("/v1/users/dave/memories", """
                {"content":"Dave prefers window seats.","type":"preference","importance":0.8,"categories":["travel"],"metadata":{"src":"test"},
                 "event_time":"2026-01-02T03:04:05Z"}""");
        assertEquals(201, a.status(), a.body());
        String id = a.json().get("id").asText();
        assertEquals("preference", a.json().get("type").asText());
        assertNotNull(a.header("Location"));
        String path = "/v1/users/dave/memories/" + id;
        assertEquals("Dave prefers window seats.", http.get(path).json().get("content").asText());

        Http.Res p = http.patch(path, "{\"content\":\"Dave prefers aisle seats.\",\"expected_version\":1}");
        assertEquals(200, p.status(), p.body());
        assertEquals(2, p.json().get("version").asInt());
        Http.Res conflict = http.patch(path, "{\"content\":\"Dave prefers any seat.\",\"expected_version\":1}");
        assertEquals(409, conflict.status(), conflict.body());
        assertEquals("version_conflict", conflict.errorCode());

        Http.Res h = http.get(path + "/history");
        assertEquals(200, h.status());
        assertEquals(2, h.json().get("versions").size());

        Http.Res l = http.get("/v1/users/dave/memories?type=preference&category=travel&status=active&limit=10");
        assertEquals(200, l.status(), l.body());
        assertEquals(1, l.json().get("memories").size());
        assertTrue(l.json().get("next_cursor").isNull());
        http.post("/v1/users/dave/memories", "{\"content\":\"Dave has a dog.\"}");
        Http.Res page1 = http.get("/v1/users/dave/memories?limit=1");
        String cursor = page1.json().get("next_cursor").asText();
        Http.Res page2 = http.get("/v1/users/dave/memories?limit=1&cursor=" + cursor);
        assertEquals(1, page2.json().get("memories").size());
        assertFalse(page1.json().get("memories").get(0).get("id").equals(page2.json().get("memories").get(0).get("id")));

        Http.Res e = http.get("/v1/users/dave/export");
        assertEquals(200, e.status());
        assertEquals("application/x-ndjson", e.header("Content-Type"));
        List<String> lines = e.body().lines().toList();
        assertEquals(2, lines.size(), e.body());
        for (String line : lines) assertTrue(line.startsWith("{\"format\":\"engram.export/1\",\"id\":"), line);
        // the export of every version imports back (into another user), and a bad line is a 400 naming it
        Http.Res all = http.get("/v1/users/dave/export?all_versions=true");
        assertEquals(200, all.status(), all.body());
        assertTrue(all.body().lines().count() > lines.size(), "dave's first memory was patched: " + all.body());
        assertEquals(400, http.get("/v1/users/dave/export?all_versions=yes").status());
        Http.Res imp = http.send(http.builder("/v1/users/dave2/import").header("Content-Type", "application/x-ndjson")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(all.body())));
        assertEquals(200, imp.status(), imp.body());
        assertEquals(all.body().lines().count(), imp.json().get("imported").asLong(), imp.body());
        assertEquals(2, http.get("/v1/users/dave2/memories").json().get("memories").size());
        Http.Res bad = http.send(http.builder("/v1/users/dave3/import").header("Content-Type", "application/x-ndjson")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(all.body().lines().findFirst().orElseThrow() + "\n{\"format\":\"engram.export/1\"}\n")));
        assertEquals(400, bad.status(), bad.body());
        assertTrue(bad.json().path("error").path("message").asText().contains("line 2:"), bad.body());
        assertEquals(1, http.get("/v1/users/dave3/memories").json().get("memories").size(), "the line before the bad one is in");
        assertEquals(415, http.post("/v1/users/dave3/import", lines.get(0)).status());

        assertEquals(204, http.delete(path).status());
        assertEquals(404, http.delete(path).status());
        assertEquals(404, http.get(path).status());
        assertEquals(404, http.get(path + "/history").status());
    }

    @Test
    void errorStatuses() {
        expect(400, "invalid_request", http.post("/v1/users/erin/memories/search", "{\"query\": "));
        expect(400, "invalid_request", http.post("/v1/users/erin/memories/search", "{\"query\":\"x\",\"limit\":\"ten\"}"));
        expect(400, "invalid_request", http.post("/v1/users/erin/memories/search", "{\"query\":\"x\",\"limit\":100000}"));
        expect(400, "invalid_request", http.post("/v1/users/erin/memories/search", "{\"query\":\"x\",\"bogus\":1}"));
        expect(400, "invalid_request", http.post("/v1/users/erin/memories/search", "[1,2]"));
        expect(400, "invalid_request", http.post("/v1/users/erin/memories/search", "{\"query\":\"  \"}"));
        expect(400, "invalid_request", http.post("/v1/users/erin/turns", "{\"messages\":[]}"));
        expect(400, "invalid_request", http.post("/v1/users/erin/turns", "{\"messages\":[{\"role\":\"boss\",\"content\":\"x\"}]}"));
        expect(400, "invalid_request", http.post("/v1/users/erin/memories", "{\"content\":\"x\",\"importance\":7}"));
        expect(400, "invalid_request", http.get("/v1/users/%2e%2e/memories"));
        expect(400, "invalid_request", http.get("/v1/users/a%2Fb/memories"));
        expect(400, "invalid_request", http.get("/v1/users/erin/memories/not-a-uuid"));
        expect(400, "invalid_request", http.get("/v1/users/erin/memories?limit=0"));
        Http.Res field = http.post("/v1/users/erin/turns", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"session_id\":\"" + "s".repeat(300) + "\"}");
        expect(400, "invalid_request", field);
        assertTrue(field.json().get("error").get("message").asText().contains("session_id"), field.body());

        expect(404, "not_found", http.get("/v2/anything"));
        expect(404, "not_found", http.get("/v1/users/erin/memories/0190a5b2-7c3d-7def-8abc-0123456789ab"));
        Http.Res m = http.send(http.builder("/v1/users/erin/memories").PUT(HttpRequest.BodyPublishers.ofString("{}")));
        expect(405, "method_not_allowed", m);
        assertEquals("GET, POST", m.header("Allow"));
        // Expect: 100-continue lets the server refuse before the body is sent (else the client may see the reset first)
        expect(413, "payload_too_large", http.send(http.builder("/v1/users/erin/memories").expectContinue(true)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"content\":\"" + "x".repeat(2 << 20) + "\"}"))));
        expect(415, "unsupported_media_type", http.send(http.builder("/v1/users/erin/memories")
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("{\"content\":\"x\"}"))));
        expect(415, "unsupported_media_type", http.send(http.builder("/v1/users/erin/memories")
                .header("Content-Type", "application/json; charset=latin1").POST(HttpRequest.BodyPublishers.ofString("{\"content\":\"x\"}"))));
        assertEquals(200, http.get("/health").status(), "still serving");
    }

    static void expect(int status, String code, Http.Res r) {
        assertEquals(status, r.status(), r.body());
        assertEquals(code, r.errorCode(), r.body());
    }
}
