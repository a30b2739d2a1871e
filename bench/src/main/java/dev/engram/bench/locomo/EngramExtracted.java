package dev.engram.bench.locomo;

import dev.engram.extraction.extract.Candidate;
import dev.engram.extraction.extract.ExtractionRequest;
import dev.engram.extraction.extract.RuleBasedExtractor;
import dev.engram.extraction.extract.Role;
import dev.engram.extraction.extract.Turn;
import dev.engram.internal.lexical.TextAnalyzer;
import dev.engram.internal.retrieval.RetrievalConfig;
import dev.engram.memory.MemoryType;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Extraction without reconciliation: the {@link RuleBasedExtractor} runs over each turn (its
 * session's previous ten turns as context, speaker names, the session date as the turn's time,
 * the turn's text without the image caption, which is not something anyone said);
 * every candidate becomes a memory (its text, kind, importance, event time — else the session
 * date — and source turn ids), embedded by its text. With {@code withTurns}, the raw turns are
 * stored as well, as in {@link EngramTurns}. Retractions are dropped (there is no reconciler
 * here). Not thread-safe.
 */
class EngramExtracted extends EngramTurns {
    static final int CONTEXT_TURNS = 10;
    private static final RuleBasedExtractor EXTRACTOR = new RuleBasedExtractor();
    private final boolean withTurns;

    EngramExtracted(String name, LocomoEmbeddings embeddings, TextAnalyzer analyzer, RetrievalConfig config, boolean withTurns)
            throws IOException {
        super(name, embeddings, analyzer, config);
        this.withTurns = withTurns;
    }

    /** The extractor's candidates for one session, retractions left out, in turn order. */
    static List<Candidate> candidates(LocomoData.Conversation c, LocomoData.Session s, Instant date) {
        List<Turn> turns = new ArrayList<>();
        for (LocomoData.Turn t : s.turns()) {
            Role role = t.speaker().equals(c.speakerB()) ? Role.ASSISTANT : Role.USER; // both are people: named turns
            turns.add(new Turn(t.id(), role, t.speaker().isBlank() ? null : t.speaker(), t.text(), date));
        }
        List<Candidate> out = new ArrayList<>();
        for (int i = 0; i < turns.size(); i++) {
            List<Turn> recent = turns.subList(Math.max(0, i - CONTEXT_TURNS), i);
            for (Candidate cand : EXTRACTOR.extract(ExtractionRequest.of(List.of(turns.get(i)), recent))) {
                if (!cand.retraction()) out.add(cand);
            }
        }
        return out;
    }

    /** Every candidate text of the conversations, for embedding ahead of the run. */
    static List<String> texts(List<LocomoData.Conversation> data) {
        List<String> out = new ArrayList<>();
        for (LocomoData.Conversation c : data) {
            Instant last = Instant.EPOCH;
            for (LocomoData.Session s : c.sessions()) {
                Instant date = SessionTime.parse(s.dateTime(), last);
                last = date;
                for (Candidate cand : candidates(c, s, date)) out.add(cand.text());
            }
        }
        return out;
    }

    @Override
    List<Stored> memoriesOf(LocomoData.Conversation c, LocomoData.Session s, Instant date) {
        List<Stored> out = new ArrayList<>(withTurns ? super.memoriesOf(c, s, date) : List.of());
        for (Candidate cand : candidates(c, s, date)) {
            out.add(new Stored(cand.text(), embeddings.embed(cand.text()), MemoryType.valueOf(cand.kind().name()), cand.importance(),
                    cand.eventTime() != null ? cand.eventTime() : date, "session_" + s.number(), cand.sourceTurnIds()));
        }
        return out;
    }
}
