package dev.engram.bench.locomo;

import dev.engram.internal.lexical.TextAnalyzer;
import dev.engram.internal.retrieval.RetrievalConfig;
import dev.engram.internal.retrieval.RetrievalQuery;
import dev.engram.internal.retrieval.RetrievalResult;
import dev.engram.internal.retrieval.Retriever;
import dev.engram.internal.retrieval.ScoredMemory;
import dev.engram.internal.store.UserStore;
import dev.engram.io.FileStorage;
import dev.engram.io.Storage;
import dev.engram.memory.Memory;
import dev.engram.memory.MemoryId;
import dev.engram.memory.MemoryType;
import dev.engram.memory.Source;
import dev.engram.memory.UserId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Engram's storage and retrieval over raw turns: every turn stored as a {@link Memory} (content =
 * the turn document, eventTime = the session date, source = the turn id, with its embedding) in a
 * real {@link UserStore} on a temporary directory, one user per conversation, and retrieved through
 * {@link Retriever}. Budgets are packed by the retriever itself. Not thread-safe.
 */
class EngramTurns implements RetrievalSystem {
    /** Ranked memories for recall@k and the metric's own budget walk. */
    static final int LIMIT = 200;

    private final String name;
    final LocomoEmbeddings embeddings;
    private final TextAnalyzer analyzer;
    private final Retriever retriever;
    private final Path root;
    private final Storage storage;
    private final MemoryId.Generator ids = new MemoryId.Generator(new Random(42));
    private UserStore store;
    boolean mmr;
    private Instant now;

    EngramTurns(String name, LocomoEmbeddings embeddings, TextAnalyzer analyzer, RetrievalConfig config) throws IOException {
        this.name = name;
        this.embeddings = embeddings;
        this.analyzer = analyzer;
        this.retriever = new Retriever(config);
        this.root = Files.createTempDirectory("engram-locomo-");
        this.storage = FileStorage.open(root);
    }

    @Override
    public String name() {
        return name;
    }

    /** What one turn becomes: the memories to store (several when a subclass extracts from it). */
    record Stored(String content, float[] embedding, MemoryType type, double importance, Instant eventTime, String session,
            List<String> turnIds) {}

    /** The memories of one session; here, one per turn, embedded as {@link #embedText}. */
    List<Stored> memoriesOf(LocomoData.Conversation c, LocomoData.Session s, Instant date) {
        List<Stored> out = new ArrayList<>();
        for (int i = 0; i < s.turns().size(); i++) {
            LocomoData.Turn t = s.turns().get(i);
            out.add(new Stored(t.document(), embedding(s, i), MemoryType.EVENT, 0.5, date, "session_" + s.number(), List.of(t.id())));
        }
        return out;
    }

    /** The embedding stored with turn {@code i} of a session: the turn document's. */
    float[] embedding(LocomoData.Session s, int i) {
        return embeddings.embed(s.turns().get(i).document());
    }

    /** The text the query vector is embedded from: the question. */
    String queryVectorText(LocomoData.Question q) {
        return q.question();
    }

    /** The query text handed to the retriever (the BM25 side). */
    String queryText(LocomoData.Question q) {
        return q.question();
    }

    @Override
    public void ingest(LocomoData.Conversation c) throws IOException {
        if (store != null) store.close();
        UserId user = UserId.of(c.id().replaceAll("[^A-Za-z0-9._@-]", "_"));
        store = UserStore.open(storage, user, analyzer, UserStore.Options.DEFAULT);
        Instant last = Instant.EPOCH;
        for (LocomoData.Session s : c.sessions()) {
            Instant date = SessionTime.parse(s.dateTime(), last);
            last = date;
            for (Stored m : memoriesOf(c, s, date)) {
                Memory memory = Memory.builder().id(ids.next(date.toEpochMilli())).user(user).content(m.content())
                        .type(m.type()).importance(m.importance()).createdAt(date).eventTime(m.eventTime())
                        .source(new Source(m.session(), m.turnIds(), null, null))
                        .embeddingModelId(embeddings.embedder().modelId()).build();
                store.put(memory, m.embedding());
            }
        }
        store.flush();
        now = last.plus(Duration.ofDays(1));
    }

    RetrievalResult query(LocomoData.Question q, Integer budget) {
        RetrievalQuery query = new RetrievalQuery(queryText(q), LIMIT, budget, null, now, null, mmr);
        return retriever.retrieve(store, query, embeddings.embed(queryVectorText(q)));
    }

    static List<EvidenceRecall.Retrieved> toRetrieved(RetrievalResult r) {
        List<EvidenceRecall.Retrieved> out = new ArrayList<>();
        for (ScoredMemory m : r.memories()) {
            out.add(new EvidenceRecall.Retrieved(m.memory().content(), new LinkedHashSet<>(m.memory().source().turnIds())));
        }
        return out;
    }

    @Override
    public List<EvidenceRecall.Retrieved> retrieve(LocomoData.Question q) {
        return toRetrieved(query(q, null));
    }

    @Override
    public List<EvidenceRecall.Retrieved> retrieve(LocomoData.Question q, int tokenBudget) {
        return toRetrieved(query(q, tokenBudget));
    }

    @Override
    public void close() throws IOException {
        if (store != null) store.close();
        store = null;
        storage.close();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
