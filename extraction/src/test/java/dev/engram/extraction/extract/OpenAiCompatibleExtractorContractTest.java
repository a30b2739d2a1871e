package dev.engram.extraction.extract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The extractor contract for the LLM extractor, against a local server whose "model" answers
 * deterministically: one FACT per new turn that contains a first-person "I" and is not a question.
 * What this proves is the protocol end to end (request, schema, parsing, ids), not model quality.
 */
class OpenAiCompatibleExtractorContractTest extends ExtractorContract {

    private FakeChatServer server;
    private OpenAiCompatibleExtractor extractor;

    @BeforeEach
    void start() throws IOException {
        server = new FakeChatServer().otherwise((ex, body) -> {
            JsonNode input = FakeChatServer.JSON.readTree(body.path("messages").get(1).path("content").asText());
            ObjectNode answer = FakeChatServer.JSON.createObjectNode();
            ArrayNode memories = answer.putArray("memories");
            for (JsonNode turn : input.path("new_turns")) {
                String text = turn.path("text").asText();
                if (text.matches(".*\\bI\\b.*") && !text.strip().endsWith("?")) {
                    ObjectNode m = memories.addObject();
                    m.put("text", "The user said: " + text).put("kind", "FACT").put("importance", 0.5);
                    m.putNull("event_time").putNull("slot_key");
                    m.putArray("source_turn_ids").add(turn.path("id").asText());
                    m.put("retraction", false);
                }
            }
            FakeChatServer.content(FakeChatServer.JSON.writeValueAsString(answer)).respond(ex, body);
        });
        extractor = new OpenAiCompatibleExtractor(OpenAiCompatibleConfig.builder(server.baseUrl(), "test-model").build());
    }

    @AfterEach
    void stop() {
        extractor.close();
        server.close();
    }

    @Override
    protected Extractor extractor() {
        return extractor;
    }
}
