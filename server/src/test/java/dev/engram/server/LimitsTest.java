package dev.engram.server;

import static dev.engram.server.ServerApiTest.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.engram.Engram;
import dev.engram.extraction.extract.Candidate;
import dev.engram.extraction.extract.ExtractionRequest;
import dev.engram.extraction.extract.Extractor;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 429 with Retry-After when the extraction queue is full; 503 once the engine is closed. */
class LimitsTest {
    @Test
    void fullQueueIs429WithRetryAfter(@TempDir Path dir) {
        CountDownLatch gate = new CountDownLatch(1);
        Extractor stuck = new Extractor() {
            public String id() { return "stuck"; }
            public List<Candidate> extract(ExtractionRequest r) {
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return List.of();
            }
        };
        try (Engram engram = Fixture.engram(dir, b -> b.extractor(stuck).queueCapacity(1).workers(1));
                EngramServer server = EngramServer.start(engram, false, ServerConfig.loopback());
                Http http = new Http(server.port())) {
            String turn = "{\"messages\":[{\"role\":\"user\",\"content\":\"I like %s.\"}]}";
            assertEquals(202, http.post("/v1/users/q/turns", turn.formatted("tea")).status());
            Http.Res r = http.post("/v1/users/q/turns", turn.formatted("jam"));
            expect(429, "overloaded", r);
            assertNotNull(r.header("Retry-After"));
            gate.countDown();
        }
    }

    @Test
    void closedEngineIs503(@TempDir Path dir) {
        Engram engram = Fixture.engram(dir);
        try (EngramServer server = EngramServer.start(engram, false, ServerConfig.loopback());
                Http http = new Http(server.port())) {
            engram.close();
            expect(503, "unavailable", http.post("/v1/users/q/memories", "{\"content\":\"x\"}"));
            expect(503, "unavailable", http.get("/v1/users/q/memories"));
        }
    }
}
