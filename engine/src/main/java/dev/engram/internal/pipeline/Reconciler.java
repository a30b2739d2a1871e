package dev.engram.internal.pipeline;

import dev.engram.extraction.extract.Candidate;
import dev.engram.internal.pipeline.StoreAccess.Change;
import dev.engram.internal.store.UserStore;
import dev.engram.memory.Memory;
import dev.engram.memory.MemoryId;
import dev.engram.memory.MemoryStatus;
import dev.engram.memory.MemoryType;
import dev.engram.memory.Source;
import dev.engram.memory.UserId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.roaringbitmap.RoaringBitmap;

/**
 * Decides what one extracted candidate does to the user's memories, and writes the versions
 * that say so (docs/pipeline.md, "Reconciliation"):
 *
 * <ol>
 *   <li><b>retraction</b> ("I no longer…", "forget that…"): the matching ACTIVE memory (same slot,
 *       else the most similar above {@code forget}) is deleted when the turn asks to forget, else
 *       its validity ends (a SUPERSEDED version with {@code validTo}); nothing matches: nothing;</li>
 *   <li><b>same slot</b> ({@code user.location}…) as an ACTIVE memory: a near-duplicate
 *       (cosine ≥ {@code duplicate}) is reinforced (NOOP), any other value <b>supersedes</b> it:
 *       the old memory gets a SUPERSEDED version with {@code validTo} and {@code supersededBy};</li>
 *   <li>otherwise the most similar ACTIVE memory: cosine ≥ {@code duplicate} → reinforce (a new
 *       version adding the source turns, importance raised to the higher of the two); cosine ≥
 *       {@code update}, same type and a longer text → <b>update</b> (new version with the new text) when the new text
 *       contains every word of the old one ({@link #refines});</li>
 *   <li>else <b>add</b> a new memory.</li>
 * </ol>
 *
 * Never two ACTIVE memories for one slot. Candidates of one ingestion see each other's planned
 * versions ({@link Plan}). Not thread-safe: one plan per ingestion, one ingestion per user at a time.
 */
final class Reconciler {
    /** Metadata key holding a memory's slot key. */
    static final String SLOT = "engram.slot";

    enum Action { ADD, UPDATE, SUPERSEDE, NOOP, DELETE, END }

    record Decision(Action action, MemoryId target, MemoryId result) {}

    private final ReconcileThresholds thresholds;
    private final Supplier<MemoryId> ids;
    private final Function<String, float[]> embed;
    private final String modelId;

    Reconciler(ReconcileThresholds thresholds, Supplier<MemoryId> ids, Function<String, float[]> embed, String modelId) {
        this.thresholds = thresholds;
        this.ids = ids;
        this.embed = embed;
        this.modelId = modelId;
    }

    /** The versions planned by one ingestion: what its later candidates must see. */
    static final class Plan {
        final List<Change> changes = new ArrayList<>();
        final List<Decision> decisions = new ArrayList<>();
        final Map<MemoryId, Memory> latest = new HashMap<>();
        final Map<MemoryId, float[]> vectors = new HashMap<>();
        // Stored vectors of the store's memories read so far, and its ACTIVE set: the store does not
        // change while a plan is made (it is made inside one read).
        final Map<MemoryId, float[]> storedVectors = new HashMap<>();
        RoaringBitmap activeInStore;
        final Map<String, MemoryId> slots;
        final UserId user;
        final String sessionId;
        final String extractorId;
        final Instant now;
        final boolean forgetRequested;

        Plan(UserId user, Map<String, MemoryId> slots, String sessionId, String extractorId, Instant now,
             boolean forgetRequested) {
            this.user = user;
            this.slots = slots;
            this.sessionId = sessionId;
            this.extractorId = extractorId;
            this.now = now;
            this.forgetRequested = forgetRequested;
        }

        List<MemoryId> touched() {
            LinkedHashSet<MemoryId> out = new LinkedHashSet<>();
            for (Decision d : decisions) {
                if (d.target() != null) out.add(d.target());
                if (d.result() != null) out.add(d.result());
            }
            return List.copyOf(out);
        }

        void put(Memory m, float[] v) {
            changes.add(new Change.Put(m, v));
            latest.put(m.id(), m);
            vectors.put(m.id(), v);
        }
    }

    Decision reconcile(UserStore store, Candidate c, float[] vector, Plan plan) {
        Decision d = decide(store, c, vector, plan);
        plan.decisions.add(d);
        return d;
    }

    private Decision decide(UserStore store, Candidate c, float[] vector, Plan plan) {
        Memory bySlot = c.slotKey() == null ? null : slotHolder(store, c.slotKey(), plan);
        if (c.retraction()) {
            Match m = bySlot != null ? new Match(bySlot, 1.0) : mostSimilar(store, vector, plan);
            if (m == null || m.score < (bySlot != null ? 0 : thresholds.forget())) return new Decision(Action.NOOP, null, null);
            Memory target = m.memory;
            if (plan.forgetRequested) {
                plan.changes.add(new Change.Delete(target.id(), plan.now));
                plan.latest.remove(target.id());
                if (c.slotKey() != null) plan.slots.remove(c.slotKey());
                return new Decision(Action.DELETE, target.id(), null);
            }
            plan.put(next(target, plan).status(MemoryStatus.SUPERSEDED).validTo(max(plan.now, target.validFrom())).build(),
                    vectorOf(target, plan));
            if (c.slotKey() != null) plan.slots.remove(c.slotKey());
            return new Decision(Action.END, target.id(), null);
        }
        if (bySlot != null) {
            double sim = dot(vectorOf(bySlot, plan), vector);
            if (sim >= thresholds.duplicate()) return reinforce(bySlot, c, plan);
            Memory added = add(c, vector, plan);
            plan.put(next(bySlot, plan).status(MemoryStatus.SUPERSEDED).validTo(max(plan.now, bySlot.validFrom()))
                    .supersededBy(added.id()).build(), vectorOf(bySlot, plan));
            return new Decision(Action.SUPERSEDE, bySlot.id(), added.id());
        }
        Match best = mostSimilar(store, vector, plan);
        if (best != null && best.score >= thresholds.duplicate()) return reinforce(best.memory, c, plan);
        if (best != null && best.score >= thresholds.update() && best.memory.type() == type(c)
                && refines(best.memory.content(), c.text()) && best.memory.metadata().get(SLOT) == null) {
            Memory updated = next(best.memory, plan).content(c.text()).source(merge(best.memory.source(), c, plan))
                    .importance(Math.max(best.memory.importance(), c.importance())).eventTime(
                            c.eventTime() != null ? c.eventTime() : best.memory.eventTime()).build();
            plan.put(updated, vector);
            return new Decision(Action.UPDATE, best.memory.id(), null);
        }
        Memory added = add(c, vector, plan);
        return new Decision(Action.ADD, null, added.id());
    }

    private Decision reinforce(Memory target, Candidate c, Plan plan) {
        Source merged = merge(target.source(), c, plan);
        if (merged.turnIds().equals(target.source().turnIds()) && target.importance() >= c.importance()) {
            return new Decision(Action.NOOP, target.id(), null);
        }
        plan.put(next(target, plan).source(merged).importance(Math.max(target.importance(), c.importance())).build(),
                vectorOf(target, plan));
        return new Decision(Action.NOOP, target.id(), null);
    }

    private Memory add(Candidate c, float[] vector, Plan plan) {
        Memory.Builder b = Memory.builder().id(ids.get()).user(plan.user).version(1).content(c.text()).type(type(c))
                .importance(c.importance()).source(new Source(plan.sessionId, c.sourceTurnIds(), plan.extractorId, null))
                .createdAt(plan.now).eventTime(c.eventTime()).status(MemoryStatus.ACTIVE).embeddingModelId(modelId);
        if (c.slotKey() != null) b.metadata(Map.of(SLOT, c.slotKey()));
        Memory m = b.build();
        plan.put(m, vector);
        if (c.slotKey() != null) plan.slots.put(c.slotKey(), m.id());
        return m;
    }

    private static Memory.Builder next(Memory m, Plan plan) {
        return m.toBuilder().version(m.version() + 1).updatedAt(max(m.updatedAt(), plan.now));
    }

    private Source merge(Source s, Candidate c, Plan plan) {
        LinkedHashSet<String> turns = new LinkedHashSet<>(s.turnIds());
        turns.addAll(c.sourceTurnIds());
        List<String> list = new ArrayList<>(turns);
        if (list.size() > Source.MAX_TURNS) list = list.subList(list.size() - Source.MAX_TURNS, list.size());
        return new Source(s.sessionId() != null ? s.sessionId() : plan.sessionId, list, s.extractorId(), s.modelId());
    }

    private record Match(Memory memory, double score) {}

    private Match mostSimilar(UserStore store, float[] vector, Plan plan) {
        Match best = null;
        for (Memory m : plan.latest.values()) {
            if (m.status() != MemoryStatus.ACTIVE) continue;
            double s = dot(plan.vectors.get(m.id()), vector);
            if (best == null || s > best.score) best = new Match(m, s);
        }
        if (plan.activeInStore == null) plan.activeInStore = store.withBitmaps(b -> b.withStatus(MemoryStatus.ACTIVE).clone());
        if (plan.activeInStore.isEmpty()) return best;
        for (UserStore.Hit h : store.vectorSearch(vector, 3, plan.activeInStore)) {
            Memory m = plan.latest.getOrDefault(h.memory().id(), h.memory());
            if (m.status() != MemoryStatus.ACTIVE || plan.latest.containsKey(m.id()) && !plan.vectors.containsKey(m.id())) continue;
            if (!plan.latest.containsKey(m.id()) && !plan.storedVectors.containsKey(m.id())) {
                float[] stored = store.embedding(h.ordinal());
                if (stored != null) plan.storedVectors.put(m.id(), stored);
            }
            if (best == null || h.score() > best.score) best = new Match(m, h.score());
        }
        return best;
    }

    private Memory slotHolder(UserStore store, String slot, Plan plan) {
        MemoryId id = plan.slots.get(slot);
        if (id == null) return null;
        Memory m = plan.latest.containsKey(id) ? plan.latest.get(id) : store.current(id).orElse(null);
        if (m == null || m.status() != MemoryStatus.ACTIVE || !slot.equals(m.metadata().get(SLOT))) {
            plan.slots.remove(slot);
            return null;
        }
        return m;
    }

    /** The memory's vector: planned, else as stored, else (a slot holder found by id) its text embedded again. */
    private float[] vectorOf(Memory m, Plan plan) {
        float[] v = plan.vectors.get(m.id());
        if (v == null) v = plan.storedVectors.get(m.id());
        return v != null ? v : embed.apply(m.content());
    }

    /**
     * Whether {@code candidate} says everything {@code old} says and more: every word of the old
     * text (lower-cased letters and digits) occurs in the longer new one. Cosine similarity alone
     * cannot tell a refinement ("likes hiking" → "likes hiking in the Alps") from a conflicting
     * value ("has two children" → "has three children"): both score 0.74–0.92 (docs/pipeline.md).
     */
    static boolean refines(String old, String candidate) {
        if (candidate.length() <= old.length()) return false;
        java.util.Set<String> have = words(candidate);
        return have.containsAll(words(old));
    }

    private static java.util.Set<String> words(String text) {
        java.util.Set<String> out = new java.util.HashSet<>();
        for (String w : text.toLowerCase(java.util.Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (!w.isEmpty()) out.add(w);
        }
        return out;
    }

    static MemoryType type(Candidate c) {
        return MemoryType.valueOf(c.kind().name());
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
