package dev.engram.extraction.extract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The labelled turns in {@code extract/labelled-turns.json}: dialogues, turns and the memories each should yield. */
record LabelledSet(List<Dialogue> dialogues) {

    record Expected(MemoryKind kind, String text, String slot, String date, boolean retraction) {}

    record LabelledTurn(Turn turn, List<Expected> expected) {}

    record Dialogue(String id, List<LabelledTurn> turns) {
        List<String> speakers() {
            return turns.stream().map(t -> t.turn().speaker()).filter(s -> s != null).distinct().toList();
        }
    }

    static LabelledSet load() {
        try (InputStream in = LabelledSet.class.getResourceAsStream("/extract/labelled-turns.json")) {
            if (in == null) {
                throw new IllegalStateException("extract/labelled-turns.json is not on the test class path");
            }
            JsonNode root = new ObjectMapper().readTree(in);
            List<Dialogue> dialogues = new ArrayList<>();
            for (JsonNode d : root.get("dialogues")) {
                List<LabelledTurn> turns = new ArrayList<>();
                for (JsonNode t : d.get("turns")) {
                    Turn turn = new Turn(t.get("id").asText(), Role.valueOf(t.get("role").asText()),
                            t.get("speaker").isNull() ? null : t.get("speaker").asText(), t.get("content").asText(),
                            Instant.parse(t.get("timestamp").asText()));
                    List<Expected> expected = new ArrayList<>();
                    for (JsonNode e : t.get("expected")) {
                        expected.add(new Expected(MemoryKind.valueOf(e.get("kind").asText()), e.get("text").asText(),
                                e.hasNonNull("slot") ? e.get("slot").asText() : null,
                                e.hasNonNull("date") ? e.get("date").asText() : null,
                                e.path("retraction").asBoolean(false)));
                    }
                    turns.add(new LabelledTurn(turn, List.copyOf(expected)));
                }
                dialogues.add(new Dialogue(d.get("id").asText(), List.copyOf(turns)));
            }
            return new LabelledSet(List.copyOf(dialogues));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
