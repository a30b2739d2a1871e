package dev.engram.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.engram.wal.Durability;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code engram eval FILE}: LoCoMo-style evidence recall of the engine, through the same API
 * users call (a server, or the embedded engine on a data directory). Each conversation of the
 * file becomes a fresh user ({@code eval-<sample>-<random>}); its sessions are ingested in order
 * (speaker B as the assistant, turn ids and session dates kept, applied before the next), then
 * each scored question (not adversarial, with evidence) is a search with a 512-token budget. A
 * question's recall is the share of its evidence turns that the memories returned cover (their
 * source turn ids), walking them in rank order while their text fits 512 tokens at
 * ceil(characters / 4) each — the metric of {@code bench/run locomo} (EvidenceRecall), at one budget.
 * The users are purged at the end unless {@code --keep}.
 */
@Command(name = "eval", mixinStandardHelpOptions = true, description = {
        "Evidence recall at 512 tokens on a LoCoMo-format data set (JSON list of conversations with qa).",
        "Ingests each conversation as a fresh user, asks its questions, purges the users (unless --keep)."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:done (figures on stdout)", "1:failed (message on stderr)", "2:bad usage"})
public final class EvalCommand implements Callable<Integer> {
    static final int BUDGET = 512;
    private static final int MAX_MESSAGES_PER_INGEST = 50;
    private static final Pattern SESSION = Pattern.compile("session_(\\d+)");
    private static final Pattern EVIDENCE = Pattern.compile("D\\s*:?\\s*(\\d+)\\s*:\\s*(\\d+)");
    private static final DateTimeFormatter DATE = new DateTimeFormatterBuilder().parseCaseInsensitive()
            .appendPattern("h:mm a 'on' d MMMM, yyyy").toFormatter(Locale.ENGLISH);

    @Mixin
    Target target;

    @Parameters(paramLabel = "FILE", description = "LoCoMo-format JSON (e.g. ../shared/eval/locomo/locomo-dev.json)")
    Path file;

    @Option(names = "--conversations", defaultValue = "0", description = "evaluate only the first N conversations (0: all)")
    int conversations;

    @Option(names = "--questions", defaultValue = "0", description = "ask only the first N scored questions of each conversation (0: all)")
    int questions;

    @Option(names = "--keep", description = "keep the eval users (default: purge them at the end)")
    boolean keep;

    @Option(names = "--progress", description = "show the progress bar also when stderr is not a terminal")
    boolean progress;

    record Turn(String id, String speaker, String text) {}

    record Session(int number, Instant date, List<Turn> turns) {}

    record Question(String text, List<String> evidence, int category) {}

    record Conversation(String id, String speakerB, List<Session> sessions, List<Question> questions) {}

    @Override
    public Integer call() throws Exception {
        if (conversations < 0 || questions < 0) throw new picocli.CommandLine.ParameterException(target.spec.commandLine(), "--conversations and --questions must be >= 0");
        List<Conversation> data = read(file);
        if (conversations > 0 && data.size() > conversations) data = data.subList(0, conversations);
        long work = 0;
        for (Conversation c : data) {
            for (Session s : c.sessions()) work += s.turns().size();
            work += Math.min(c.questions().size(), questions > 0 ? questions : Integer.MAX_VALUE);
        }
        double sum = 0;
        int scored = 0;
        int turns = 0;
        Map<Integer, double[]> byCategory = new TreeMap<>();
        List<Long> searchNanos = new ArrayList<>();
        long ingestNanos = 0;
        String suffix = HexFormat.of().formatHex(java.security.SecureRandom.getSeed(4));
        String where;
        try (Backend b = target.open(Durability.interval(Duration.ofMillis(50)));
                Progress bar = new Progress("eval", work, progress)) {
            where = b.where();
            List<String> users = new ArrayList<>();
            try {
                for (Conversation c : data) {
                    String user = ("eval-" + c.id().replaceAll("[^A-Za-z0-9._-]", "_") + "-" + suffix);
                    if (user.length() > 100) user = user.substring(user.length() - 100);
                    users.add(user);
                    long t0 = System.nanoTime();
                    for (Session s : c.sessions()) {
                        List<Backend.Msg> batch = new ArrayList<>();
                        for (Turn t : s.turns()) {
                            String role = t.speaker().equals(c.speakerB()) ? "assistant" : "user";
                            batch.add(new Backend.Msg(role, t.text(), t.speaker().isEmpty() ? null : t.speaker(), t.id(), s.date()));
                            if (batch.size() == MAX_MESSAGES_PER_INGEST) {
                                b.ingest(user, "session_" + s.number(), batch, true);
                                bar.step(batch.size());
                                batch = new ArrayList<>();
                            }
                        }
                        if (!batch.isEmpty()) {
                            b.ingest(user, "session_" + s.number(), batch, true);
                            bar.step(batch.size());
                        }
                        turns += s.turns().size();
                    }
                    ingestNanos += System.nanoTime() - t0;
                    int asked = 0;
                    for (Question q : c.questions()) {
                        if (questions > 0 && asked == questions) break;
                        asked++;
                        long q0 = System.nanoTime();
                        JsonNode answer = b.search(user, q.text(), 100, BUDGET, true);
                        searchNanos.add(System.nanoTime() - q0);
                        double r = recall(q.evidence(), answer.path("memories"));
                        sum += r;
                        scored++;
                        double[] cat = byCategory.computeIfAbsent(q.category(), k -> new double[2]);
                        cat[0] += r;
                        cat[1]++;
                        bar.step(1);
                        bar.message(String.format(Locale.ROOT, "recall@%d %.3f", BUDGET, sum / scored));
                    }
                }
            } finally {
                if (!keep) {
                    for (String u : users) {
                        try {
                            b.purge(u);
                        } catch (Exception e) {
                            Output.note("engram eval: could not purge eval user " + u + ": " + e.getMessage());
                        }
                    }
                }
            }
        }
        if (scored == 0) throw new CliException(file + ": no scored question (every one adversarial or without evidence)");
        long[] lat = searchNanos.stream().mapToLong(Long::longValue).sorted().toArray();
        double p50 = lat[lat.length / 2] / 1e6;
        double recall = sum / scored;
        var out = System.out;
        out.printf(Locale.ROOT, "engram eval: %s, %d conversation(s), %d turn(s), %d question(s) scored, against %s%n",
                file.getFileName(), data.size(), turns, scored, where);
        out.printf(Locale.ROOT, "evidence recall @%d tokens: %.3f%n", BUDGET, recall);
        for (Map.Entry<Integer, double[]> e : byCategory.entrySet()) {
            out.printf(Locale.ROOT, "  %-12s %.3f  (n=%d)%n", categoryName(e.getKey()), e.getValue()[0] / e.getValue()[1], (int) e.getValue()[1]);
        }
        out.printf(Locale.ROOT, "ingestion %.1f s (%.1f turns/s, each applied before the next), search p50 %.1f ms%n",
                ingestNanos / 1e9, turns / Math.max(1e-9, ingestNanos / 1e9), p50);
        out.printf(Locale.ROOT, "RESULT eval recall_at_%d=%.4f questions=%d conversations=%d%n", BUDGET, recall, scored, data.size());
        out.flush();
        if (keep) Output.note("engram eval: kept the eval users (suffix -" + suffix + ")");
        return 0;
    }

    /** Share of {@code evidence} covered by the memories' source turns, in rank order within the budget. */
    static double recall(List<String> evidence, JsonNode memories) {
        Set<String> covered = new HashSet<>();
        int used = 0;
        for (JsonNode m : memories) {
            String text = m.path("content").asText();
            int cost = (text.codePointCount(0, text.length()) + 3) / 4;
            if (used + cost > BUDGET) break;
            used += cost;
            for (JsonNode t : m.path("source").path("turn_ids")) covered.add(t.asText());
        }
        int hit = 0;
        for (String e : evidence) if (covered.contains(e)) hit++;
        return (double) hit / evidence.size();
    }

    static String categoryName(int category) {
        return switch (category) {
            case 1 -> "multi-hop";
            case 2 -> "temporal";
            case 3 -> "open-domain";
            case 4 -> "single-hop";
            default -> "category " + category;
        };
    }

    /** Reads the LoCoMo JSON; scored questions only. Errors name the file and the conversation. */
    static List<Conversation> read(Path file) {
        JsonNode root;
        try {
            root = new JsonMapper().readTree(Files.readAllBytes(file));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new CliException("no file " + file);
        } catch (java.io.IOException e) {
            throw new CliException(file + ": not JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        if (root == null || !root.isArray()) throw new CliException(file + ": expected a JSON list of conversations (LoCoMo format)");
        List<Conversation> out = new ArrayList<>();
        int index = 0;
        for (JsonNode c : root) {
            String id = c.path("sample_id").asText("conv-" + index);
            JsonNode conv = c.path("conversation");
            if (!conv.isObject()) throw new CliException(file + ": conversation " + id + " has no 'conversation' object");
            List<Session> sessions = new ArrayList<>();
            Instant last = Instant.EPOCH;
            List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
            conv.properties().forEach(entries::add);
            entries.sort((a, b) -> Integer.compare(sessionNumber(a.getKey()), sessionNumber(b.getKey())));
            for (Map.Entry<String, JsonNode> e : entries) {
                int n = sessionNumber(e.getKey());
                if (n < 0 || !e.getValue().isArray()) continue;
                Instant date = parseDate(conv.path("session_" + n + "_date_time").asText(""), last);
                last = date;
                List<Turn> turns = new ArrayList<>();
                for (JsonNode t : e.getValue()) {
                    String turnId = t.path("dia_id").asText(null);
                    if (turnId == null) throw new CliException(file + ": " + id + " session " + n + " has a turn without dia_id");
                    String text = t.path("text").asText("");
                    if (!text.isBlank()) turns.add(new Turn(turnId, t.path("speaker").asText(""), text));
                }
                sessions.add(new Session(n, date, turns));
            }
            List<Question> qs = new ArrayList<>();
            for (JsonNode q : c.path("qa")) {
                List<String> evidence = new ArrayList<>();
                for (JsonNode ev : q.path("evidence")) {
                    for (String part : ev.asText().split("[;,]")) {
                        Matcher m = EVIDENCE.matcher(part.trim());
                        if (m.matches()) evidence.add("D" + Integer.parseInt(m.group(1)) + ":" + Integer.parseInt(m.group(2)));
                    }
                }
                int category = q.path("category").asInt(0);
                String text = q.path("question").asText("");
                if (category != 5 && !evidence.isEmpty() && !text.isBlank()) {
                    qs.add(new Question(text, List.copyOf(new java.util.LinkedHashSet<>(evidence)), category));
                }
            }
            out.add(new Conversation(id, conv.path("speaker_b").asText(""), sessions, qs));
            index++;
        }
        if (out.isEmpty()) throw new CliException(file + ": no conversation");
        return out;
    }

    private static int sessionNumber(String key) {
        Matcher m = SESSION.matcher(key);
        return m.matches() ? Integer.parseInt(m.group(1)) : -1;
    }

    private static Instant parseDate(String text, Instant fallback) {
        if (text == null || text.isBlank()) return fallback;
        try {
            return LocalDateTime.parse(text.trim(), DATE).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            return fallback;
        }
    }

}
