package dev.engram.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.engram.Engram;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each metric of docs/operations.md appears in {@code /metrics} after the action it measures, and
 * {@code /health} reports a fail-stopped engine.
 */
class MetricsTest {
    @Test
    void engineAndServerMetricsAppearAfterTheirActions(@TempDir Path dir) {
        try (Engram engram = Fixture.engram(dir);
                EngramServer server = EngramServer.start(engram, false, ServerConfig.loopback());
                Http http = new Http(server.port())) {
            assertEquals(202, http.post("/v1/users/mia/turns",
                    "{\"messages\":[{\"role\":\"user\",\"content\":\"I moved to Lisbon last year and I am vegetarian.\"}]}").status());
            assertEquals(200, http.post("/v1/users/mia/turns",
                    "{\"messages\":[{\"role\":\"user\",\"content\":\"ok\"}],\"wait\":true}").status());
            Http.Res s = http.post("/v1/users/mia/memories/search", "{\"query\":\"where does mia live\",\"consistency\":\"session\"}");
            assertEquals(200, s.status(), s.body());
            assertTrue(s.json().get("memories").size() >= 1, s.body());
            assertEquals(201, http.post("/v1/users/noah/memories", "{\"content\":\"Noah plays the cello.\"}").status());
            assertEquals(200, http.delete("/v1/users/zed").status()); // an unknown user: still a purge, timed

            String m = http.get("/metrics").body();
            assertEquals(2, value(m, "engram_ingestions_total{outcome=\"accepted\"}"), m);
            assertEquals(2, value(m, "engram_ingestions_total{outcome=\"applied\"}"), m);
            assertEquals(0, value(m, "engram_ingestions_total{outcome=\"failed\"}"), m);
            assertEquals(1, value(m, "engram_ingestions_productive_total"), m);
            assertTrue(value(m, "engram_extraction_memories_total") >= 1, m);
            assertTrue(value(m, "engram_wal_fsync_seconds_count") >= 3, m);
            assertTrue(value(m, "engram_wal_fsync_seconds_bucket{le=\"+Inf\"}") >= 3, m);
            assertTrue(value(m, "engram_served_memory_age_seconds_count") >= 1, m);
            assertTrue(value(m, "engram_served_memory_age_seconds_bucket{le=\"60.0\"}") >= 1, "memories just written are young: " + m);
            assertEquals(1, value(m, "engram_purge_seconds_count"), m);
            assertTrue(m.contains("engram_purge_seconds_bucket{le=\"1.0\"}"), m);
            // mia and noah (zed was purged, never stored)
            assertEquals(2, value(m, "engram_user_memories_gcount"), m);
        }
    }

    @Test
    void healthReportsAFailStoppedEngine(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        try (Engram engram = Fixture.engram(data);
                EngramServer server = EngramServer.start(engram, false, ServerConfig.loopback());
                Http http = new Http(server.port())) {
            assertEquals(200, http.get("/health").status());
            assertEquals(201, http.post("/v1/users/olga/memories", "{\"content\":\"Olga flies gliders.\"}").status());
            // A purge rolls the WAL to a new segment file; with a plain file where the WAL directory
            // was, creating it fails (ENOTDIR, also for root): the engine stops writing for good.
            Files.move(data.resolve("wal"), dir.resolve("wal.moved"));
            Files.writeString(data.resolve("wal"), "not a directory");
            Http.Res p = http.delete("/v1/users/olga");
            assertEquals(503, p.status(), p.body());
            assertEquals("storage_failed", p.errorCode(), p.body());
            Http.Res h = http.get("/health");
            assertEquals(503, h.status(), h.body());
            JsonNode j = h.json();
            assertEquals("failed", j.get("status").asText(), h.body());
            assertEquals("storage_failed", j.path("error").path("code").asText(), h.body());
            assertTrue(j.path("error").path("message").asText().contains("I/O failure"), h.body());
            assertEquals(503, http.post("/v1/users/olga/memories", "{\"content\":\"x\"}").status());
        }
    }

    /** The value of the sample named exactly {@code sample} (name with labels), or fails. */
    static double value(String scrape, String sample) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(sample) + " (\\S+)$").matcher(scrape);
        if (!m.find()) throw new AssertionError("no sample " + sample + " in:\n" + scrape);
        return Double.parseDouble(m.group(1));
    }
}
