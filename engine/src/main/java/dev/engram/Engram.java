package dev.engram;

import dev.engram.extraction.embed.EmbeddingModel;
import dev.engram.extraction.embed.Embedder;
import dev.engram.extraction.embed.OnnxEmbedder;
import dev.engram.extraction.extract.Extractor;
import dev.engram.extraction.extract.RuleBasedExtractor;
import dev.engram.extraction.extract.Turn;
import dev.engram.io.FileStorage;
import dev.engram.io.Storage;
import dev.engram.internal.audit.AuditEntry;
import dev.engram.internal.audit.AuditLog;
import dev.engram.internal.pipeline.AccessTracker;
import dev.engram.internal.pipeline.Pipeline;
import dev.engram.internal.pipeline.PipelineSettings;
import dev.engram.internal.pipeline.ReconcileThresholds;
import dev.engram.internal.pipeline.ReplaySink;
import dev.engram.internal.pipeline.StoreAccess;
import dev.engram.internal.pipeline.StoreAccess.Change;
import dev.engram.internal.pipeline.StoreAccesses;
import dev.engram.internal.store.DataDirectoryLock;
import dev.engram.internal.crypto.KeyDestroyedException;
import dev.engram.internal.crypto.KeyStoreException;
import dev.engram.internal.crypto.MasterKey;
import dev.engram.internal.retrieval.Filters;
import dev.engram.internal.retrieval.RetrievalConfig;
import dev.engram.internal.retrieval.RetrievalQuery;
import dev.engram.internal.retrieval.RetrievalResult;
import dev.engram.internal.retrieval.Retriever;
import dev.engram.internal.retrieval.ScoredMemory;
import dev.engram.memory.EngramException;
import dev.engram.memory.Memory;
import dev.engram.memory.MemoryId;
import dev.engram.memory.MemoryStatus;
import dev.engram.memory.Source;
import dev.engram.memory.Strings;
import dev.engram.memory.UserId;
import dev.engram.memory.ValidationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Long-term memory for an AI agent, embedded. Call {@link #retrieve} before each model call and
 * {@link #ingest} after each reply:
 *
 * <pre>{@code
 * try (Engram engram = Engram.open(Path.of("engram-data"))) {            // offline defaults
 *     UserId user = UserId.of("alice");
 *     var memories = engram.retrieve(RetrieveRequest.of(user, userMessage).limit(10));
 *     String system = PromptContext.format(baseInstructions, memories.memories());
 *     engram.ingest(IngestRequest.of(user, "session-1",
 *             List.of(Message.user(userMessage), Message.assistant(reply))));   // returns once durable
 * }
 * }</pre>
 *
 * <p>{@code ingest} returns once the turns are durable (WAL); extraction, embedding and
 * reconciliation run on background workers, one user's ingestions in order. A retrieval that
 * must see the user's latest ingestions asks for {@link RetrieveRequest.Consistency#SESSION}.
 * {@link #add}, {@link #update} and {@link #delete} change memories directly, durable on return.
 *
 * <p>Errors: invalid input raises {@link ValidationException} (nothing written); a full queue
 * {@link OverloadedException}; storage failures {@link StorageFailedException} (the engine then
 * refuses writes until reopened); calls after {@link #close} {@link EngramClosedException}.
 *
 * <p>Thread-safe: one instance serves any number of threads. One process opens a data directory
 * at a time.
 */
public final class Engram implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Engram.class.getName());
    /** How often access statistics are written (docs/pipeline.md, "Access statistics"). */
    static final long ACCESS_FLUSH_SECONDS = 30;
    /** How often the audit entries written without their own fsync (search, ingest) are made durable. */
    static final long AUDIT_SYNC_MILLIS = 1_000;
    private final EngramOptions options;
    private final StoreAccess store;
    private final Pipeline pipeline;
    private final Retriever retriever;
    private final dev.engram.internal.retrieval.QueryEmbeddings queryEmbeddings;
    private final Embedder embedder;
    private final boolean ownsEmbedder;
    private final Extractor extractor;
    private final MemoryId.Generator ids = new MemoryId.Generator(new Random());
    private final AuditLog audit;
    private final AccessTracker access = new AccessTracker();
    private final java.util.concurrent.ScheduledExecutorService background;
    private final java.util.concurrent.atomic.AtomicLong auditFailures = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean closed;
    // lifecycle: expiry and archive (see the "lifecycle" section below)
    private final dev.engram.internal.lifecycle.Sweeper sweeper;
    private final java.util.concurrent.ScheduledExecutorService sweepThread;
    // lifecycle: consolidation (see the "lifecycle: consolidation" section below)
    private final dev.engram.internal.lifecycle.Consolidator consolidator;
    private final java.util.concurrent.ScheduledExecutorService consolidateThread;

    /**
     * Who is calling, for the audit log: bind it around calls, e.g.
     * {@code ScopedValue.where(Engram.ACTOR, "app:support-bot").call(() -> engram.retrieve(r))}.
     * Unbound: {@code "embedded"}.
     */
    public static final ScopedValue<String> ACTOR = ScopedValue.newInstance();

    /** Opens (creating) the data directory with every default: local embedder, rule-based extractor, SYNC. */
    public static Engram open(Path dataDir) {
        return builder(dataDir).open();
    }

    /** A builder for the options; finish with {@link EngramOptions.Builder#open()}. */
    public static EngramOptions.Builder builder(Path dataDir) {
        return EngramOptions.builder(dataDir);
    }

    /** Opens the engine with {@code options}: recovers the WAL and re-queues unfinished ingestions. */
    public static Engram open(EngramOptions options) {
        MasterKey master = masterKey(options.encryption());
        DataDirectoryLock lock;
        try {
            lock = DataDirectoryLock.acquire(options.dataDir());
        } catch (IOException e) {
            throw new StorageFailedException("cannot lock " + options.dataDir() + ": " + e.getMessage(), e);
        }
        try {
            Engram engram = open(options, sink -> StoreAccesses.open(options, sink, master),
                    () -> FileStorage.open(options.dataDir().resolve("audit")));
            engram.directoryLock = lock;
            return engram;
        } catch (RuntimeException | Error e) {
            try {
                lock.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private static MasterKey masterKey(Encryption e) {
        if (e == null) return null;
        try {
            return e.keyFile() != null ? MasterKey.read(e.keyFile()) : MasterKey.parse(e.keyText());
        } catch (IOException | IllegalArgumentException x) {
            throw new EncryptionKeyException(EncryptionKeyException.Reason.BAD_MASTER_KEY, "cannot use the master key: "
                    + x.getMessage(), x);
        }
    }

    /** The typed exception for an encryption problem anywhere in {@code e}'s causes, or null. */
    static EncryptionKeyException encryptionProblem(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof KeyStoreException k) {
                return new EncryptionKeyException(EncryptionKeyException.Reason.valueOf(k.reason().name()), k.getMessage(), e);
            }
            if (t instanceof KeyDestroyedException k) {
                return new EncryptionKeyException(EncryptionKeyException.Reason.KEY_DESTROYED, k.getMessage(), e);
            }
        }
        return null;
    }

    /** How the engine gets its store; tests supply others. */
    interface StoreOpener {
        StoreAccess open(ReplaySink sink) throws IOException;
    }

    /** Where the audit log lives; tests supply in-memory storage. */
    interface AuditOpener {
        Storage open() throws IOException;
    }

    static Engram open(EngramOptions options, StoreOpener opener, AuditOpener auditOpener) {
        boolean ownsEmbedder = options.embedder() == null;
        Embedder embedder = ownsEmbedder ? OnnxEmbedder.load(EmbeddingModel.defaultModel()) : options.embedder();
        ReplaySink sink = new ReplaySink();
        StoreAccess store = null;
        AuditLog audit = null;
        try {
            store = opener.open(sink);
            audit = AuditLog.open(auditOpener.open(), options.clock());
            return new Engram(options, store, audit, embedder, ownsEmbedder, sink);
        } catch (IOException e) {
            closeQuietly(store, audit, ownsEmbedder ? embedder : null);
            EncryptionKeyException k = encryptionProblem(e);
            if (k != null) throw k;
            throw new StorageFailedException("cannot open " + options.dataDir() + ": " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            closeQuietly(store, audit, ownsEmbedder ? embedder : null);
            throw e;
        }
    }

    // The OS lock on <data>/engram.lock (set by open(EngramOptions) right after construction).
    private volatile DataDirectoryLock directoryLock;

    private Engram(EngramOptions options, StoreAccess store, AuditLog audit, Embedder embedder, boolean ownsEmbedder,
                   ReplaySink sink) throws IOException {
        this.options = options;
        this.store = store;
        this.audit = audit;
        this.embedder = embedder;
        this.ownsEmbedder = ownsEmbedder;
        this.extractor = options.extractor() != null ? options.extractor() : new RuleBasedExtractor();
        this.queryEmbeddings = new dev.engram.internal.retrieval.QueryEmbeddings(embedder, Runtime.getRuntime().availableProcessors());
        this.retriever = new Retriever(RetrievalConfig.defaults()
                .withWeights(options.vectorWeight(), 1 - options.vectorWeight())
                .withRecency(options.recencyWeight(), options.recencyHalfLife())
                .withImportanceWeight(options.importanceWeight())
                .withCandidates(options.candidates()));
        PipelineSettings settings = new PipelineSettings(options.workers(), options.queueCapacity(), options.maxAttempts(),
                options.retryBackoff(), options.dedupWindow(), new ReconcileThresholds(options.duplicateSimilarity(),
                options.updateSimilarity(), options.forgetSimilarity()));
        this.pipeline = new Pipeline(new dev.engram.internal.lifecycle.DefaultTtl(store, options.lifecycle().ttl()), extractor, embedder, settings, options.clock(), this::newId);
        sink.attach(pipeline);
        pipeline.resume();
        int finished = store.completePurges(); // purges a crash interrupted: their WAL part
        if (finished > 0) LOG.log(System.Logger.Level.INFO, "finished " + finished + " interrupted purge(s)");
        this.background = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().daemon().name("engram-access-stats").unstarted(r));
        background.scheduleWithFixedDelay(this::flushAccess, ACCESS_FLUSH_SECONDS, ACCESS_FLUSH_SECONDS,
                java.util.concurrent.TimeUnit.SECONDS);
        background.scheduleWithFixedDelay(this::syncAudit, AUDIT_SYNC_MILLIS, AUDIT_SYNC_MILLIS,
                java.util.concurrent.TimeUnit.MILLISECONDS);
        this.sweeper = new dev.engram.internal.lifecycle.Sweeper(store, access, embedder, options.clock(),
                (u, archived, n) -> ScopedValue.where(ACTOR, SWEEPER_ACTOR).run(() -> audit(
                        archived ? AuditEntry.Action.ARCHIVE : AuditEntry.Action.DELETE, u, Map.of("memories", n, "expired", archived ? 0L : n))));
        this.sweepThread = startSweeper();
        LifecycleOptions l = options.lifecycle();
        this.consolidator = new dev.engram.internal.lifecycle.Consolidator(store, pipeline, embedder, this::newId, options.clock(),
                dev.engram.internal.lifecycle.ConsolidationRules.DEFAULT
                        .withThresholds(options.duplicateSimilarity(), Double.isNaN(l.episodeSimilarity())
                                ? options.updateSimilarity() : l.episodeSimilarity())
                        .withEpisodes(l.episodeWindow(), l.episodeMinEvents(), l.episodeMaxChars()),
                sweeper.visitLock(), (u, r) -> audit(AuditEntry.Action.CONSOLIDATE, u, Map.of("clusters", r.clusters(),
                        "merged", r.merged(), "summarized", r.summarized(), "summaries", r.summaries(),
                        "before", r.before(), "after", r.after())));
        this.consolidateThread = startConsolidation();
    }

    private MemoryId newId() {
        return ids.next(options.clock().millis());
    }

    // ---------------------------------------------------------------- ingestion

    /**
     * Makes the turns durable and queues them for extraction; returns once durable (or, with
     * {@link IngestRequest#waitingForApply()}, once applied or after the sync timeout, with the
     * status at that time). A repeated idempotency key returns the first ingestion's id and writes
     * nothing.
     *
     * @throws ValidationException  too many messages, a message or the request too large
     * @throws OverloadedException  the extraction queue is full (nothing written; retry later)
     */
    public IngestReceipt ingest(IngestRequest request) {
        ensureOpen();
        if (request == null) throw new ValidationException("request", "is missing");
        if (request.messages().size() > options.maxMessages()) {
            throw new ValidationException("messages", request.messages().size() + " messages, at most " + options.maxMessages());
        }
        long total = 0;
        Instant now = options.clock().instant();
        List<Turn> turns = new ArrayList<>(request.messages().size());
        String prefix = null;
        for (int i = 0; i < request.messages().size(); i++) {
            Message m = request.messages().get(i);
            int bytes = m.content().getBytes(StandardCharsets.UTF_8).length;
            if (bytes > options.maxMessageBytes()) {
                throw new ValidationException("messages[" + i + "].content", bytes + " UTF-8 bytes, at most " + options.maxMessageBytes());
            }
            total += bytes;
            if (m.id() == null && prefix == null) prefix = "t" + Long.toHexString(options.clock().millis()) + "-";
            String turnId = m.id() != null ? m.id() : prefix + i;
            turns.add(new Turn(turnId, m.role(), m.name(), m.content(), m.timestamp() != null ? m.timestamp() : now));
        }
        if (total > options.maxRequestBytes()) {
            throw new ValidationException("messages", total + " UTF-8 bytes in all, at most " + options.maxRequestBytes());
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (Turn t : turns) {
            if (!seen.add(t.id())) throw new ValidationException("messages.id", "turn id '" + t.id() + "' appears twice");
        }
        try {
            Pipeline.Accepted a = pipeline.accept(request.user(), request.sessionId(), turns, request.idempotencyKey(),
                    request.metadata(), now);
            IngestionStatus status = pipeline.status(request.user(), a.id());
            if (request.waitForApply() && status != null && !status.done()) {
                awaitApplied(request.user(), a.id());
                status = pipeline.status(request.user(), a.id());
            }
            audit(AuditEntry.Action.INGEST, request.user(), Map.of("turns", (long) turns.size(), "replayed", a.replayed() ? 1L : 0L));
            return new IngestReceipt(a.id(), a.replayed(), status);
        } catch (IOException e) {
            throw failed("ingest", e);
        }
    }

    private void awaitApplied(UserId user, String id) throws IOException {
        try {
            pipeline.awaitApplied(user, id, options.syncIngestTimeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngramException("interrupted while waiting for ingestion " + id, e);
        }
    }

    /**
     * The status of an ingestion of this user.
     *
     * @throws NotFoundException no such ingestion for this user (or it is older than the statuses kept)
     */
    public IngestionStatus ingestion(UserId user, String ingestionId) {
        ensureOpen();
        require(user, ingestionId, "ingestion_id");
        try {
            IngestionStatus s = exists(user) ? pipeline.status(user, ingestionId) : null;
            if (s == null) throw new NotFoundException("no ingestion " + ingestionId + " for user " + user);
            return s;
        } catch (IOException e) {
            throw failed("ingestion status", e);
        }
    }

    // ---------------------------------------------------------------- retrieval

    /** The user's memories most relevant to the query, packed to the budget, best first. */
    public Retrieval retrieve(RetrieveRequest request) {
        return retrieve(request, null);
    }

    /**
     * As {@link #retrieve(RetrieveRequest)}, with the query's embedding computed by the caller
     * (the engine's embedder, {@link dev.engram.extraction.embed.Embedder#embedQuery}), e.g. to
     * embed once and retrieve for several users. {@code null}: the engine embeds the query.
     *
     * @throws ValidationException if the vector has another dimension than the engine's embedder
     */
    public Retrieval retrieve(RetrieveRequest request, float[] queryEmbedding) {
        ensureOpen();
        if (request == null) throw new ValidationException("request", "is missing");
        if (queryEmbedding != null && queryEmbedding.length != embedder.dimension()) {
            throw new ValidationException("query_embedding", queryEmbedding.length + " dimensions, the embedder has " + embedder.dimension());
        }
        UserId user = request.user();
        if (request.consistency() == RetrieveRequest.Consistency.SESSION) awaitSession(user);
        if (!exists(user)) return new Retrieval(List.of(), 0);
        // The engine's embedding runs beside the lexical side of the search (QueryEmbeddings).
        java.util.function.Supplier<float[]> query = queryEmbedding != null ? () -> queryEmbedding : queryEmbeddings.start(request.query());
        Filters filters = Filters.none().withTypes(request.types()).withCategories(request.categories())
                .withMetadata(request.metadata()).withIncludeSuperseded(request.includeSuperseded() || request.asOf() != null)
                .withIncludeArchived(request.includeArchived()).withIncludeExpired(request.includeExpired());
        RetrievalQuery q = RetrievalQuery.of(request.query(), request.limit(), options.clock().instant())
                .withTokenBudget(request.tokenBudget() > 0 ? request.tokenBudget() : null)
                .withFilters(filters).withAsOf(request.asOf()).withMmr(request.diversify());
        try {
            RetrievalResult r = store.read(user, s -> retriever.retrievePending(s, q, query));
            access.record(user, r.memories().stream().map(m -> m.memory().id()).toList(), options.clock().millis());
            List<RetrievedMemory> out = new ArrayList<>(r.memories().size());
            for (ScoredMemory m : r.memories()) {
                var p = m.parts();
                out.add(new RetrievedMemory(access.overlay(store, m.memory()), m.score(),
                        new ScoreParts(p.vector(), p.lexical(), p.relevance(), p.recency(), p.importance(), p.type()), m.tokens()));
            }
            audit(AuditEntry.Action.SEARCH, user, Map.of("returned", (long) out.size(), "tokens", (long) r.totalTokens()));
            return new Retrieval(out, r.totalTokens());
        } catch (IOException e) {
            throw failed("retrieve", e);
        }
    }

    private void awaitSession(UserId user) {
        try {
            if (!pipeline.awaitSession(user, options.consistencyTimeout())) {
                throw new ConsistencyTimeoutException("user " + user + "'s earlier ingestions were not applied within "
                        + options.consistencyTimeout());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngramException("interrupted while waiting for session consistency", e);
        }
    }

    /**
     * The prompt section for a query: {@link PromptContext#format} of the best memories, with
     * the whole text (instructions, heading and lines) within {@code tokenBudget} estimated tokens.
     */
    public String context(UserId user, String query, int tokenBudget, String baseInstructions) {
        int fixed = PromptContext.tokens(PromptContext.format(baseInstructions, List.of())) + PromptContext.tokens(PromptContext.HEADING) + 1;
        if (tokenBudget <= fixed) return PromptContext.format(baseInstructions, List.of());
        Retrieval r = retrieve(RetrieveRequest.of(user, query).limit(RetrieveRequest.MAX_LIMIT).tokenBudget(tokenBudget - fixed));
        List<RetrievedMemory> chosen = new ArrayList<>(r.memories());
        String text = PromptContext.format(baseInstructions, chosen);
        while (!chosen.isEmpty() && PromptContext.tokens(text) > tokenBudget) {
            chosen.removeLast();
            text = PromptContext.format(baseInstructions, chosen);
        }
        return text;
    }

    // ---------------------------------------------------------------- direct changes

    /** Stores a memory as given (no extraction, no reconciliation); durable on return. */
    public Memory add(UserId user, NewMemory memory) {
        ensureOpen();
        if (user == null) throw new ValidationException("user", "is missing");
        if (memory == null) throw new ValidationException("memory", "is missing");
        Instant now = options.clock().instant();
        Memory m = Memory.builder().id(newId()).user(user).version(1).content(memory.content()).type(memory.type())
                .importance(memory.importance()).categories(memory.categories()).metadata(memory.metadata())
                .source(Source.NONE).createdAt(now).eventTime(memory.eventTime()).expiresAt(memory.expiresAt())
                .status(MemoryStatus.ACTIVE).embeddingModelId(embedder.modelId()).build();
        m = dev.engram.internal.lifecycle.DefaultTtl.apply(m, options.lifecycle().ttl());
        write(user, List.of(new Change.Put(m, embedder.embed(m.content()))), "add");
        audit(AuditEntry.Action.ADD, user, Map.of("memories", 1L));
        return m;
    }

    /**
     * Writes the next version of a memory with {@code changes} applied; durable on return.
     *
     * @throws NotFoundException no current memory with that id for that user
     */
    public Memory update(UserId user, MemoryId id, MemoryUpdate changes) {
        ensureOpen();
        require(user, id, "id");
        if (changes == null || changes.isEmpty()) throw new ValidationException("changes", "nothing to change");
        Memory current = get(user, id);
        Memory.Builder b = current.toBuilder().version(current.version() + 1)
                .updatedAt(max(current.updatedAt(), options.clock().instant()));
        if (changes.content() != null) b.content(changes.content());
        if (changes.type() != null) b.type(changes.type());
        if (changes.importance() != null) b.importance(changes.importance());
        if (changes.categories() != null) b.categories(changes.categories());
        if (changes.metadata() != null) b.metadata(changes.metadata());
        if (changes.eventTime() != null) b.eventTime(changes.eventTime());
        if (changes.expiresAt() != null) b.expiresAt(changes.expiresAt());
        Memory next = b.embeddingModelId(embedder.modelId()).build();
        write(user, List.of(new Change.Put(next, embedder.embed(next.content()))), "update");
        audit(AuditEntry.Action.UPDATE, user, Map.of("memories", 1L));
        return next;
    }

    /** Deletes a memory (every version; content dropped at the next compaction). False if unknown or already deleted. */
    public boolean delete(UserId user, MemoryId id) {
        ensureOpen();
        require(user, id, "id");
        if (!exists(user) || current(user, id).isEmpty()) return false;
        write(user, List.of(new Change.Delete(id, options.clock().instant())), "delete");
        audit(AuditEntry.Action.DELETE, user, Map.of("memories", 1L));
        return true;
    }

    // ---------------------------------------------------------------- reads

    /** The current version. @throws NotFoundException if there is none (unknown, deleted or expired) */
    public Memory get(UserId user, MemoryId id) {
        return current(user, id).filter(this::notExpired).orElseThrow(() -> new NotFoundException("no memory " + id + " for user " + user));
    }

    /** The version that was current at {@code asOf}. @throws NotFoundException if none was */
    public Memory get(UserId user, MemoryId id, Instant asOf) {
        ensureOpen();
        require(user, id, "id");
        if (asOf == null) throw new ValidationException("as_of", "is missing");
        if (!exists(user)) throw new NotFoundException("no memory " + id + " for user " + user);
        Optional<Memory> m = read(user, s -> s.asOf(id, asOf)).filter(this::notExpired);
        return m.orElseThrow(() -> new NotFoundException("no version of " + id + " at " + asOf + " for user " + user));
    }

    /** Every version, oldest first. @throws NotFoundException for an unknown or deleted memory */
    public List<Memory> history(UserId user, MemoryId id) {
        ensureOpen();
        require(user, id, "id");
        List<Memory> h = exists(user) ? read(user, s -> s.current(id).isPresent() ? s.history(id) : List.<Memory>of()) : List.of();
        if (h.isEmpty()) throw new NotFoundException("no memory " + id + " for user " + user);
        return h;
    }

    /** A page of the user's memories, by id (creation order). */
    public MemoryPage list(ListRequest request) {
        ensureOpen();
        if (request == null) throw new ValidationException("request", "is missing");
        MemoryId after = null;
        if (request.cursor() != null) {
            try {
                after = MemoryId.parse(request.cursor());
            } catch (RuntimeException e) {
                throw new ValidationException("cursor", "is not a cursor this engine returned");
            }
        }
        if (!exists(request.user())) return new MemoryPage(List.of(), null);
        MemoryId from = after;
        MemoryPage found = read(request.user(), s -> {
            List<Memory> page = new ArrayList<>();
            String next = null;
            for (MemoryId id : s.liveIds()) {
                if (from != null && id.compareTo(from) <= 0) continue;
                Optional<Memory> cur = s.current(id);
                if (cur.isEmpty()) continue;
                Memory m = cur.get();
                if (m.status() != request.status() || !notExpired(m)) continue;
                if (request.type() != null && m.type() != request.type()) continue;
                if (request.category() != null && !m.categories().contains(request.category())) continue;
                if (page.size() == request.limit()) {
                    next = page.getLast().id().toString();
                    break;
                }
                page.add(m);
            }
            return new MemoryPage(page, next);
        });
        return new MemoryPage(found.memories().stream().map(this::withAccess).toList(), found.nextCursor());
    }

    // ---------------------------------------------------------------- purge

    /**
     * Removes every trace of the user: its directory (segments, indexes, bitmaps, manifest,
     * journal), its open state and off-heap memory, its queued and pending ingestions (dropped,
     * never applied, also not after a crash), and its records in the write-ahead log (the segments
     * holding them are deleted); the audit log keeps a PURGE entry and redacts the user's other
     * entries. While it runs, ingestions, writes and reads of the user throw
     * {@link PurgeInProgressException}. Durable on return; a crash after it started finishes it at
     * the next open (docs/privacy.md, "Purge"). Purging an unknown user removes nothing and succeeds.
     *
     * @throws StorageFailedException the storage failed (the engine then refuses writes; the purge
     *                                finishes at the next open if its intent was written)
     */
    public PurgeReceipt purge(UserId user) {
        ensureOpen();
        if (user == null) throw new ValidationException("user", "is missing");
        Instant started = options.clock().instant();
        int dropped;
        StoreAccess.Purged p;
        sweeper.visitLock().lock(); // lifecycle: no sweep visit of this user during the purge
        try {
            dropped = pipeline.purge(user);
            try {
                p = store.purge(user);
            } finally {
                pipeline.purged(user);
                access.forget(user);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngramException("interrupted while purging; the pipeline still refuses the user's ingestions", e);
        } catch (IOException e) {
            throw failed("purge", e);
        } finally {
            sweeper.visitLock().unlock();
        }
        Instant finished = options.clock().instant();
        audit(AuditEntry.Action.PURGE, user, Map.of("memories", p.memories(), "versions", p.versions(), "files", p.files(),
                "bytes", p.bytes(), "dropped_ingestions", (long) dropped, "wal_segments", (long) p.walSegmentsRetired()));
        try {
            audit.redact(user);
        } catch (IOException | RuntimeException e) {
            auditFailures.incrementAndGet();
            LOG.log(System.Logger.Level.ERROR, "audit redaction failed after a purge: " + e.getMessage());
        }
        return new PurgeReceipt(audit.pseudonym(user), p.memories(), p.versions(), p.files(), p.bytes(), dropped,
                p.walSegmentsRetired(), started, finished);
    }

    // ---------------------------------------------------------------- export / import

    private static final int EXPORT_PAGE = 256;
    private static final int MAX_IMPORT_LINE_CHARS = 1 << 20;

    /**
     * Writes the user's memories as NDJSON (docs/privacy.md, "Export"): one line per memory, its
     * current version, or with {@code allVersions} one line per version, oldest first; deleted
     * memories are not exported; no embeddings (an import re-embeds). Streams page by page (never
     * the whole user in memory); does not close {@code out}. Returns the number of lines.
     */
    public long export(UserId user, boolean allVersions, java.io.OutputStream out) {
        ensureOpen();
        if (user == null) throw new ValidationException("user", "is missing");
        if (out == null) throw new ValidationException("out", "is missing");
        long lines = 0;
        try {
            if (exists(user)) {
                List<MemoryId> ids = read(user, s -> List.copyOf(s.liveIds()));
                for (int from = 0; from < ids.size(); from += EXPORT_PAGE) {
                    List<MemoryId> page = ids.subList(from, Math.min(ids.size(), from + EXPORT_PAGE));
                    List<Memory> versions = read(user, s -> {
                        List<Memory> l = new ArrayList<>();
                        for (MemoryId id : page) {
                            if (allVersions) l.addAll(s.history(id));
                            else s.current(id).ifPresent(l::add);
                        }
                        return l;
                    });
                    StringBuilder b = new StringBuilder();
                    for (Memory m : versions) b.append(dev.engram.internal.lifecycle.MemoryNdjson.line(m)).append('\n');
                    out.write(b.toString().getBytes(StandardCharsets.UTF_8));
                    lines += versions.size();
                }
            }
            out.flush();
        } catch (IOException e) {
            throw new StorageFailedException("export failed: " + e.getMessage(), e);
        }
        audit(AuditEntry.Action.EXPORT, user, Map.of("lines", lines, "all_versions", allVersions ? 1L : 0L));
        return lines;
    }

    /**
     * Imports NDJSON written by {@link #export} into {@code user}: each line is validated and written
     * as one durable write (its content re-embedded with this engine's embedder; id, version,
     * timestamps and every other field kept). A bad line (not JSON, an unknown or invalid field, a
     * line over 1 MiB, a version the user's store refuses) throws {@link ImportFormatException}
     * naming the line: nothing of it or after it is written, the lines before it are. Blank lines are
     * skipped. Returns the number of memory versions imported.
     */
    public long importUser(UserId user, java.io.InputStream in) {
        ensureOpen();
        if (user == null) throw new ValidationException("user", "is missing");
        if (in == null) throw new ValidationException("in", "is missing");
        long lineNo = 0;
        long imported = 0;
        try (var reader = new java.io.BufferedReader(new java.io.InputStreamReader(in, StandardCharsets.UTF_8))) {
            StringBuilder line = new StringBuilder();
            while (true) {
                line.setLength(0);
                int c;
                boolean any = false;
                while ((c = reader.read()) != -1 && c != '\n') {
                    any = true;
                    if (line.length() >= MAX_IMPORT_LINE_CHARS) {
                        throw new ImportFormatException(lineNo + 1, "line", "longer than " + MAX_IMPORT_LINE_CHARS + " characters");
                    }
                    line.append((char) c);
                }
                if (c == -1 && !any) break;
                lineNo++;
                String text = line.toString().strip();
                if (!text.isEmpty()) {
                    Memory m;
                    try {
                        m = dev.engram.internal.lifecycle.MemoryNdjson.parse(text, user);
                    } catch (dev.engram.internal.lifecycle.MemoryNdjson.BadLine e) {
                        throw new ImportFormatException(lineNo, e.field, e.getMessage());
                    }
                    try {
                        store.write(user, List.of(new Change.Put(m, embedder.embed(m.content()))));
                    } catch (ValidationException e) {
                        throw new ImportFormatException(lineNo, e.field(), e.getMessage());
                    }
                    imported++;
                }
                if (c == -1) break;
            }
        } catch (IOException e) {
            throw new StorageFailedException("import failed at line " + lineNo + ": " + e.getMessage(), e);
        } finally {
            audit(AuditEntry.Action.IMPORT, user, Map.of("memories", imported));
        }
        return imported;
    }

    // ---------------------------------------------------------------- lifecycle: expiry and archive

    /** The actor of the sweeper's audit entries. */
    public static final String SWEEPER_ACTOR = "sweeper";

    /**
     * Runs a sweep now, as the background sweeper does (docs/privacy.md, "Expiry", "Archive"): deletes
     * every expired memory of every user (compacting each user it deleted from) and, unless archiving
     * is off, archives low-value memories. Waits for a sweep already running. Audit entries: actor
     * {@value #SWEEPER_ACTOR}, DELETE and ARCHIVE with counts.
     *
     * @throws StorageFailedException the store failed (fail-stop)
     */
    public SweepReport sweep() {
        return sweep(true, options.lifecycle().archive());
    }

    /** As {@link #sweep()}, only the expiry part (nothing archived). */
    public SweepReport sweepExpired() {
        return sweep(true, false);
    }

    /** As {@link #sweep()}, only the archive part (also when the option turns archiving off for the background sweeper). */
    public SweepReport archive() {
        return sweep(false, true);
    }

    private SweepReport sweep(boolean expire, boolean archive) {
        ensureOpen();
        LifecycleOptions l = options.lifecycle();
        Instant started = options.clock().instant();
        try {
            var r = sweeper.sweep(new dev.engram.internal.lifecycle.Sweeper.Rules(expire, archive, l.archiveImportanceBelow(),
                    l.archiveAfter()), () -> closed);
            return new SweepReport(r.users(), r.deleted(), r.archived(), r.compacted(), r.failedUsers(), started,
                    options.clock().instant());
        } catch (IOException e) {
            throw failed("sweep", e);
        }
    }

    private boolean notExpired(Memory m) {
        return m.expiresAt() == null || m.expiresAt().isAfter(options.clock().instant());
    }

    private java.util.concurrent.ScheduledExecutorService startSweeper() {
        java.time.Duration period = options.lifecycle().sweepPeriod();
        if (period.isZero()) return null;
        var t = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().daemon().name("engram-sweeper").unstarted(r));
        long millis = Math.max(1, period.toMillis());
        t.scheduleWithFixedDelay(() -> {
            if (closed) return;
            try {
                SweepReport r = sweep();
                if (r.expiredDeleted() + r.archived() + r.failedUsers() > 0) {
                    LOG.log(System.Logger.Level.INFO, "sweep: " + r);
                }
            } catch (EngramClosedException e) {
                // closing
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "sweep failed (retried next period): " + e.getMessage());
            }
        }, millis, millis, java.util.concurrent.TimeUnit.MILLISECONDS);
        return t;
    }

    /** Stops the sweeper thread: no new sweep starts; a running one stops after its current user or batch. */
    private void stopSweeper() {
        if (sweepThread == null) return;
        sweepThread.shutdown(); // no interrupt: a write in flight finishes (an interrupted WAL wait would fail the store)
        try {
            if (!sweepThread.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS)) {
                LOG.log(System.Logger.Level.WARNING, "the sweeper did not stop within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- lifecycle: consolidation

    /** The actor of the background consolidation's audit entries. */
    public static final String CONSOLIDATION_ACTOR = "consolidation";

    /**
     * Consolidates the user's memories now, on the calling thread, as the background job does
     * (docs/privacy.md, "Consolidation"): near-duplicates are merged (one stays ACTIVE with every
     * source; the others become SUPERSEDED, pointing to it) and clusters of related EVENT memories
     * are folded into one summary memory (the events become SUPERSEDED, pointing to it, and stay in
     * history and export). Each group is one durable write. Waits for an ingestion of the user being
     * applied; the user's later ingestions wait for it. An audit entry CONSOLIDATE with counts when
     * something changed. A folded or merged memory is never ACTIVE again, so a re-run (or a run
     * after a crash) never writes a second summary of the same events; over an unchanged store it
     * normally finds nothing.
     *
     * @throws StorageFailedException the store failed (fail-stop)
     */
    public ConsolidationReport consolidate(UserId user) {
        ensureOpen();
        if (user == null) throw new ValidationException("user", "is missing");
        Instant started = options.clock().instant();
        try {
            return report(consolidator.consolidate(user, () -> closed), started);
        } catch (IOException e) {
            throw failed("consolidate", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngramException("interrupted while consolidating", e);
        }
    }

    /** As {@link #consolidate(UserId)}, for every user one at a time (what the background job runs). */
    public ConsolidationReport consolidate() {
        ensureOpen();
        Instant started = options.clock().instant();
        try {
            return report(consolidator.consolidateAll(() -> closed), started);
        } catch (IOException e) {
            throw failed("consolidate", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngramException("interrupted while consolidating", e);
        }
    }

    private ConsolidationReport report(dev.engram.internal.lifecycle.Consolidator.Result r, Instant started) {
        return new ConsolidationReport(r.users(), r.clusters(), r.merged(), r.summarized(), r.summaries(), r.before(),
                r.after(), r.conflicts(), r.failedUsers(), started, options.clock().instant());
    }

    private java.util.concurrent.ScheduledExecutorService startConsolidation() {
        java.time.Duration period = options.lifecycle().consolidatePeriod();
        if (period.isZero()) return null;
        var t = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().daemon().name("engram-consolidation").unstarted(r));
        long millis = Math.max(1, period.toMillis());
        t.scheduleWithFixedDelay(() -> {
            if (closed) return;
            try {
                ConsolidationReport r = ScopedValue.where(ACTOR, CONSOLIDATION_ACTOR).call(this::consolidate);
                if (r.clusters() + r.failedUsers() > 0) LOG.log(System.Logger.Level.INFO, "consolidation: " + r);
            } catch (EngramClosedException e) {
                // closing
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "consolidation failed (retried next period): " + e.getMessage());
            }
        }, millis, millis, java.util.concurrent.TimeUnit.MILLISECONDS);
        return t;
    }

    /** Stops the consolidation thread: no new run starts; a running one stops after its current group. */
    private void stopConsolidation() {
        if (consolidateThread == null) return;
        consolidateThread.shutdown(); // no interrupt: a write in flight finishes
        try {
            if (!consolidateThread.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS)) {
                LOG.log(System.Logger.Level.WARNING, "the consolidation did not stop within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- audit

    /**
     * The audit entries about {@code user} (all users when null), oldest first, at most
     * {@code limit} of the newest. For administrators: entries hold pseudonyms, actors and
     * counts, never content.
     */
    public List<AuditRecord> audit(UserId user, int limit) {
        ensureOpen();
        if (limit < 1) throw new ValidationException("limit", "must be >= 1");
        String subject = user == null ? null : audit.pseudonym(user);
        try {
            List<AuditEntry> all = audit.entries(e -> subject == null || e.subject().equals(subject));
            return all.subList(Math.max(0, all.size() - limit), all.size()).stream()
                    .map(e -> new AuditRecord(e.seq(), e.at(), e.actor(), e.action().name(), e.subject(), e.counts(), e.hashHex()))
                    .toList();
        } catch (IOException e) {
            throw failed("audit read", e);
        }
    }

    /** The pseudonym under which {@code user} appears in the audit log. */
    public String auditPseudonym(UserId user) {
        if (user == null) throw new ValidationException("user", "is missing");
        return audit.pseudonym(user);
    }

    /** Checks the audit log's hash chain; returns null when intact, else what is wrong. */
    public String verifyAudit() {
        ensureOpen();
        try {
            AuditLog.Verification v = audit.verify();
            return v.ok() ? null : v.problem();
        } catch (IOException e) {
            throw failed("audit verification", e);
        }
    }

    /** Audit appends that failed (I/O); the calls they recorded succeeded. Exported as a metric by the server. */
    public long auditFailures() {
        return auditFailures.get();
    }

    private void audit(AuditEntry.Action action, UserId user, Map<String, Long> counts) {
        try {
            audit.append(ACTOR.isBound() ? ACTOR.get() : "embedded", action, user, counts);
        } catch (IOException | RuntimeException e) {
            auditFailures.incrementAndGet();
            LOG.log(System.Logger.Level.ERROR, "audit append failed for " + action + ": " + e.getMessage());
        }
    }

    // ---------------------------------------------------------------- plumbing

    private Optional<Memory> current(UserId user, MemoryId id) {
        ensureOpen();
        require(user, id, "id");
        if (!exists(user)) return Optional.empty();
        Optional<Memory> m = read(user, s -> s.current(id));
        return m.isEmpty() ? m : Optional.of(withAccess(m.get()));
    }

    private Memory withAccess(Memory m) {
        try {
            return access.overlay(store, m);
        } catch (IOException e) {
            throw failed("read", e);
        }
    }

    private void syncAudit() {
        try {
            audit.syncPending();
        } catch (IOException | RuntimeException e) {
            auditFailures.incrementAndGet();
            LOG.log(System.Logger.Level.ERROR, "audit fsync failed: " + e.getMessage());
        }
    }

    private void flushAccess() {
        try {
            access.flush(store);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "writing access statistics failed (kept for the next try): " + e.getMessage());
        }
    }

    private boolean exists(UserId user) {
        try {
            return store.exists(user);
        } catch (IOException e) {
            throw failed("read", e);
        }
    }

    private <T> T read(UserId user, java.util.function.Function<dev.engram.internal.store.UserStore, T> f) {
        try {
            return store.read(user, f);
        } catch (IOException e) {
            throw failed("read", e);
        }
    }

    private void write(UserId user, List<Change> changes, String what) {
        try {
            store.write(user, changes);
        } catch (IOException e) {
            throw failed(what, e);
        }
    }

    private static void require(UserId user, Object id, String field) {
        if (user == null) throw new ValidationException("user", "is missing");
        if (id == null) throw new ValidationException(field, "is missing");
        if (id instanceof String s) Strings.checkRequired(field, s, 256);
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private dev.engram.memory.EngramException failed(String what, IOException e) {
        EncryptionKeyException k = encryptionProblem(e);
        if (k != null) return k;
        return new StorageFailedException(what + " failed: " + e.getMessage(), e);
    }

    private void ensureOpen() {
        if (closed) throw new EngramClosedException();
    }

    /** The data directory. */
    public Path dataDir() {
        return options.dataDir();
    }

    // ---------------------------------------------------------------- stats (metrics)

    /** How old the per-user memory count distribution of {@link #stats()} may be. */
    public static final java.time.Duration STATS_USER_REFRESH = java.time.Duration.ofSeconds(15);
    private static final double[] USER_MEMORY_BOUNDS = {0, 1, 10, 100, 1_000, 10_000, 100_000};
    private static final double[] NO_FSYNC_BOUNDS = {};
    private final Object userCountsLock = new Object();
    private EngramStats.Histogram userCounts;
    private long userCountsAt;

    /**
     * The engine's operational figures (for metrics): ingestion outcomes, WAL fsync latency and the
     * distribution of memories per user. Cheap: counters and fixed buckets, except the per-user
     * distribution, recomputed from the catalog and the open users at most every
     * {@link #STATS_USER_REFRESH}. Thread-safe; also after {@link #close} (the last figures).
     */
    public EngramStats stats() {
        Pipeline.Counters c = pipeline.counters();
        EngramStats.Histogram syncs = store.walSyncs();
        if (syncs == null) syncs = new dev.engram.internal.store.Buckets(NO_FSYNC_BOUNDS).snapshot();
        return new EngramStats(c.accepted(), c.applied(), c.failed(), c.productive(), c.memories(), syncs, userMemoryCounts());
    }

    private EngramStats.Histogram userMemoryCounts() {
        synchronized (userCountsLock) {
            long now = System.nanoTime();
            if (userCounts != null && (closed || now - userCountsAt < STATS_USER_REFRESH.toNanos())) return userCounts;
            var b = new dev.engram.internal.store.Buckets(USER_MEMORY_BOUNDS);
            try {
                store.forEachMemoryCount((u, n) -> b.record(n));
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "per-user memory counts unavailable: " + e);
            }
            userCounts = b.snapshot();
            userCountsAt = now;
            return userCounts;
        }
    }

    /**
     * Why the engine stopped writing (fail-stop after an I/O failure: {@link StorageFailedException}
     * from every write until reopened), or empty while it works. Thread-safe.
     */
    public Optional<String> storageFailure() {
        Throwable t = store.failure();
        return t == null ? Optional.empty() : Optional.of(String.valueOf(t));
    }

    /**
     * How reconciliation decided since open, by outcome, counting candidates: {@code model} (the
     * extractor's advice, validated and applied), {@code rules} (the similarity rules: no advice
     * asked or given) and {@code fallback.<reason>} (advice asked for but not used: the model failed
     * — {@code timeout}, {@code transport}, {@code malformed_output}, … — or broke an invariant —
     * {@code unknown_target}, {@code slot_conflict}, …). See docs/pipeline.md.
     */
    public Map<String, Long> reconcileOutcomes() {
        return pipeline.reconcileOutcomes();
    }

    /** Ingestions accepted and not yet applied or failed. */
    public int pendingIngestions() {
        return pipeline.pending();
    }

    /**
     * Stops the extraction workers (unfinished ingestions stay in the WAL and are applied after the
     * next open), checkpoints and closes the store, and closes the embedder if Engram created it.
     * Idempotent.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        stopConsolidation(); // before the pipeline: a run holds a user in it
        pipeline.close();
        stopSweeper();
        background.shutdownNow();
        queryEmbeddings.close();
        flushAccess();
        try {
            store.close();
        } catch (IOException e) {
            throw new StorageFailedException("close failed: " + e.getMessage(), e);
        } finally {
            closeQuietly(null, audit, ownsEmbedder ? embedder : null);
            releaseDirectoryLock();
        }
    }

    // Released last, once nothing of this engine writes any more; null for engines over test storage.
    private void releaseDirectoryLock() {
        DataDirectoryLock lock = directoryLock;
        if (lock == null) return;
        try {
            lock.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "releasing " + DataDirectoryLock.FILE + " failed: " + e);
        }
    }

    private static void closeQuietly(StoreAccess store, AuditLog audit, Embedder embedder) {
        try {
            if (store != null) store.close();
        } catch (IOException | RuntimeException ignored) {
            // already failing; the first error is the one thrown
        }
        try {
            if (audit != null) audit.close();
        } catch (IOException | RuntimeException ignored) {
            // as above
        }
        if (embedder != null) embedder.close();
    }
}
