package dev.engram.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.engram.internal.lexical.TextAnalyzer;
import dev.engram.memory.Memory;
import dev.engram.memory.MemoryId;
import dev.engram.memory.RandomMemories;
import dev.engram.memory.UserId;
import dev.engram.testkit.FaultInjectingStorage;
import dev.engram.testkit.InMemoryStorage;
import dev.engram.testkit.Seeded;
import dev.engram.testkit.TestRandom;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.RepeatedTest;

/**
 * Power loss at every I/O operation of a mixed workload (puts, updates, deletes, flushes, index
 * checkpoints, compactions, reopens), with the fault-injecting storage's model of what a disk
 * keeps: after recovery the store holds exactly the state of the last acknowledged flush, or of
 * the flush that was in flight (its manifest rename may have reached the disk), never anything
 * else; nothing deleted comes back, no version is duplicated, and rebuilt derived state equals
 * the loaded one.
 */
@Seeded
class UserStoreCrashTest {
    private static final TextAnalyzer A = new TextAnalyzer();
    private static final UserStore.Options SMALL = new UserStore.Options(300, 2000);
    private static final UserId USER = UserId.of("crash-user");

    @AfterAll
    static void close() {
        A.close();
    }

    private sealed interface Op {}
    private record Put(Memory memory) implements Op {}
    private record Delete(MemoryId id) implements Op {}
    private record Flush() implements Op {}
    private record Checkpoint() implements Op {}
    private record Compact() implements Op {}
    private record Reopen() implements Op {}

    /** The logical content: every version of every live memory. */
    private static Map<MemoryId, List<Memory>> copy(Map<MemoryId, List<Memory>> m) {
        Map<MemoryId, List<Memory>> c = new LinkedHashMap<>();
        m.forEach((k, v) -> c.put(k, List.copyOf(v)));
        return c;
    }

    private static List<Op> script(TestRandom random) {
        RandomMemories gen = new RandomMemories(random);
        Map<MemoryId, List<Memory>> live = new LinkedHashMap<>();
        List<Op> ops = new ArrayList<>();
        Instant t = Instant.parse("2026-03-01T00:00:00Z");
        for (int i = 0; i < 45; i++) {
            int k = random.nextInt(100);
            t = t.plusSeconds(1);
            if (k < 35 || live.isEmpty()) {
                Memory m = gen.storable(USER).toBuilder().createdAt(t).updatedAt(t).validFrom(t).validTo(null).build();
                live.put(m.id(), new ArrayList<>(List.of(m)));
                ops.add(new Put(m));
            } else if (k < 55) {
                List<MemoryId> ids = List.copyOf(live.keySet());
                List<Memory> versions = live.get(ids.get(random.nextInt(ids.size())));
                Memory prev = versions.getLast();
                Memory next = prev.toBuilder().version(prev.version() + 1).content(gen.text(15)).updatedAt(t).build();
                versions.add(next);
                ops.add(new Put(next));
            } else if (k < 65) {
                List<MemoryId> ids = List.copyOf(live.keySet());
                MemoryId id = ids.get(random.nextInt(ids.size()));
                live.remove(id);
                ops.add(new Delete(id));
            } else if (k < 85) {
                ops.add(new Flush());
            } else if (k < 91) {
                ops.add(new Checkpoint());
            } else if (k < 96) {
                ops.add(new Compact());
            } else {
                ops.add(new Reopen());
            }
        }
        ops.add(new Flush());
        return ops;
    }

    /** What a run acknowledged, and what the interrupted flush (if any) would have made durable. */
    private record Outcome(Map<MemoryId, List<Memory>> acked, Map<MemoryId, List<Memory>> inflight, boolean crashed,
            List<MemoryId> everPut) {}

    private static Outcome run(FaultInjectingStorage root, List<Op> ops) {
        Map<MemoryId, List<Memory>> attempted = new LinkedHashMap<>();
        Map<MemoryId, List<Memory>> acked = new LinkedHashMap<>();
        List<MemoryId> everPut = new ArrayList<>();
        Map<MemoryId, List<Memory>> inflight = null;
        UserStore store = null;
        try {
            inflight = copy(acked);
            store = UserStore.open(root, USER, A, SMALL);
            for (Op op : ops) {
                switch (op) {
                    case Put p -> {
                        store.put(p.memory());
                        attempted.computeIfAbsent(p.memory().id(), k -> new ArrayList<>()).add(p.memory());
                        everPut.add(p.memory().id());
                    }
                    case Delete d -> {
                        store.delete(d.id(), Instant.EPOCH);
                        attempted.remove(d.id());
                    }
                    default -> {
                        inflight = copy(attempted);
                        switch (op) {
                            case Flush f -> store.flush();
                            case Checkpoint c -> store.checkpointIndexes();
                            case Compact c -> store.compact();
                            case Reopen r -> {
                                store.close();
                                store = UserStore.open(root, USER, A, SMALL);
                            }
                            default -> throw new AssertionError(op);
                        }
                        acked = copy(attempted);
                    }
                }
            }
            store.close();
            return new Outcome(copy(attempted), copy(attempted), false, everPut);
        } catch (IOException e) {
            if (!root.crashed()) throw new AssertionError("I/O failure without a crash", e);
            return new Outcome(acked, inflight, true, everPut);
        }
    }

    @RepeatedTest(10)
    void powerLossAtEveryOperationKeepsExactlyTheAcknowledgedState(TestRandom random) throws Exception {
        List<Op> ops = script(random);
        FaultInjectingStorage probe = FaultInjectingStorage.wrap(new InMemoryStorage());
        long base = probe.operations();
        Outcome clean = run(probe, ops);
        assertTrue(!clean.crashed());
        long total = probe.operations() - base;
        assertTrue(total > 100, "workload too small: " + total + " operations");
        System.out.println("UserStoreCrashTest: power loss at each of " + total + " operations, seed 0x" + Long.toHexString(random.seed()));
        for (long n = 1; n <= total; n++) {
            FaultInjectingStorage root = FaultInjectingStorage.wrap(new InMemoryStorage());
            root.crashAt(root.operations() + n);
            Outcome o = run(root, ops);
            assertTrue(o.crashed(), "operation " + n + " of " + total + " did not crash");
            root.powerLoss(new Random(random.seed() ^ n));
            try (UserStore s = UserStore.open(root, USER, A, SMALL)) {
                Map<MemoryId, List<Memory>> recovered = new HashMap<>();
                for (MemoryId id : new TreeSet<>(o.everPut())) {
                    List<Memory> h = s.history(id);
                    if (!h.isEmpty()) recovered.put(id, h);
                }
                boolean isAcked = recovered.equals(o.acked());
                boolean isInflight = recovered.equals(o.inflight());
                if (!isAcked && !isInflight) {
                    fail("after power loss at operation " + n + " of " + total + " the store holds " + recovered.size()
                            + " memories matching neither the acknowledged (" + o.acked().size() + ") nor the in-flight ("
                            + o.inflight().size() + ") state\n" + String.join("\n", root.trace()));
                }
                assertEquals(recovered.keySet(), new java.util.HashSet<>(s.liveIds()), "live ids at operation " + n);
                assertTrue(s.derivedStateMatchesRebuild(), "rebuilt != loaded at operation " + n);
                // And the recovered store takes writes again.
                RandomMemories gen = new RandomMemories(new TestRandom(n));
                assertTrue(s.put(gen.storable(USER)));
                s.flush();
            }
        }
    }
}
