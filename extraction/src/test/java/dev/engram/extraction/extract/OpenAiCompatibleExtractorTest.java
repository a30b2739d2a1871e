package dev.engram.extraction.extract;

import static dev.engram.extraction.extract.FakeChatServer.content;
import static dev.engram.extraction.extract.FakeChatServer.slow;
import static dev.engram.extraction.extract.FakeChatServer.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The LLM extractor against a real local HTTP server: answers, malformed output, timeouts, 429, 5xx. */
class OpenAiCompatibleExtractorTest {

    private static final Instant T = Instant.parse("2023-05-08T13:56:00Z");
    private static final ExtractionRequest REQUEST = ExtractionRequest.of(
            List.of(new Turn("D1:3", Role.USER, "Caroline", "I went to a support group yesterday.", T),
                    new Turn("D1:4", Role.ASSISTANT, "Melanie", "Wow! I'm off to go swimming.", T)),
            List.of(new Turn("D1:1", Role.USER, "Caroline", "Hey Mel!", T)));

    private static final String VALID = """
            {"memories": [
              {"text": "Caroline went to a support group on 7 May 2023.", "kind": "EVENT", "importance": 0.6,
               "event_time": "2023-05-07", "slot_key": null, "source_turn_ids": ["D1:3"], "retraction": false},
              {"text": "Melanie went swimming.", "kind": "event", "importance": 0.3,
               "event_time": "2023-05-08T15:00:00+02:00", "slot_key": "person.melanie.activity", "source_turn_ids": ["D1:4", "D1:1"],
               "retraction": true}
            ]}""";

    private FakeChatServer server;
    private OpenAiCompatibleExtractor extractor;

    @BeforeEach
    void start() throws IOException {
        server = new FakeChatServer();
        extractor = extractor(b -> b);
    }

    @AfterEach
    void stop() {
        extractor.close();
        server.close();
    }

    private OpenAiCompatibleExtractor extractor(java.util.function.UnaryOperator<OpenAiCompatibleConfig.Builder> tweak) {
        var builder = OpenAiCompatibleConfig.builder(server.baseUrl(), "test-model")
                .apiKey("sk-secret-key")
                .requestTimeout(Duration.ofSeconds(5))
                .maxRetries(2)
                .backoff(Duration.ofMillis(10), Duration.ofMillis(40));
        return new OpenAiCompatibleExtractor(tweak.apply(builder).build());
    }

    private ExtractionException failure(String modelContent) {
        server.then(content(modelContent));
        ExtractionException e = assertThrows(ExtractionException.class, () -> extractor.extract(REQUEST));
        assertEquals(ExtractionException.Reason.MALFORMED_OUTPUT, e.reason(), e.getMessage());
        return e;
    }

    @Test
    void aValidAnswerBecomesCandidatesAndTheRequestFollowsTheProtocol() throws IOException {
        server.then(content(VALID));
        List<Candidate> got = extractor.extract(REQUEST);
        assertEquals(2, got.size());
        Candidate a = got.get(0);
        assertEquals("Caroline went to a support group on 7 May 2023.", a.text());
        assertEquals(MemoryKind.EVENT, a.kind());
        assertEquals(0.6, a.importance());
        assertEquals(Instant.parse("2023-05-07T00:00:00Z"), a.eventTime());
        assertNull(a.slotKey());
        assertEquals(List.of("D1:3"), a.sourceTurnIds());
        Candidate b = got.get(1);
        assertEquals(MemoryKind.EVENT, b.kind(), "kind names are accepted in any case");
        assertEquals(Instant.parse("2023-05-08T13:00:00Z"), b.eventTime());
        assertEquals("person.melanie.activity", b.slotKey());
        assertEquals(List.of("D1:4", "D1:1"), b.sourceTurnIds());
        assertTrue(b.retraction());

        FakeChatServer.Received r = server.received().get(0);
        assertEquals("/v1/chat/completions", r.path());
        assertEquals("Bearer sk-secret-key", r.authorization());
        assertEquals("test-model", r.body().path("model").asText());
        assertEquals(0.0, r.body().path("temperature").asDouble());
        assertEquals("json_schema", r.responseFormatType());
        assertTrue(r.body().path("response_format").path("json_schema").path("strict").asBoolean());
        assertEquals("system", r.body().path("messages").get(0).path("role").asText());
        assertEquals("D1:3", r.userInput().path("new_turns").get(0).path("id").asText());
        assertEquals("Caroline", r.userInput().path("new_turns").get(0).path("speaker").asText());
        assertEquals("D1:1", r.userInput().path("recent_turns").get(0).path("id").asText());
        assertEquals("openai:test-model", extractor.id());
    }

    @Test
    void anEmptyAnswerAndAFencedAnswerAreAccepted() {
        server.then(content("{\"memories\": []}")).then(content("```json\n" + VALID + "\n```"));
        assertEquals(List.of(), extractor.extract(REQUEST));
        assertEquals(2, extractor.extract(REQUEST).size());
    }

    @Test
    void noNewTurnsMeansNoCall() {
        assertEquals(List.of(), extractor.extract(ExtractionRequest.of(List.of())));
        assertEquals(0, server.received().size());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {
        "this is not json",
        "{\"memories\": [",
        "[1, 2, 3]",
        "```json\n{\"memories\": []}",
        "{\"memories\": {}}",
        "{\"memories\": [], \"note\": \"extra\"}",
        "{\"items\": []}",
        "{\"memories\": [\"just a string\"]}"
    })
    void malformedJsonIsATypedError(String content) {
        failure(content);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {
        "\"importance\": \"0.5\"",
        "\"importance\": 1.5",
        "\"importance\": -0.1",
        "\"kind\": \"OPINION\"",
        "\"kind\": 3",
        "\"text\": \"\"",
        "\"text\": 42",
        "\"event_time\": \"yesterday\"",
        "\"event_time\": \"2023-13-45\"",
        "\"slot_key\": \"User Location\"",
        "\"slot_key\": \"location\"",
        "\"source_turn_ids\": []",
        "\"source_turn_ids\": [\"D9:9\"]",
        "\"source_turn_ids\": [\"D1:1\"]",
        "\"source_turn_ids\": \"D1:3\"",
        "\"retraction\": \"false\"",
        "\"confidence\": 0.9"
    })
    void wrongTypesAndValuesRejectTheWholeAnswer(String badField) {
        String field = badField.substring(1, badField.indexOf('"', 1));
        String good = """
                {"text": "Caroline went to a support group.", "kind": "EVENT", "importance": 0.5, "event_time": null,
                 "slot_key": null, "source_turn_ids": ["D1:3"], "retraction": false}""";
        String bad = good.contains("\"" + field + "\"")
                ? good.replaceFirst("\"" + field + "\": (\"[^\"]*\"|\\[[^]]*]|[^,}]+)", java.util.regex.Matcher.quoteReplacement(badField))
                : good.replace("}", ", " + badField + "}");
        ExtractionException e = failure("{\"memories\": [" + good + ", " + bad + "]}");
        assertTrue(e.getMessage().contains("$.memories[1]"), e.getMessage());
    }

    @Test
    void overlongTextIsRejected() {
        String text = "x".repeat(501);
        failure("{\"memories\": [{\"text\": \"" + text + "\", \"kind\": \"FACT\", \"importance\": 0.5, \"event_time\": null,"
                + " \"slot_key\": null, \"source_turn_ids\": [\"D1:3\"], \"retraction\": false}]}");
    }

    @ParameterizedTest(name = "[{index}] missing {0}")
    @ValueSource(strings = {"text", "kind", "importance", "event_time", "slot_key", "source_turn_ids", "retraction"})
    void missingFieldsAreRejected(String field) {
        String memory = """
                {"text": "Caroline went to a support group.", "kind": "EVENT", "importance": 0.5, "event_time": null,
                 "slot_key": null, "source_turn_ids": ["D1:3"], "retraction": false}""";
        String without = memory.replaceFirst("\\s*\"" + field + "\": (\"[^\"]*\"|\\[[^]]*]|[^,}]+),?", "").replace(", }", "}").replace(",}", "}");
        ExtractionException e = failure("{\"memories\": [" + without + "]}");
        assertTrue(e.getMessage().contains(field), e.getMessage());
    }

    @Test
    void brokenEnvelopesAreMalformedOutput() {
        server.then(status(200, "<html>proxy error</html>"))
                .then(status(200, "{\"choices\": []}"))
                .then(status(200, "{\"choices\": [{\"message\": {\"role\": \"assistant\", \"content\": null}}]}"))
                .then(status(200, "{\"choices\": [{\"finish_reason\": \"length\", \"message\": {\"content\": \"{\\\"memories\\\": [\"}}]}"))
                .then(status(200, "{\"choices\": [{\"message\": {\"content\": null, \"refusal\": \"I can't help with that\"}}]}"));
        for (int i = 0; i < 5; i++) {
            ExtractionException e = assertThrows(ExtractionException.class, () -> extractor.extract(REQUEST));
            assertEquals(ExtractionException.Reason.MALFORMED_OUTPUT, e.reason(), e.getMessage());
        }
        assertEquals(5, server.received().size(), "malformed output is not retried inside one call");
    }

    @Test
    void aSlowServerTimesOutAfterTheRetries() {
        server.otherwise(slow(Duration.ofSeconds(2), content(VALID)));
        try (var impatient = extractor(b -> b.requestTimeout(Duration.ofMillis(200)).maxRetries(1))) {
            long start = System.nanoTime();
            ExtractionException e = assertThrows(ExtractionException.class, () -> impatient.extract(REQUEST));
            assertEquals(ExtractionException.Reason.TIMEOUT, e.reason());
            assertTrue(e.reason().retriable());
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(2).toNanos(), "each attempt is cut at the timeout");
        }
        assertEquals(2, server.received().size());
    }

    @Test
    void a429HonoursRetryAfterThenSucceeds() {
        server.then(status(429, "{\"error\":\"slow down\"}", Map.of("Retry-After", "1"))).then(content(VALID));
        long start = System.nanoTime();
        assertEquals(2, extractor.extract(REQUEST).size());
        long waited = System.nanoTime() - start;
        assertTrue(waited >= Duration.ofMillis(950).toNanos(), "waited only " + waited / 1_000_000 + " ms");
        assertEquals(2, server.received().size());
    }

    @Test
    void aRetryAfterBeyondTheLimitFailsAtOnce() {
        server.otherwise(status(429, "{\"error\":\"quota\"}", Map.of("Retry-After", "3600")));
        ExtractionException e = assertThrows(ExtractionException.class, () -> extractor.extract(REQUEST));
        assertEquals(ExtractionException.Reason.RATE_LIMITED, e.reason());
        assertEquals(1, server.received().size());
    }

    @Test
    void repeated429sRunOutOfRetries() {
        server.otherwise(status(429, "{\"error\":\"busy\"}"));
        ExtractionException e = assertThrows(ExtractionException.class, () -> extractor.extract(REQUEST));
        assertEquals(ExtractionException.Reason.RATE_LIMITED, e.reason());
        assertEquals(3, server.received().size(), "one attempt and two retries");
    }

    @Test
    void serverErrorsAreRetriedThenSucceed() {
        server.then(status(500, "{\"error\":\"boom\"}")).then(status(503, "")).then(content(VALID));
        assertEquals(2, extractor.extract(REQUEST).size());
        assertEquals(3, server.received().size());
    }

    @Test
    void persistentServerErrorsFailWithTheStatus() {
        server.otherwise(status(502, "{\"error\":\"bad gateway\"}"));
        ExtractionException e = assertThrows(ExtractionException.class, () -> extractor.extract(REQUEST));
        assertEquals(ExtractionException.Reason.SERVER_ERROR, e.reason());
        assertTrue(e.getMessage().contains("502"), e.getMessage());
        assertEquals(3, server.received().size());
    }

    @Test
    void anAuthenticationErrorIsNotRetriedAndHidesTheKey() {
        server.otherwise(status(401, "{\"error\":\"invalid api key\"}"));
        ExtractionException e = assertThrows(ExtractionException.class, () -> extractor.extract(REQUEST));
        assertEquals(ExtractionException.Reason.REJECTED, e.reason());
        assertFalse(e.reason().retriable());
        assertFalse(e.getMessage().contains("sk-secret-key"));
        assertEquals(1, server.received().size());
    }

    @Test
    void aServerWithoutJsonSchemaGetsJsonObjectAndIsRemembered() {
        server.then(status(400, "{\"error\":{\"message\":\"response_format json_schema is not supported\"}}"))
                .then(content(VALID)).then(content(VALID));
        assertEquals(2, extractor.extract(REQUEST).size());
        assertTrue(extractor.usesJsonObjectFallback());
        extractor.extract(REQUEST);
        List<FakeChatServer.Received> r = server.received();
        assertEquals(List.of("json_schema", "json_object", "json_object"), r.stream().map(FakeChatServer.Received::responseFormatType).toList());
        assertTrue(r.get(1).body().path("messages").get(0).path("content").asText().contains("JSON"),
                "json_object mode needs the word JSON in the prompt");
    }

    @Test
    void jsonObjectModeCanBeChosenUpFront() {
        server.then(content(VALID));
        try (var plain = extractor(b -> b.responseFormat(OpenAiCompatibleConfig.ResponseFormat.JSON_OBJECT).apiKey(null))) {
            plain.extract(REQUEST);
        }
        assertEquals("json_object", server.received().get(0).responseFormatType());
        assertNull(server.received().get(0).authorization());
    }

    @Test
    void anUnreachableServerIsATransportError() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        var config = OpenAiCompatibleConfig.builder(URI.create("http://127.0.0.1:" + port + "/v1"), "m")
                .maxRetries(1).backoff(Duration.ofMillis(5), Duration.ofMillis(5)).build();
        try (var nowhere = new OpenAiCompatibleExtractor(config)) {
            ExtractionException e = assertThrows(ExtractionException.class, () -> nowhere.extract(REQUEST));
            assertEquals(ExtractionException.Reason.TRANSPORT, e.reason(), e.getMessage());
        }
    }

    @Test
    void reconcileReturnsValidatedDecisions() throws IOException {
        var known = List.of(new KnownMemory("m1", "The user lives in Porto.", MemoryKind.FACT, "user.location"),
                new KnownMemory("m2", "The user likes jazz.", MemoryKind.PREFERENCE, null));
        var candidate = new Candidate("The user lives in Lisbon.", MemoryKind.FACT, 0.8, null, "user.location", List.of("t9"), false);
        server.then(content("{\"decisions\": [{\"action\": \"SUPERSEDE\", \"target_id\": \"m1\", \"text\": \"The user lives in Lisbon.\"},"
                + " {\"action\": \"NOOP\", \"target_id\": \"m2\", \"text\": null}]}"));
        List<ReconcileDecision> got = extractor.reconcile(candidate, known);
        assertEquals(List.of(new ReconcileDecision(ReconcileAction.SUPERSEDE, "m1", "The user lives in Lisbon."),
                new ReconcileDecision(ReconcileAction.NOOP, "m2", null)), got);
        var input = server.received().get(0).userInput();
        assertEquals("user.location", input.path("candidate").path("slot_key").asText());
        assertEquals("m1", input.path("existing_memories").get(0).path("id").asText());
        assertEquals("engram_reconcile", server.received().get(0).body().path("response_format").path("json_schema").path("name").asText());
    }

    @Test
    void reconcileWithNothingKnownAddsWithoutACall() {
        var candidate = new Candidate("The user likes tea.", MemoryKind.PREFERENCE, 0.5, null, null, List.of("t1"), false);
        assertEquals(List.of(new ReconcileDecision(ReconcileAction.ADD, null, "The user likes tea.")), extractor.reconcile(candidate, List.of()));
        assertEquals(0, server.received().size());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {
        "{\"decisions\": []}",
        "{\"decisions\": [{\"action\": \"MERGE\", \"target_id\": \"m1\", \"text\": \"x\"}]}",
        "{\"decisions\": [{\"action\": \"DELETE\", \"target_id\": \"m7\", \"text\": null}]}",
        "{\"decisions\": [{\"action\": \"ADD\", \"target_id\": \"m1\", \"text\": \"x\"}]}",
        "{\"decisions\": [{\"action\": \"UPDATE\", \"target_id\": \"m1\", \"text\": null}]}",
        "{\"decisions\": [{\"action\": \"DELETE\", \"target_id\": \"m1\", \"text\": \"why\"}]}",
        "{\"decisions\": [{\"action\": \"NOOP\", \"target_id\": \"m1\", \"text\": null}, {\"action\": \"DELETE\", \"target_id\": \"m1\", \"text\": null}]}",
        "{\"decisions\": [{\"action\": \"ADD\", \"text\": \"x\"}]}",
        "{\"decisions\": [{\"action\": \"ADD\", \"target_id\": null, \"text\": \"x\", \"why\": \"new\"}]}"
    })
    void invalidReconcileAnswersAreRejected(String answer) {
        var known = List.of(new KnownMemory("m1", "The user lives in Porto.", MemoryKind.FACT, "user.location"));
        var candidate = new Candidate("The user lives in Lisbon.", MemoryKind.FACT, 0.8, null, "user.location", List.of("t9"), false);
        server.then(content(answer));
        ExtractionException e = assertThrows(ExtractionException.class, () -> extractor.reconcile(candidate, known));
        assertEquals(ExtractionException.Reason.MALFORMED_OUTPUT, e.reason(), e.getMessage());
    }

    @Test
    void closingTwiceIsHarmless() {
        var x = extractor(b -> b);
        x.close();
        x.close();
    }

    @Test
    void theConfigurationIsValidatedAndHidesTheKey() {
        URI ok = URI.create("http://localhost:1/v1");
        assertThrows(IllegalArgumentException.class, () -> OpenAiCompatibleConfig.builder(URI.create("ftp://x/v1"), "m").build());
        assertThrows(IllegalArgumentException.class, () -> OpenAiCompatibleConfig.builder(ok, " ").build());
        assertThrows(IllegalArgumentException.class, () -> OpenAiCompatibleConfig.builder(ok, "m").maxRetries(-1).build());
        assertThrows(IllegalArgumentException.class, () -> OpenAiCompatibleConfig.builder(ok, "m").requestTimeout(Duration.ZERO).build());
        assertThrows(IllegalArgumentException.class, () -> OpenAiCompatibleConfig.builder(ok, "m").apiKey("has space").build());
        assertThrows(IllegalArgumentException.class,
                () -> OpenAiCompatibleConfig.builder(ok, "m").backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)).build());
        var config = OpenAiCompatibleConfig.builder(ok, "m").apiKey("sk-abc").build();
        assertFalse(config.toString().contains("sk-abc"));
        assertEquals(URI.create("http://localhost:1/v1/chat/completions"), config.endpoint());
        assertEquals(URI.create("http://localhost:1/v1/chat/completions"),
                OpenAiCompatibleConfig.builder(URI.create("http://localhost:1/v1/"), "m").build().endpoint());
    }

    @Test
    void aServerThatStallsInTheMiddleOfTheBodyTimesOut() {
        server.otherwise((ex, body) -> {
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, 10_000);
            ex.getResponseBody().write("{\"choices\": [".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            ex.getResponseBody().flush();
            try {
                Thread.sleep(3_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try (var impatient = extractor(b -> b.requestTimeout(Duration.ofMillis(300)).maxRetries(0))) {
            long start = System.nanoTime();
            ExtractionException e = assertThrows(ExtractionException.class, () -> impatient.extract(REQUEST));
            assertEquals(ExtractionException.Reason.TIMEOUT, e.reason(), e.getMessage());
            assertTrue(System.nanoTime() - start < Duration.ofMillis(2_500).toNanos(), "the deadline covers the body");
        }
    }

    @Test
    void anOversizedResponseIsRejectedWithoutBeingRetried() {
        server.otherwise(content("x".repeat(5 << 20)));
        ExtractionException e = assertThrows(ExtractionException.class, () -> extractor.extract(REQUEST));
        assertEquals(ExtractionException.Reason.MALFORMED_OUTPUT, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains("larger than"), e.getMessage());
        assertEquals(1, server.received().size());
    }
}
