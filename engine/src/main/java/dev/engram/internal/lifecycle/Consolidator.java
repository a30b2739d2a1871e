package dev.engram.internal.lifecycle;

import dev.engram.extraction.embed.Embedder;
import dev.engram.internal.lifecycle.Clusters.Item;
import dev.engram.internal.pipeline.Pipeline;
import dev.engram.internal.pipeline.StoreAccess;
import dev.engram.internal.pipeline.StoreAccess.Change;
import dev.engram.internal.store.UserStore;
import dev.engram.memory.Memory;
import dev.engram.memory.MemoryId;
import dev.engram.memory.MemoryStatus;
import dev.engram.memory.MemoryType;
import dev.engram.memory.Source;
import dev.engram.memory.UserId;
import dev.engram.memory.ValidationException;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Consolidation of one user's memories (docs/privacy.md, "Consolidation"), off the caller's path:
 * <ol>
 *   <li><b>merge near-duplicates</b> ({@link Clusters#duplicates}): the {@link Clusters#keeper} gets a
 *       new version with the group's source turns, the highest importance and every category; each
 *       other member gets a SUPERSEDED version with {@code supersededBy} = the keeper and
 *       {@code validTo} = now;</li>
 *   <li><b>fold episodes</b> ({@link Clusters#episodes}): a new ACTIVE EVENT memory holds the
 *       {@link EventSummary} of the cluster, metadata {@value #KIND} = {@value #SUMMARY} and
 *       {@value #SOURCES} = the members' ids, the members' source turns, the earliest event time,
 *       the highest importance; each member gets a SUPERSEDED version with {@code supersededBy} =
 *       the summary. Summaries are never folded again.</li>
 * </ol>
 * Each group or cluster is <em>one</em> store write (one WAL record, durable on return): a crash
 * leaves it wholly done or not at all, and a member that is no longer ACTIVE is never clustered
 * again, so re-running after a crash cannot write a second summary of the same events. Stored
 * vectors are used throughout; only summaries are embedded. Memories with a slot are never folded
 * and keep their slot when merged (the slot holder is the keeper).
 *
 * <p>A user's visit holds the sweeper's visit lock (a purge waits for it) and holds the user in the
 * pipeline ({@link Pipeline#whileHeld}: no reconciliation interleaves). A write that conflicts with
 * a direct API change made meanwhile fails validation as a whole and is counted, not retried.
 * Thread-safe.
 */
public final class Consolidator {
    /** Metadata key marking what a consolidation memory is. */
    public static final String KIND = "engram.kind";
    /** {@link #KIND} of an episode summary. */
    public static final String SUMMARY = "summary";
    /** Metadata key listing, comma-separated, the ids of the memories a summary folds. */
    public static final String SOURCES = "engram.sources";
    /** The extractor id in a summary's source attribution. */
    public static final String EXTRACTOR_ID = "engram-consolidation";
    /** Embedding batch size for summaries. */
    private static final int EMBED_BATCH = 32;

    /** Receives one entry per user that consolidation changed (counts only). */
    public interface Audit {
        void record(UserId user, Result result);
    }

    /**
     * What one run did.
     *
     * @param clusters   duplicate groups plus episode clusters written
     * @param merged     memories superseded by a duplicate they repeat
     * @param summarized events superseded by a summary
     * @param summaries  summary memories written
     * @param before     ACTIVE, unexpired memories before
     * @param after      … and after
     * @param conflicts  groups or clusters not written because a concurrent change took a version first
     */
    public record Result(long users, long clusters, long merged, long summarized, long summaries, long before, long after,
                         long conflicts, long failedUsers) {
        static final Result NONE = new Result(0, 0, 0, 0, 0, 0, 0, 0, 0);

        Result plus(Result o) {
            return new Result(users + o.users, clusters + o.clusters, merged + o.merged, summarized + o.summarized,
                    summaries + o.summaries, before + o.before, after + o.after, conflicts + o.conflicts, failedUsers + o.failedUsers);
        }
    }

    private final StoreAccess store;
    private final Pipeline pipeline;
    private final Embedder embedder;
    private final Supplier<MemoryId> ids;
    private final Clock clock;
    private final ConsolidationRules rules;
    private final ReentrantLock visit;
    private final Audit audit;

    /**
     * @param visit the sweeper's visit lock ({@link Sweeper#visitLock()}), which a purge holds
     */
    public Consolidator(StoreAccess store, Pipeline pipeline, Embedder embedder, Supplier<MemoryId> ids, Clock clock,
                        ConsolidationRules rules, ReentrantLock visit, Audit audit) {
        this.store = store;
        this.pipeline = pipeline;
        this.embedder = embedder;
        this.ids = ids;
        this.clock = clock;
        this.rules = rules;
        this.visit = visit;
        this.audit = audit;
    }

    /**
     * Consolidates every user, one at a time; a user whose read or write fails is counted and skipped.
     *
     * @throws IOException if listing the users fails or the store stopped (fail-stop)
     */
    public Result consolidateAll(BooleanSupplier stop) throws IOException, InterruptedException {
        Result total = Result.NONE;
        for (UserId user : store.users()) {
            if (stop.getAsBoolean()) break;
            try {
                total = total.plus(consolidate(user, stop));
            } catch (RuntimeException e) {
                total = total.plus(new Result(1, 0, 0, 0, 0, 0, 0, 0, 1)); // e.g. a purge started meanwhile
            }
        }
        return total;
    }

    /** Consolidates one user; {@code stop} is checked between groups (engine closing). */
    public Result consolidate(UserId user, BooleanSupplier stop) throws IOException, InterruptedException {
        visit.lock();
        try {
            if (!store.exists(user)) return new Result(1, 0, 0, 0, 0, 0, 0, 0, 0);
            Result r = pipeline.whileHeld(user, () -> run(user, stop));
            if (r.clusters() > 0) audit.record(user, r);
            return r;
        } finally {
            visit.unlock();
        }
    }

    private Result run(UserId user, BooleanSupplier stop) throws IOException {
        Instant now = clock.instant();
        long before = store.read(user, s -> countActive(s, now));
        long clusters = 0, merged = 0, summarized = 0, summaries = 0, conflicts = 0;

        List<List<Item>> groups = store.read(user, s -> {
            List<Item> c = candidates(s, now, false);
            return Clusters.duplicates(c, neighbours(s, c), rules);
        });
        for (List<Item> g : groups) {
            if (stop.getAsBoolean()) break;
            if (write(user, merge(g, now))) {
                clusters++;
                merged += g.size() - 1;
            } else {
                conflicts++;
            }
        }

        List<List<Item>> episodes = stop.getAsBoolean() ? List.of()
                : store.read(user, s -> {
                    List<Item> c = candidates(s, now, true);
                    return Clusters.episodes(c, neighbours(s, c), rules);
                });
        for (int from = 0; from < episodes.size() && !stop.getAsBoolean(); from += EMBED_BATCH) {
            List<List<Item>> page = episodes.subList(from, Math.min(episodes.size(), from + EMBED_BATCH));
            List<String> texts = new ArrayList<>(page.size());
            for (List<Item> c : page) texts.add(EventSummary.text(c.stream().map(Item::memory).toList()));
            List<float[]> vectors = embedder.embedBatch(texts);
            for (int i = 0; i < page.size() && !stop.getAsBoolean(); i++) {
                if (write(user, fold(user, page.get(i), texts.get(i), vectors.get(i), now))) {
                    clusters++;
                    summaries++;
                    summarized += page.get(i).size();
                } else {
                    conflicts++;
                }
            }
        }
        long after = store.read(user, s -> countActive(s, now));
        return new Result(1, clusters, merged, summarized, summaries, before, after, conflicts, 0);
    }

    /** One atomic write; false when it was refused because a member changed meanwhile (nothing written). */
    private boolean write(UserId user, List<Change> changes) throws IOException {
        try {
            store.write(user, changes);
            return true;
        } catch (ValidationException e) {
            return false;
        }
    }

    /** The keeper's next version with the group's sources, and a SUPERSEDED version of every other member. */
    private List<Change> merge(List<Item> group, Instant now) {
        Item keeper = Clusters.keeper(group);
        Memory k = keeper.memory();
        List<Memory> members = group.stream().map(Item::memory).sorted(java.util.Comparator.comparing(Memory::id)).toList();
        LinkedHashSet<String> turns = new LinkedHashSet<>(k.source().turnIds());
        TreeSet<String> categories = new TreeSet<>(k.categories());
        double importance = k.importance();
        Instant eventTime = k.eventTime();
        Instant expires = k.expiresAt();
        for (Memory m : members) {
            turns.addAll(m.source().turnIds());
            categories.addAll(m.categories());
            importance = Math.max(importance, m.importance());
            if (eventTime == null) eventTime = m.eventTime();
            if (expires != null && m.expiresAt() != null && m.expiresAt().isAfter(expires)) expires = m.expiresAt();
        }
        List<Change> changes = new ArrayList<>(group.size());
        Memory.Builder next = next(k, now).source(new Source(k.source().sessionId(), lastTurns(turns), k.source().extractorId(),
                k.source().modelId())).importance(importance).eventTime(eventTime).expiresAt(expires);
        if (categories.size() <= Memory.MAX_CATEGORIES) next.categories(categories);
        changes.add(new Change.Put(next.build(), keeper.vector()));
        for (Item i : group) {
            if (i == keeper) continue;
            changes.add(new Change.Put(superseded(i.memory(), k.id(), now), i.vector()));
        }
        return changes;
    }

    /** The summary memory and a SUPERSEDED version of every member. */
    private List<Change> fold(UserId user, List<Item> cluster, String text, float[] vector, Instant now) {
        List<Memory> members = EventSummary.ordered(cluster.stream().map(Item::memory).toList());
        LinkedHashSet<String> turns = new LinkedHashSet<>();
        TreeSet<String> categories = new TreeSet<>();
        double importance = 0;
        Instant eventTime = null;
        Instant expires = null;
        String session = members.getFirst().source().sessionId();
        StringBuilder sources = new StringBuilder();
        for (Memory m : members) {
            turns.addAll(m.source().turnIds());
            categories.addAll(m.categories());
            importance = Math.max(importance, m.importance());
            if (m.eventTime() != null && (eventTime == null || m.eventTime().isBefore(eventTime))) eventTime = m.eventTime();
            // A summary never outlives the content it holds: the earliest expiry of its members.
            if (m.expiresAt() != null && (expires == null || m.expiresAt().isBefore(expires))) expires = m.expiresAt();
            if (session != null && !session.equals(m.source().sessionId())) session = null;
            if (!sources.isEmpty()) sources.append(',');
            sources.append(m.id());
        }
        Memory.Builder b = Memory.builder().id(ids.get()).user(user).version(1).content(text).type(MemoryType.EVENT)
                .importance(importance).metadata(Map.of(KIND, SUMMARY, SOURCES, sources.toString()))
                .source(new Source(session, lastTurns(turns), EXTRACTOR_ID, null)).createdAt(now).eventTime(eventTime)
                .expiresAt(expires).status(MemoryStatus.ACTIVE).embeddingModelId(embedder.modelId());
        if (categories.size() <= Memory.MAX_CATEGORIES) b.categories(categories);
        Memory summary = b.build();
        List<Change> changes = new ArrayList<>(cluster.size() + 1);
        changes.add(new Change.Put(summary, vector));
        for (Item i : cluster) changes.add(new Change.Put(superseded(i.memory(), summary.id(), now), i.vector()));
        return changes;
    }

    private static Memory superseded(Memory m, MemoryId by, Instant now) {
        return next(m, now).status(MemoryStatus.SUPERSEDED).supersededBy(by).validTo(max(now, m.validFrom())).build();
    }

    private static Memory.Builder next(Memory m, Instant now) {
        return m.toBuilder().version(m.version() + 1).updatedAt(max(m.updatedAt(), now));
    }

    private static List<String> lastTurns(LinkedHashSet<String> turns) {
        List<String> l = new ArrayList<>(turns);
        return l.size() > Source.MAX_TURNS ? l.subList(l.size() - Source.MAX_TURNS, l.size()) : l;
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    /**
     * The user's consolidation candidates: current ACTIVE, unexpired versions with a stored vector,
     * not summaries; with {@code episodes} only EVENT memories without a slot.
     */
    static List<Item> candidates(UserStore s, Instant now, boolean episodes) {
        List<Item> out = new ArrayList<>();
        for (MemoryId id : s.liveIds()) {
            Memory m = s.current(id).orElse(null);
            if (m == null || m.status() != MemoryStatus.ACTIVE || SUMMARY.equals(m.metadata().get(KIND))) continue;
            if (m.expiresAt() != null && !m.expiresAt().isAfter(now)) continue;
            if (episodes && (m.type() != MemoryType.EVENT || m.metadata().containsKey(Clusters.SLOT))) continue;
            int ordinal = s.currentOrdinal(id);
            float[] v = ordinal < 0 ? null : s.embedding(ordinal);
            if (v != null) out.add(new Item(m, v, ordinal));
        }
        return out;
    }

    private static long countActive(UserStore s, Instant now) {
        long n = 0;
        for (MemoryId id : s.liveIds()) {
            Memory m = s.current(id).orElse(null);
            if (m != null && m.status() == MemoryStatus.ACTIVE && (m.expiresAt() == null || m.expiresAt().isAfter(now))) n++;
        }
        return n;
    }

    /** Nearest neighbours from the user's vector index (current versions only), restricted to the open ordinals. */
    private static Clusters.Neighbours neighbours(UserStore s, List<Item> items) {
        Map<Integer, Item> byOrdinal = new HashMap<>();
        for (Item i : items) byOrdinal.put(i.ordinal(), i);
        return (seed, k, open) -> {
            List<Item> out = new ArrayList<>();
            if (open.isEmpty()) return out;
            for (UserStore.Hit h : s.vectorSearch(seed.vector(), k, open)) {
                Item i = byOrdinal.get(h.ordinal());
                if (i != null) out.add(i);
            }
            return out;
        };
    }
}
