package dev.engram.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.engram.Engram;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hand-written OpenAPI document lists exactly the routes the server serves. */
class OpenApiTest {
    @Test
    void everyRouteIsDocumentedAndNothingElse(@TempDir Path dir) throws Exception {
        try (Engram engram = Fixture.engram(dir);
                EngramServer server = EngramServer.start(engram, false, ServerConfig.loopback());
                Http http = new Http(server.port())) {
            JsonNode doc = http.get("/openapi.json").json();
            Set<String> documented = new TreeSet<>();
            for (var path : (Iterable<java.util.Map.Entry<String, JsonNode>>) doc.get("paths")::fields) {
                for (var op : (Iterable<java.util.Map.Entry<String, JsonNode>>) path.getValue()::fields) {
                    if (!op.getKey().equals("parameters")) documented.add(op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey());
                }
            }
            Set<String> served = new TreeSet<>(server.routes());
            assertEquals(served, documented);
            List<String> missingRefs = new ArrayList<>();
            String text = doc.toString();
            var m = java.util.regex.Pattern.compile("#/components/(\\w+)/(\\w+)").matcher(text);
            while (m.find()) if (doc.path("components").path(m.group(1)).path(m.group(2)).isMissingNode()) missingRefs.add(m.group());
            assertTrue(missingRefs.isEmpty(), "dangling $refs: " + missingRefs);
            JsonNode ingestMetadata = doc.path("components").path("schemas").path("IngestRequest").path("properties").path("metadata");
            assertEquals("string", ingestMetadata.path("additionalProperties").path("type").asText(), "ingestion metadata is a string map");
            assertEquals(dev.engram.memory.Memory.MAX_METADATA_ENTRIES, ingestMetadata.path("maxProperties").asInt());
        }
    }
}
