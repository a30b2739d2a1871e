package dev.engram.bench.locomo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reader for the LoCoMo conversation format (Maharana et al., ACL 2024; see
 * {@code ../shared/eval/locomo/README.md}): a JSON list of conversations, each with
 * {@code conversation} ({@code speaker_a}, {@code speaker_b}, {@code session_<n>} turn lists and
 * {@code session_<n>_date_time}) and {@code qa} ({@code question}, {@code answer},
 * {@code evidence}, {@code category}).
 *
 * <p>Evidence strings are split ("D8:6; D9:17" names two turns) and normalized ("D:11:26" is read
 * as D11:26); fragments that name no turn ("D") are dropped and counted in
 * {@link Conversation#droppedEvidence()}. Immutable results; the reader is stateless.
 */
public final class LocomoData {
    /** Category 5 (adversarial, no answer) is excluded from the evaluation. */
    public static final int ADVERSARIAL = 5;

    private static final Pattern SESSION = Pattern.compile("session_(\\d+)");
    private static final Pattern EVIDENCE = Pattern.compile("D\\s*:?\\s*(\\d+)\\s*:\\s*(\\d+)");

    private LocomoData() {}

    /** One conversation turn. {@code caption} is the image caption, or null. */
    public record Turn(String id, String speaker, String text, String caption) {
        /** The turn as one retrievable document: "speaker: text", plus the image caption if any. */
        public String document() {
            String doc = speaker + ": " + text;
            return caption == null ? doc : doc + " [image: " + caption + "]";
        }
    }

    /** A session: its number, its date as written in the data, its turns in order. */
    public record Session(int number, String dateTime, List<Turn> turns) {}

    /** A question with its evidence turn ids (split and normalized) and category (1–5). */
    public record Question(String question, String answer, List<String> evidence, int category) {
        /** Whether the evaluation scores it: not adversarial, and naming at least one turn. */
        public boolean scored() {
            return category != ADVERSARIAL && !evidence.isEmpty();
        }
    }

    public record Conversation(String id, String speakerA, String speakerB, List<Session> sessions,
            List<Question> questions, int droppedEvidence) {
        /** All turns, session by session, in order. */
        public List<Turn> turns() {
            List<Turn> all = new ArrayList<>();
            for (Session s : sessions) all.addAll(s.turns());
            return all;
        }
    }

    public static List<Conversation> read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        }
    }

    /**
     * @throws IOException if the JSON is unreadable or not in the LoCoMo shape (the message names
     *                     the source and the conversation)
     */
    public static List<Conversation> read(InputStream in, String source) throws IOException {
        JsonNode root = new ObjectMapper().readTree(in);
        if (root == null || !root.isArray()) throw new IOException(source + ": expected a JSON list of conversations");
        List<Conversation> out = new ArrayList<>();
        int index = 0;
        for (JsonNode c : root) {
            String id = c.path("sample_id").asText("conv-" + index);
            JsonNode conv = c.path("conversation");
            if (!conv.isObject()) throw new IOException(source + ": conversation " + id + " has no 'conversation' object");
            List<Session> sessions = new ArrayList<>();
            for (Map.Entry<String, JsonNode> e : conv.properties()) {
                Matcher m = SESSION.matcher(e.getKey());
                if (!m.matches() || !e.getValue().isArray()) continue;
                int n = Integer.parseInt(m.group(1));
                List<Turn> turns = new ArrayList<>();
                for (JsonNode t : e.getValue()) {
                    String turnId = t.path("dia_id").asText(null);
                    if (turnId == null) throw new IOException(source + ": " + id + " session " + n + " has a turn without dia_id");
                    turns.add(new Turn(turnId, t.path("speaker").asText(""), t.path("text").asText(""),
                            t.hasNonNull("blip_caption") ? t.get("blip_caption").asText() : null));
                }
                sessions.add(new Session(n, conv.path("session_" + n + "_date_time").asText(""), List.copyOf(turns)));
            }
            sessions.sort(Comparator.comparingInt(Session::number));
            List<Question> questions = new ArrayList<>();
            int dropped = 0;
            for (JsonNode q : c.path("qa")) {
                List<String> evidence = new ArrayList<>();
                for (JsonNode ev : q.path("evidence")) dropped += parseEvidence(ev.asText(), evidence);
                questions.add(new Question(q.path("question").asText(""), q.path("answer").asText(""),
                        List.copyOf(new LinkedHashSet<>(evidence)), q.path("category").asInt(0)));
            }
            out.add(new Conversation(id, conv.path("speaker_a").asText(""), conv.path("speaker_b").asText(""),
                    List.copyOf(sessions), List.copyOf(questions), dropped));
            index++;
        }
        return List.copyOf(out);
    }

    /** Adds the turn ids named in one evidence string; returns how many fragments named none. */
    static int parseEvidence(String raw, List<String> into) {
        int dropped = 0;
        for (String part : raw.split("[;,]")) {
            String p = part.trim();
            if (p.isEmpty()) continue;
            Matcher m = EVIDENCE.matcher(p);
            if (m.matches()) into.add("D" + Integer.parseInt(m.group(1)) + ":" + Integer.parseInt(m.group(2)));
            else dropped++;
        }
        return dropped;
    }

    /** Turn ids of a conversation, for checking evidence against. */
    public static Set<String> turnIds(Conversation c) {
        Set<String> ids = new LinkedHashSet<>();
        for (Turn t : c.turns()) ids.add(t.id());
        return ids;
    }
}
