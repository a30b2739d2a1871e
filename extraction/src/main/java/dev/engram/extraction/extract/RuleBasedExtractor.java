package dev.engram.extraction.extract;

import dev.engram.extraction.internal.extract.Draft;
import dev.engram.extraction.internal.extract.Importance;
import dev.engram.extraction.internal.extract.Subject;
import dev.engram.extraction.internal.extract.TextCleaner;
import dev.engram.extraction.internal.extract.TurnExtractor;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The offline default extractor: English rules, no model service. It finds first-person facts,
 * likes and dislikes, events and plans (with relative dates resolved against the turn's time),
 * instructions to the assistant, corrections and retractions, and names single-valued attributes
 * with slot keys; text in other languages passes through as a plain memory of the turn. The rules,
 * slot keys and date conventions are described in {@code docs/extraction.md}.
 *
 * <p>Turns from {@link Role#SYSTEM} and {@link Role#TOOL}, and {@link Role#ASSISTANT} turns without
 * a speaker name (an AI assistant), yield nothing. Assistant turns with a speaker name are a person
 * talking (a conversation between two people) and are treated like user turns.
 *
 * <p>Immutable and thread-safe; {@link #extract} allocates only per call.
 */
public final class RuleBasedExtractor implements Extractor {

    /** Longest turn accepted by default, in characters; longer turns are an {@link ExtractionException.Reason#INVALID_REQUEST}. */
    public static final int DEFAULT_MAX_TURN_CHARS = 20_000;
    /** Longest memory text produced; longer remarks are cut at a word boundary. */
    public static final int MAX_TEXT_CHARS = 1_000;
    private static final int PRIOR_STATEMENTS = 12;

    private final ZoneId zone;
    private final int maxTurnChars;

    /** Dates resolved in UTC, turns up to {@link #DEFAULT_MAX_TURN_CHARS}. */
    public RuleBasedExtractor() {
        this(ZoneOffset.UTC, DEFAULT_MAX_TURN_CHARS);
    }

    /**
     * @param zone         the zone in which a turn's timestamp becomes a calendar day ("yesterday")
     * @param maxTurnChars the longest turn accepted
     */
    public RuleBasedExtractor(ZoneId zone, int maxTurnChars) {
        this.zone = Objects.requireNonNull(zone, "zone");
        if (maxTurnChars < 1) {
            throw new IllegalArgumentException("maxTurnChars must be positive: " + maxTurnChars);
        }
        this.maxTurnChars = maxTurnChars;
    }

    @Override
    public String id() {
        return "rules-v1";
    }

    @Override
    public List<Candidate> extract(ExtractionRequest request) {
        Objects.requireNonNull(request, "request");
        for (Turn t : request.newTurns()) {
            if (t.content().length() > maxTurnChars) {
                throw new ExtractionException(ExtractionException.Reason.INVALID_REQUEST,
                        "turn " + t.id() + " has " + t.content().length() + " characters; the limit is " + maxTurnChars);
            }
        }
        Set<String> newIds = new java.util.HashSet<>();
        request.newTurns().forEach(t -> newIds.add(t.id()));
        // A caller may pass a new turn among the recent ones too; it must not become its own context.
        List<Turn> recent = request.recentTurns().stream().filter(t -> !newIds.contains(t.id())).toList();
        List<Turn> all = new ArrayList<>(recent);
        all.addAll(request.newTurns());
        Set<String> names = new LinkedHashSet<>();
        for (Turn t : all) {
            if (t.speaker() != null) {
                names.add(TextCleaner.clean(t.speaker()));
            }
        }
        List<Candidate> out = new ArrayList<>();
        int offset = recent.size();
        for (int i = 0; i < request.newTurns().size(); i++) {
            Turn turn = request.newTurns().get(i);
            if (turn.role() == Role.SYSTEM || turn.role() == Role.TOOL
                    || (turn.role() == Role.ASSISTANT && turn.speaker() == null)) {
                continue;
            }
            String text = TextCleaner.clean(turn.content());
            if (text.isEmpty()) {
                continue;
            }
            Subject subject = Subject.of(turn.speaker());
            Turn other = counterpart(all, offset + i);
            String addressee;
            boolean toAssistant;
            if (other == null) {
                toAssistant = turn.speaker() == null;
                addressee = toAssistant ? "the assistant" : null;
            } else if (other.speaker() != null) {
                toAssistant = false;
                addressee = TextCleaner.clean(other.speaker());
            } else {
                toAssistant = other.role() == Role.ASSISTANT;
                addressee = toAssistant ? "the assistant" : null;
            }
            LocalDate ref = LocalDate.ofInstant(turn.timestamp(), zone);
            var input = new TurnExtractor.TurnInput(text, ref, subject, addressee, toAssistant, List.copyOf(names),
                    priorStatements(all, offset + i, turn), request.similar());
            for (Draft d : TurnExtractor.extract(input)) {
                out.add(toCandidate(d, turn));
            }
        }
        return List.copyOf(out);
    }

    private Candidate toCandidate(Draft d, Turn turn) {
        String text = d.text();
        if (text.length() > MAX_TEXT_CHARS) {
            int cut = text.lastIndexOf(' ', MAX_TEXT_CHARS - 1);
            text = text.substring(0, cut > MAX_TEXT_CHARS / 2 ? cut : MAX_TEXT_CHARS - 1) + "…";
        }
        return new Candidate(text, d.kind(), Importance.of(d),
                d.date() == null ? null : d.date().atStartOfDay(zone).toInstant(),
                d.slotKey(), List.of(turn.id()), d.retraction());
    }

    /** The nearest turn before {@code index} (else after it) written by someone else. */
    private static Turn counterpart(List<Turn> all, int index) {
        Turn self = all.get(index);
        for (int j = index - 1; j >= 0; j--) {
            if (!sameSpeaker(all.get(j), self)) {
                return all.get(j);
            }
        }
        for (int j = index + 1; j < all.size(); j++) {
            if (!sameSpeaker(all.get(j), self)) {
                return all.get(j);
            }
        }
        return null;
    }

    private static boolean sameSpeaker(Turn a, Turn b) {
        if (a.speaker() != null || b.speaker() != null) {
            return Objects.equals(a.speaker(), b.speaker());
        }
        return a.role() == b.role();
    }

    private static List<String> priorStatements(List<Turn> all, int index, Turn self) {
        List<String> out = new ArrayList<>();
        for (int j = index - 1; j >= 0 && out.size() < PRIOR_STATEMENTS; j--) {
            Turn t = all.get(j);
            if (sameSpeaker(t, self)) {
                for (String s : dev.engram.extraction.internal.extract.SentenceSplitter.sentences(TextCleaner.clean(t.content())).reversed()) {
                    out.add(s);
                }
            }
        }
        return out;
    }
}
