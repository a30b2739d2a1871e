package dev.engram.internal.store;

import dev.engram.index.IndexConfig;
import dev.engram.internal.lexical.TextAnalyzer;
import dev.engram.internal.segment.SegmentRecord;
import dev.engram.io.Storage;
import dev.engram.memory.Memory;
import dev.engram.memory.MemoryId;
import dev.engram.memory.RandomMemories;
import dev.engram.memory.UserId;
import dev.engram.testkit.TestRandom;
import dev.engram.wal.WalOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A seeded multi-user workload for the memory store's durability tests: writes (new memories,
 * updates, deletes, journal entries, events, several per write), checkpoints, compactions and
 * reopens, with evictions forced by a small bound on open users; plus the model of what must be
 * there afterwards and the check of a recovered store against it.
 */
final class StoreWorkload {
    static final int DIM = 8;
    static final UserStore.Options USER_OPTIONS = new UserStore.Options(300, 2000, IndexConfig.defaults(DIM));

    sealed interface Op {}

    record Write(UserId user, List<MemoryStore.Mutation> mutations) implements Op {}

    record Checkpoint() implements Op {}

    record Compact(UserId user) implements Op {}

    record Reopen() implements Op {}

    /** An event as the sink saw it. */
    record SeenEvent(UserId user, long lsn, String payload) {}

    /** A sink that records what it is handed and needs nothing retained. */
    static final class RecordingSink implements MemoryStore.EventSink {
        final List<SeenEvent> seen = new ArrayList<>();

        @Override
        public synchronized void replayed(UserId user, long lsn, byte[] payload) {
            seen.add(new SeenEvent(user, lsn, HexFormat.of().formatHex(payload)));
        }

        @Override
        public long retainFromLsn() {
            return Long.MAX_VALUE;
        }
    }

    static MemoryStore open(Storage root, TextAnalyzer analyzer, MemoryStore.Options options, MemoryStore.EventSink sink) throws IOException {
        boolean existed = root.isDirectory("wal");
        Storage wal = root.subdirectory("wal");
        if (!existed) root.syncDirectory();
        return MemoryStore.open(root, WalOptions.builder(wal).segmentSize(8192).maxRecordSize(4096).build(), analyzer, options, sink);
    }

    static MemoryStore.Options options(long openUsersMaxBytes) {
        return MemoryStore.Options.defaults().withUser(USER_OPTIONS).withOpenUsersMaxBytes(openUsersMaxBytes)
                .withCheckpointWalBytes(Long.MAX_VALUE);
    }

    static float[] unit(TestRandom r) {
        float[] v = new float[DIM];
        double n = 0;
        for (int i = 0; i < DIM; i++) {
            v[i] = (float) r.nextGaussian();
            n += v[i] * v[i];
        }
        for (int i = 0; i < DIM; i++) v[i] /= (float) Math.sqrt(n);
        return v;
    }

    /** A script of {@code writes} writes over {@code users}, with checkpoints, compactions and reopens between them. */
    static List<Op> script(TestRandom r, List<UserId> users, int writes, boolean reopens) {
        RandomMemories gen = new RandomMemories(r.fork());
        Map<UserId, Map<MemoryId, Memory>> live = new LinkedHashMap<>();
        for (UserId u : users) live.put(u, new LinkedHashMap<>());
        List<Op> ops = new ArrayList<>();
        Instant t = Instant.parse("2026-03-01T00:00:00Z");
        int written = 0;
        while (written < writes) {
            int k = r.nextInt(100);
            if (k < 8) {
                ops.add(new Checkpoint());
                continue;
            } else if (k < 13) {
                ops.add(new Compact(users.get(r.nextInt(users.size()))));
                continue;
            } else if (k < 15 && reopens) {
                ops.add(new Reopen());
                continue;
            }
            UserId u = users.get(r.nextInt(users.size()));
            Map<MemoryId, Memory> mine = live.get(u);
            List<MemoryStore.Mutation> ms = new ArrayList<>();
            Set<MemoryId> touched = new LinkedHashSet<>();
            for (int n = r.between(1, 3); n > 0; n--) {
                t = t.plusSeconds(1);
                int c = r.nextInt(100);
                List<MemoryId> candidates = mine.keySet().stream().filter(id -> !touched.contains(id)).toList();
                if (c < 40 || candidates.isEmpty() && c < 70) {
                    Memory m = gen.storable(u).toBuilder().createdAt(t).updatedAt(t).validFrom(t).validTo(null).build();
                    mine.put(m.id(), m);
                    touched.add(m.id());
                    ms.add(new MemoryStore.Mutation.Put(m, r.nextBoolean() ? unit(r) : null));
                } else if (c < 55 && !candidates.isEmpty()) {
                    Memory prev = mine.get(candidates.get(r.nextInt(candidates.size())));
                    Memory next = prev.toBuilder().version(prev.version() + 1).content(gen.text(12)).updatedAt(t).build();
                    mine.put(next.id(), next);
                    touched.add(next.id());
                    ms.add(new MemoryStore.Mutation.Put(next, r.nextBoolean() ? unit(r) : null));
                } else if (c < 70 && !candidates.isEmpty()) {
                    MemoryId id = candidates.get(r.nextInt(candidates.size()));
                    mine.remove(id);
                    touched.add(id);
                    ms.add(new MemoryStore.Mutation.Delete(id, t));
                } else if (c < 85) {
                    ms.add(new MemoryStore.Mutation.Journal(r.bytes(r.between(0, 40))));
                } else {
                    ms.add(new MemoryStore.Mutation.Event(r.bytes(r.between(1, 40))));
                }
            }
            ops.add(new Write(u, ms));
            written++;
        }
        return ops;
    }

    /** What must be stored: every version of every live memory per user, the journal, the events by LSN. */
    static final class Model {
        final Map<UserId, Map<MemoryId, List<Memory>>> memories = new LinkedHashMap<>();
        final Map<UserId, List<String>> journal = new LinkedHashMap<>();
        final List<SeenEvent> events = new ArrayList<>();
        final Set<MemoryId> everPut = new LinkedHashSet<>();

        void apply(UserId u, List<MemoryStore.Mutation> ms, long lsn) {
            Map<MemoryId, List<Memory>> mine = memories.computeIfAbsent(u, k -> new LinkedHashMap<>());
            for (MemoryStore.Mutation m : ms) {
                switch (m) {
                    case MemoryStore.Mutation.Put p -> {
                        mine.computeIfAbsent(p.memory().id(), k -> new ArrayList<>()).add(p.memory());
                        everPut.add(p.memory().id());
                    }
                    case MemoryStore.Mutation.Delete d -> mine.remove(d.id());
                    case MemoryStore.Mutation.Journal j -> journal.computeIfAbsent(u, k -> new ArrayList<>()).add(HexFormat.of().formatHex(j.payload()));
                    case MemoryStore.Mutation.Event e -> events.add(new SeenEvent(u, lsn, HexFormat.of().formatHex(e.payload())));
                }
            }
        }

        Model copy() {
            Model c = new Model();
            memories.forEach((u, m) -> {
                Map<MemoryId, List<Memory>> mc = new LinkedHashMap<>();
                m.forEach((id, v) -> mc.put(id, new ArrayList<>(v)));
                c.memories.put(u, mc);
            });
            journal.forEach((u, j) -> c.journal.put(u, new ArrayList<>(j)));
            c.events.addAll(events);
            c.everPut.addAll(everPut);
            return c;
        }

        /** One user's content as a comparable value. */
        Object snapshot(UserId u) {
            return List.of(memories.getOrDefault(u, Map.of()), journal.getOrDefault(u, List.of()));
        }
    }

    /**
     * What a run acknowledged: the model of acknowledged writes, the same plus the write in flight
     * when it failed (if any), and the checkpoint bounds for events: every acknowledged event above
     * {@code minTruncated} may be replayed, every one above {@code maxTruncated} must be.
     */
    record Outcome(Model acked, Model withInflight, UserId inflightUser, List<MemoryStore.Mutation> inflight,
            long minTruncated, long maxTruncated, Exception failure) {}

    /** Runs {@code ops} until the first exception (the caller decides what happens to the storage then). */
    static Outcome run(Storage root, TextAnalyzer analyzer, MemoryStore.Options options, List<Op> ops,
            java.util.function.Consumer<MemoryStore> onFailure) {
        Model acked = new Model();
        long completed = 0;
        MemoryStore store = null;
        Op current = null;
        long inflightTruncation = 0; // what the marker may say if the checkpoint in flight reached the disk
        try {
            store = open(root, analyzer, options, new RecordingSink());
            completed = store.stats().truncatedLsn();
            for (Op op : ops) {
                current = op;
                switch (op) {
                    case Write w -> {
                        long lsn = store.write(w.user(), w.mutations());
                        acked.apply(w.user(), w.mutations(), lsn);
                    }
                    case Checkpoint c -> {
                        inflightTruncation = store.stats().lastLsn();
                        store.checkpoint();
                        completed = store.stats().truncatedLsn();
                    }
                    case Compact c -> store.compact(c.user());
                    case Reopen r -> {
                        inflightTruncation = store.stats().lastLsn();
                        MemoryStore s = store;
                        store = null;
                        s.close();
                        store = open(root, analyzer, options, new RecordingSink());
                        completed = store.stats().truncatedLsn();
                    }
                }
                inflightTruncation = completed;
            }
            current = null;
            if (Boolean.getBoolean("engram.workload.stats")) System.out.println("workload stats before close: " + store.stats());
            inflightTruncation = store.stats().lastLsn(); // close checkpoints
            store.close();
            if (Boolean.getBoolean("engram.workload.stats")) System.out.println("workload stats: " + store.stats());
            long t = store.stats().truncatedLsn();
            return new Outcome(acked, acked, null, List.of(), t, t, null);
        } catch (IOException | RuntimeException e) {
            if (store != null) onFailure.accept(store);
            Model with = acked.copy();
            UserId u = null;
            List<MemoryStore.Mutation> ms = List.of();
            if (current instanceof Write w) {
                with.apply(w.user(), w.mutations(), Long.MAX_VALUE);
                u = w.user();
                ms = w.mutations();
            }
            return new Outcome(acked, with, u, ms, completed, Math.max(completed, inflightTruncation), e);
        }
    }

    /** Checks a recovered store against an outcome; returns a description of the first mismatch, or null. */
    static String check(MemoryStore s, Outcome o, List<SeenEvent> replayed, List<UserId> users) throws IOException {
        for (UserId u : users) {
            Object actual = s.read(u, us -> {
                Map<MemoryId, List<Memory>> got = new LinkedHashMap<>();
                for (MemoryId id : o.withInflight().everPut) {
                    List<Memory> h = us.history(id);
                    if (!h.isEmpty()) got.put(id, h);
                }
                List<String> journal = new ArrayList<>();
                for (SegmentRecord.Journal j : us.journal()) journal.add(HexFormat.of().formatHex(j.payload()));
                return List.of(got, journal);
            });
            boolean ok = actual.equals(o.acked().snapshot(u)) || u.equals(o.inflightUser()) && actual.equals(o.withInflight().snapshot(u));
            if (!ok) return "user " + u + " holds " + actual + "\nexpected " + o.acked().snapshot(u)
                    + (u.equals(o.inflightUser()) ? "\nor " + o.withInflight().snapshot(u) : "");
            boolean rebuilt = s.read(u, us -> {
                try {
                    return us.derivedStateMatchesRebuild();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            if (!rebuilt) return "user " + u + ": rebuilt derived state differs from the live one";
        }
        // Events: strictly increasing LSNs; each replayed one acknowledged above minTruncated (or the
        // in-flight write's); every acknowledged one above maxTruncated replayed.
        long last = 0;
        Set<SeenEvent> replayedSet = new LinkedHashSet<>(replayed);
        Set<String> inflight = new LinkedHashSet<>();
        for (MemoryStore.Mutation m : o.inflight()) {
            if (m instanceof MemoryStore.Mutation.Event e) inflight.add(HexFormat.of().formatHex(e.payload()));
        }
        Set<SeenEvent> acked = new LinkedHashSet<>(o.acked().events);
        for (SeenEvent e : replayed) {
            if (e.lsn() < last) return "events out of LSN order: " + replayed;
            last = e.lsn();
            boolean known = acked.contains(e) && e.lsn() > o.minTruncated()
                    || e.user().equals(o.inflightUser()) && inflight.contains(e.payload()) && !acked.contains(e);
            if (!known) return "replayed event " + e + " was not acknowledged after LSN " + o.minTruncated();
        }
        for (SeenEvent e : o.acked().events) {
            if (e.lsn() > o.maxTruncated() && !replayedSet.contains(e)) return "acknowledged event " + e + " not replayed (checkpoint "
                    + o.minTruncated() + ".." + o.maxTruncated() + ")";
        }
        return null;
    }
}
