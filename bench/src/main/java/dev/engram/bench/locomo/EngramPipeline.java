package dev.engram.bench.locomo;

import dev.engram.Engram;
import dev.engram.IngestRequest;
import dev.engram.IngestionStatus;
import dev.engram.Message;
import dev.engram.RetrieveRequest;
import dev.engram.RetrievedMemory;
import dev.engram.extraction.embed.Embedder;
import dev.engram.extraction.extract.Role;
import dev.engram.memory.UserId;
import dev.engram.wal.Durability;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.stream.Stream;

/**
 * The whole engine through its public API: each turn is ingested as one ingestion (speaker name,
 * turn id, session date as timestamp; speaker B as the assistant role, as in
 * {@link EngramExtracted}), applied synchronously — extraction with the rule-based extractor,
 * embedding, reconciliation (dedup, updates, supersedes), WAL and store — and each question is a
 * {@code retrieve} with the budget. A memory's evidence is its source turn ids, which
 * reconciliation may merge. One fresh data directory per conversation. Not thread-safe.
 */
final class EngramPipeline implements RetrievalSystem {
    private final String name;
    private final Embedder embedder;
    private Path dir;
    private Engram engram;
    private UserId user;
    private int failed;

    /**
     * Consolidation settings of a run: summary bound in characters, episode window in days, episode
     * similarity ({@code NaN}: the engine's default). Written {@code CHARS[:DAYS[:SIMILARITY]]}.
     */
    record Spec(int chars, int windowDays, double similarity) {
        static final Spec DEFAULT = new Spec(dev.engram.LifecycleOptions.DEFAULT_EPISODE_MAX_CHARS, 1, 0.80);

        static Spec parse(String text) {
            String[] f = text.trim().split(":");
            return new Spec(Integer.parseInt(f[0]), f.length > 1 ? Integer.parseInt(f[1]) : 1,
                    f.length > 2 ? Double.parseDouble(f[2]) : 0.80);
        }

        @Override
        public String toString() {
            return chars + ":" + windowDays + (Double.isNaN(similarity) ? "" : ":" + similarity);
        }
    }

    private final Spec spec;

    EngramPipeline(String name, Embedder embedder) {
        this(name, embedder, Spec.DEFAULT);
    }

    /** With {@code spec} as the consolidation's settings (for {@link Consolidated}). */
    EngramPipeline(String name, Embedder embedder, Spec spec) {
        this.name = name;
        this.embedder = embedder;
        this.spec = spec;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void ingest(LocomoData.Conversation c) throws IOException {
        closeEngram();
        dir = Files.createTempDirectory("engram-locomo-pipeline-");
        engram = Engram.builder(dir).embedder(embedder).durability(Durability.NONE).consolidation(java.time.Duration.ZERO,
                java.time.Duration.ofDays(spec.windowDays()), 3, spec.chars()).episodeSimilarity(spec.similarity()).open();
        user = UserId.of(c.id().replaceAll("[^A-Za-z0-9._@-]", "_"));
        Instant last = Instant.EPOCH;
        for (LocomoData.Session s : c.sessions()) {
            Instant date = SessionTime.parse(s.dateTime(), last);
            last = date;
            for (LocomoData.Turn t : s.turns()) {
                if (t.text().isBlank()) continue;
                Role role = t.speaker().equals(c.speakerB()) ? Role.ASSISTANT : Role.USER;
                Message m = new Message(role, t.text(), t.speaker(), t.id(), date);
                IngestionStatus st = engram.ingest(IngestRequest.of(user, "session_" + s.number(), List.of(m)).waitingForApply())
                        .status();
                if (st.state() == IngestionStatus.State.FAILED) failed++;
            }
        }
    }

    @Override
    public List<EvidenceRecall.Retrieved> retrieve(LocomoData.Question q) {
        return retrieve(q, 0);
    }

    @Override
    public List<EvidenceRecall.Retrieved> retrieve(LocomoData.Question q, int tokenBudget) {
        RetrieveRequest r = RetrieveRequest.of(user, q.question()).limit(EngramTurns.LIMIT).tokenBudget(tokenBudget);
        List<EvidenceRecall.Retrieved> out = new ArrayList<>();
        for (RetrievedMemory m : engram.retrieve(r).memories()) {
            out.add(new EvidenceRecall.Retrieved(m.memory().content(), new LinkedHashSet<>(m.memory().source().turnIds())));
        }
        return out;
    }

    /** Consolidates the current conversation's user ({@code Engram.consolidate}); see {@link Consolidated}. */
    dev.engram.ConsolidationReport consolidate() {
        if (engram == null) throw new IllegalStateException("nothing ingested");
        return engram.consolidate(user);
    }

    /**
     * The same engine after {@code Engram.consolidate} of the conversation's user: listed right after
     * its base in the harness, its {@code ingest} consolidates what the base just ingested (and
     * answered its questions on), so the two rows compare one store before and after. Sums the
     * memory counts before and after over the conversations.
     */
    static final class Consolidated implements RetrievalSystem {
        private final String name;
        private final EngramPipeline base;
        long before, after, clusters, merged, summarized;

        Consolidated(String name, EngramPipeline base) {
            this.name = name;
            this.base = base;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void ingest(LocomoData.Conversation c) {
            dev.engram.ConsolidationReport r = base.consolidate();
            before += r.memoriesBefore();
            after += r.memoriesAfter();
            clusters += r.clusters();
            merged += r.merged();
            summarized += r.summarized();
        }

        @Override
        public List<EvidenceRecall.Retrieved> retrieve(LocomoData.Question q) {
            return base.retrieve(q);
        }

        @Override
        public List<EvidenceRecall.Retrieved> retrieve(LocomoData.Question q, int tokenBudget) {
            return base.retrieve(q, tokenBudget);
        }

        @Override
        public void close() {
            // the base owns the engine
        }
    }

    /** Ingestions that failed (the rule-based extractor should never fail). */
    int failed() {
        return failed;
    }

    private void closeEngram() {
        if (engram != null) engram.close();
        engram = null;
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        dir = null;
    }

    @Override
    public void close() {
        closeEngram();
    }
}
