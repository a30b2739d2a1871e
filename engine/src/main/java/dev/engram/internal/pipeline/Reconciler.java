package dev.engram.internal.pipeline;

import dev.engram.extraction.extract.Candidate;
import dev.engram.extraction.extract.ExtractionException;
import dev.engram.extraction.extract.KnownMemory;
import dev.engram.extraction.extract.MemoryKind;
import dev.engram.extraction.extract.ReconcileAction;
import dev.engram.extraction.extract.ReconcileDecision;
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
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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
 * Before the rules, the extractor is asked for advice ({@link Advisor}, the extractor's
 * {@code reconcile}) with the memories the rules would look at (the slot holder and the
 * {@value #OFFERED} most similar ACTIVE memories). Advice that passes {@link DecisionCheck} is
 * applied instead of the rules; no advice, a failing model or advice that breaks an invariant
 * leaves the decision to the rules ({@link ReconcileStats} counts which, the log names the reason,
 * never content).
 *
 * <p>Never two ACTIVE memories for one slot. Candidates of one ingestion see each other's planned
 * versions ({@link Plan}). The ingestion's metadata is copied onto the memories it writes, a
 * memory's own keys (its slot) taking precedence. Not thread-safe: one plan per ingestion, one
 * ingestion per user at a time.
 */
final class Reconciler {
    private static final System.Logger LOG = System.getLogger(Reconciler.class.getName());
    /** Metadata key holding a memory's slot key. */
    static final String SLOT = "engram.slot";
    /** How many similar memories are offered to the extractor's advice (besides the slot holder). */
    static final int OFFERED = 5;

    /** The extractor's reconcile advice for one candidate; an empty list: decide by the rules. */
    @FunctionalInterface
    interface Advisor {
        List<ReconcileDecision> advise(Candidate candidate, List<KnownMemory> offered);
    }

    enum Action { ADD, UPDATE, SUPERSEDE, NOOP, DELETE, END }

    record Decision(Action action, MemoryId target, MemoryId result) {}

    private final ReconcileThresholds thresholds;
    private final Supplier<MemoryId> ids;
    private final Function<String, float[]> embed;
    private final String modelId;
    private final Advisor advisor;
    private final ReconcileStats stats;

    Reconciler(ReconcileThresholds thresholds, Supplier<MemoryId> ids, Function<String, float[]> embed, String modelId,
               Advisor advisor, ReconcileStats stats) {
        this.thresholds = thresholds;
        this.ids = ids;
        this.embed = embed;
        this.modelId = modelId;
        this.advisor = advisor;
        this.stats = stats;
    }

    /** The versions planned by one ingestion: what its later candidates must see. */
    static final class Plan {
        final List<Change> changes = new ArrayList<>();
        final List<Decision> decisions = new ArrayList<>();
        final Map<MemoryId, Memory> latest = new HashMap<>();
        final Map<MemoryId, float[]> vectors = new HashMap<>();
        final Set<MemoryId> deleted = new HashSet<>();
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
        final String ingestionId;
        final Map<String, String> metadata;
        // The model service failed (not merely answered badly) on an earlier candidate: skip it for the rest.
        boolean modelDown;

        Plan(UserId user, Map<String, MemoryId> slots, String sessionId, String extractorId, Instant now,
             boolean forgetRequested, String ingestionId, Map<String, String> metadata) {
            this.user = user;
            this.slots = slots;
            this.sessionId = sessionId;
            this.extractorId = extractorId;
            this.now = now;
            this.forgetRequested = forgetRequested;
            this.ingestionId = ingestionId;
            this.metadata = Map.copyOf(metadata);
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

    /** Plans what {@code c} does; returns the first decision (advice may make several). */
    Decision reconcile(UserStore store, Candidate c, float[] vector, Plan plan) {
        Memory bySlot = c.slotKey() == null ? null : slotHolder(store, c.slotKey(), plan);
        List<Match> near = similar(store, vector, plan);
        List<Decision> advised = advised(c, vector, bySlot, near, plan);
        if (advised != null) {
            plan.decisions.addAll(advised);
            return advised.getFirst();
        }
        Decision d = decide(c, vector, bySlot, near.isEmpty() ? null : near.getFirst(), plan);
        plan.decisions.add(d);
        return d;
    }

    // ---------------------------------------------------------------- the extractor's advice

    /** The advice, validated and planned; {@code null}: the rules decide. */
    private List<Decision> advised(Candidate c, float[] vector, Memory bySlot, List<Match> near, Plan plan) {
        Map<String, Memory> offered = new LinkedHashMap<>();
        if (bySlot != null) offered.put(bySlot.id().toString(), bySlot);
        for (Match m : near) offered.putIfAbsent(m.memory.id().toString(), m.memory);
        if (offered.isEmpty()) { // nothing to reconcile against: the rules add
            stats.rules();
            return null;
        }
        if (plan.modelDown) return fallback(plan, "model_unavailable");
        List<ReconcileDecision> answer;
        try {
            answer = advisor.advise(c, offered.values().stream().map(Reconciler::known).toList());
        } catch (ExtractionException e) {
            // Only the reason: the message may quote the model's output.
            if (e.reason() != ExtractionException.Reason.MALFORMED_OUTPUT) plan.modelDown = true;
            return fallback(plan, e.reason().name().toLowerCase(java.util.Locale.ROOT));
        } catch (RuntimeException e) {
            return fallback(plan, "extractor_error:" + e.getClass().getSimpleName());
        }
        if (answer == null || answer.isEmpty()) {
            stats.rules();
            return null;
        }
        String problem = DecisionCheck.problem(answer, offered, c, bySlot);
        if (problem != null) return fallback(plan, problem);
        stats.model();
        return apply(answer, offered, c, vector, plan);
    }

    private List<Decision> fallback(Plan plan, String reason) {
        stats.fallback(reason);
        LOG.log(System.Logger.Level.WARNING, "ingestion " + plan.ingestionId
                + ": reconcile advice not used (" + reason + "); the similarity rules decide");
        return null;
    }

    /**
     * Plans validated advice: the actions on existing targets (DELETE, NOOP, UPDATE) in the advice's
     * order, then the new memory of an ADD or SUPERSEDE, once the slot its superseded target held is released.
     */
    private List<Decision> apply(List<ReconcileDecision> answer, Map<String, Memory> offered, Candidate c, float[] vector,
                                 Plan plan) {
        List<Decision> out = new ArrayList<>();
        for (ReconcileDecision d : answer) {
            Memory target = d.targetId() == null ? null : offered.get(d.targetId());
            switch (d.action()) {
                case DELETE -> out.add(retract(target, plan));
                // A retraction's NOOP is "nothing to retract": the target must not cite the retracting turn.
                case NOOP -> out.add(c.retraction() ? new Decision(Action.NOOP, null, null) : reinforce(target, c, plan));
                case UPDATE -> {
                    plan.put(next(target, plan).content(d.text()).source(merge(target.source(), c, plan))
                            .importance(Math.max(target.importance(), c.importance()))
                            .eventTime(c.eventTime() != null ? c.eventTime() : target.eventTime())
                            .metadata(withIngestion(target.metadata(), plan)).build(), vectorFor(d.text(), c, vector));
                    out.add(new Decision(Action.UPDATE, target.id(), null));
                }
                case ADD, SUPERSEDE -> { } // below, once the slot its target held is released
            }
        }
        for (ReconcileDecision d : answer) {
            if (d.action() == ReconcileAction.ADD) {
                out.add(new Decision(Action.ADD, null, add(c, d.text(), c.slotKey(), vectorFor(d.text(), c, vector), plan).id()));
            } else if (d.action() == ReconcileAction.SUPERSEDE) {
                Memory target = offered.get(d.targetId());
                String oldSlot = target.metadata().get(SLOT);
                if (oldSlot != null) plan.slots.remove(oldSlot, target.id());
                Memory added = add(c, d.text(), c.slotKey() != null ? c.slotKey() : oldSlot, vectorFor(d.text(), c, vector), plan);
                plan.put(next(target, plan).status(MemoryStatus.SUPERSEDED).validTo(max(plan.now, target.validFrom()))
                        .supersededBy(added.id()).build(), vectorOf(target, plan));
                out.add(new Decision(Action.SUPERSEDE, target.id(), added.id()));
            }
        }
        return out;
    }

    private float[] vectorFor(String text, Candidate c, float[] candidateVector) {
        return text.equals(c.text()) ? candidateVector : embed.apply(text);
    }

    static KnownMemory known(Memory m) {
        return new KnownMemory(m.id().toString(), m.content(), MemoryKind.valueOf(m.type().name()), m.metadata().get(SLOT));
    }

    // ---------------------------------------------------------------- the rules

    private Decision decide(Candidate c, float[] vector, Memory bySlot, Match best, Plan plan) {
        if (c.retraction()) {
            Match m = bySlot != null ? new Match(bySlot, 1.0) : best;
            if (m == null || m.score < (bySlot != null ? 0 : thresholds.forget())) return new Decision(Action.NOOP, null, null);
            return retract(m.memory, plan);
        }
        if (bySlot != null) {
            double sim = dot(vectorOf(bySlot, plan), vector);
            if (sim >= thresholds.duplicate()) return reinforce(bySlot, c, plan);
            plan.slots.remove(c.slotKey(), bySlot.id());
            Memory added = add(c, c.text(), c.slotKey(), vector, plan);
            plan.put(next(bySlot, plan).status(MemoryStatus.SUPERSEDED).validTo(max(plan.now, bySlot.validFrom()))
                    .supersededBy(added.id()).build(), vectorOf(bySlot, plan));
            return new Decision(Action.SUPERSEDE, bySlot.id(), added.id());
        }
        if (best != null && best.score >= thresholds.duplicate()) return reinforce(best.memory, c, plan);
        if (best != null && best.score >= thresholds.update() && best.memory.type() == type(c)
                && refines(best.memory.content(), c.text()) && best.memory.metadata().get(SLOT) == null) {
            Memory updated = next(best.memory, plan).content(c.text()).source(merge(best.memory.source(), c, plan))
                    .importance(Math.max(best.memory.importance(), c.importance())).eventTime(
                            c.eventTime() != null ? c.eventTime() : best.memory.eventTime())
                    .metadata(withIngestion(best.memory.metadata(), plan)).build();
            plan.put(updated, vector);
            return new Decision(Action.UPDATE, best.memory.id(), null);
        }
        Memory added = add(c, c.text(), c.slotKey(), vector, plan);
        return new Decision(Action.ADD, null, added.id());
    }

    /** Deletes {@code target} when the turn asks to forget, else ends its validity (history kept). */
    private Decision retract(Memory target, Plan plan) {
        String slot = target.metadata().get(SLOT);
        if (slot != null) plan.slots.remove(slot, target.id());
        if (plan.forgetRequested) {
            plan.changes.add(new Change.Delete(target.id(), plan.now));
            plan.latest.remove(target.id());
            plan.vectors.remove(target.id());
            plan.deleted.add(target.id());
            return new Decision(Action.DELETE, target.id(), null);
        }
        plan.put(next(target, plan).status(MemoryStatus.SUPERSEDED).validTo(max(plan.now, target.validFrom())).build(),
                vectorOf(target, plan));
        return new Decision(Action.END, target.id(), null);
    }

    private Decision reinforce(Memory target, Candidate c, Plan plan) {
        Source merged = merge(target.source(), c, plan);
        Map<String, String> metadata = withIngestion(target.metadata(), plan);
        if (merged.turnIds().equals(target.source().turnIds()) && target.importance() >= c.importance()
                && metadata.equals(target.metadata())) {
            return new Decision(Action.NOOP, target.id(), null);
        }
        plan.put(next(target, plan).source(merged).importance(Math.max(target.importance(), c.importance()))
                .metadata(metadata).build(), vectorOf(target, plan));
        return new Decision(Action.NOOP, target.id(), null);
    }

    private Memory add(Candidate c, String text, String slot, float[] vector, Plan plan) {
        Memory m = Memory.builder().id(ids.get()).user(plan.user).version(1).content(text).type(type(c))
                .importance(c.importance()).source(new Source(plan.sessionId, c.sourceTurnIds(), plan.extractorId, null))
                .createdAt(plan.now).eventTime(c.eventTime()).status(MemoryStatus.ACTIVE).embeddingModelId(modelId)
                .metadata(withIngestion(slot == null ? Map.of() : Map.of(SLOT, slot), plan)).build();
        plan.put(m, vector);
        if (slot != null) plan.slots.put(slot, m.id());
        return m;
    }

    /**
     * {@code own} with the ingestion's metadata added: a key the memory has keeps the memory's value.
     * When the union would exceed the per-memory bounds the memory keeps {@code own} alone.
     */
    static Map<String, String> withIngestion(Map<String, String> own, Plan plan) {
        if (plan.metadata.isEmpty()) return own;
        TreeMap<String, String> out = new TreeMap<>(plan.metadata);
        out.putAll(own);
        if (out.equals(own)) return own;
        if (out.size() > Memory.MAX_METADATA_ENTRIES) return own;
        long bytes = 0;
        for (Map.Entry<String, String> e : out.entrySet()) {
            bytes += dev.engram.memory.Strings.utf8Length(e.getKey()) + dev.engram.memory.Strings.utf8Length(e.getValue());
        }
        return bytes > Memory.MAX_METADATA_BYTES ? own : out;
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

    /**
     * The {@value #OFFERED} ACTIVE memories most similar to {@code vector}, best first: those this
     * ingestion planned (scored against their planned vectors) and the store's (its vector index),
     * less what this ingestion replaced, ended or deleted.
     */
    private List<Match> similar(UserStore store, float[] vector, Plan plan) {
        List<Match> out = new ArrayList<>();
        for (Memory m : plan.latest.values()) {
            if (m.status() == MemoryStatus.ACTIVE) out.add(new Match(m, dot(plan.vectors.get(m.id()), vector)));
        }
        if (plan.activeInStore == null) plan.activeInStore = store.withBitmaps(b -> b.withStatus(MemoryStatus.ACTIVE).clone());
        if (!plan.activeInStore.isEmpty()) {
            for (UserStore.Hit h : store.vectorSearch(vector, OFFERED, plan.activeInStore)) {
                MemoryId id = h.memory().id();
                if (plan.latest.containsKey(id) || plan.deleted.contains(id) || h.memory().status() != MemoryStatus.ACTIVE) continue;
                if (!plan.storedVectors.containsKey(id)) {
                    float[] stored = store.embedding(h.ordinal());
                    if (stored != null) plan.storedVectors.put(id, stored);
                }
                out.add(new Match(h.memory(), h.score()));
            }
        }
        out.sort(Comparator.comparingDouble((Match m) -> m.score).reversed());
        return out.size() > OFFERED ? List.copyOf(out.subList(0, OFFERED)) : out;
    }

    private Memory slotHolder(UserStore store, String slot, Plan plan) {
        MemoryId id = plan.slots.get(slot);
        if (id == null || plan.deleted.contains(id)) return null;
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
