package dev.engram.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.engram.internal.lexical.TextAnalyzer;
import dev.engram.io.FileInput;
import dev.engram.io.Storage;
import dev.engram.memory.Memory;
import dev.engram.memory.MemoryId;
import dev.engram.memory.RandomMemories;
import dev.engram.memory.UserId;
import dev.engram.testkit.FaultInjectingStorage;
import dev.engram.testkit.InMemoryStorage;
import dev.engram.testkit.Seeded;
import dev.engram.testkit.TestRandom;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.RepeatedTest;

/**
 * A purge under faults at every one of its I/O operations: an I/O error at operation n after which
 * the process dies, or a power loss at operation n. Two users write memories (with updates, a
 * delete, journal entries and events carrying a canary), half of it checkpointed into segments,
 * half only in the WAL; then one is purged. After recovery ({@link MemoryStore#open} then
 * {@link MemoryStore#completePurges}) the purged user is either fully present (exactly what was
 * written; only possible when the purge was not acknowledged) or fully gone: no directory, and no
 * byte of its canary in any file (WAL included). The other user is always intact, its pending
 * event (acknowledged, pinned by the sink, so relocated by the purge) is replayed after recovery,
 * and the store takes writes again, the purged user id included.
 */
@Seeded
class PurgeFaultTest {
    // Opened per test class (the encrypted subclass runs the same tests with its own): an analyzer
    // shared by both classes would be closed by the first one's @AfterAll.
    private static TextAnalyzer A;

    @org.junit.jupiter.api.BeforeAll
    static void openAnalyzer() {
        A = new TextAnalyzer();
    }
    private static final UserId ANN = UserId.of("ann");
    private static final UserId BOB = UserId.of("bob");
    private static final MemoryStore.Options OPTIONS = StoreWorkload.options(1L << 30);

    /** The store's options (the encrypted variant, {@link EncryptedPurgeFaultTest}, adds a master key). */
    MemoryStore.Options options() {
        return OPTIONS;
    }

    /** Extra checks after recovery: {@code annGone} tells whether the purge took effect (none here). */
    void checkMore(FaultInjectingStorage root, MemoryStore s, boolean annGone, Map<UserId, String> canaries, String context)
            throws IOException {}

    @AfterAll
    static void close() {
        A.close();
    }

    @RepeatedTest(10)
    void failureAtEveryOperationOfAPurge(TestRandom random) throws Exception {
        exhaust(random, false);
    }

    @RepeatedTest(10)
    void powerLossAtEveryOperationOfAPurge(TestRandom random) throws Exception {
        exhaust(random, true);
    }

    /**
     * A sink that needs one event of BOB (a pending ingestion): it pins the WAL from that event's
     * LSN and, asked to relocate, writes the event again and pins the new LSN.
     */
    static final class PinningSink implements MemoryStore.EventSink {
        final byte[] pending;
        volatile MemoryStore store;
        volatile long pinned = Long.MAX_VALUE;
        volatile boolean seen;

        PinningSink(byte[] pending) {
            this.pending = pending;
        }

        @Override
        public synchronized void replayed(UserId user, long lsn, byte[] payload) {
            if (user.equals(BOB) && java.util.Arrays.equals(payload, pending)) {
                seen = true;
                pinned = Math.min(pinned, lsn);
            }
        }

        @Override
        public long retainFromLsn() {
            return pinned;
        }

        @Override
        public void relocate(long upToLsn) throws IOException {
            if (pinned <= upToLsn) pinned = store.write(BOB, List.of(new MemoryStore.Mutation.Event(pending)));
        }
    }

    private static byte[] pendingOf(long seed) {
        return ("pending of bob " + seed).getBytes(StandardCharsets.UTF_8);
    }

    private MemoryStore open(FaultInjectingStorage root, PinningSink sink) throws IOException {
        MemoryStore s = StoreWorkload.open(root, A, options(), sink);
        sink.store = s;
        return s;
    }

    /** What was written: per user its current memories by id, the canary, the updated memory's id. */
    private record Written(Map<UserId, Map<MemoryId, Memory>> current, Map<UserId, String> canaries, MemoryId updated) {}

    private static Written setUp(MemoryStore s, long seed, PinningSink sink) throws IOException {
        Written w = setUp(s, seed);
        sink.pinned = s.write(BOB, List.of(new MemoryStore.Mutation.Event(sink.pending)));
        return w;
    }

    private static Written setUp(MemoryStore s, long seed) throws IOException {
        TestRandom r = new TestRandom(seed);
        RandomMemories gen = new RandomMemories(r);
        Map<UserId, Map<MemoryId, Memory>> current = new LinkedHashMap<>();
        Map<UserId, String> canaries = new LinkedHashMap<>();
        MemoryId updated = null;
        for (UserId u : List.of(ANN, BOB)) {
            String canary = "cnry" + HexFormat.of().formatHex(r.bytes(16));
            canaries.put(u, canary);
            Map<MemoryId, Memory> mine = new LinkedHashMap<>();
            current.put(u, mine);
            for (int i = 0; i < 6; i++) {
                Memory m = fresh(gen, u).toBuilder().content("secret " + canary + " number " + i).build();
                s.write(u, List.of(new MemoryStore.Mutation.Put(m, StoreWorkload.unit(r)),
                        new MemoryStore.Mutation.Event(("event " + canary).getBytes(StandardCharsets.UTF_8))));
                mine.put(m.id(), m);
                if (i == 2) s.checkpoint(); // half in segments, half in the WAL only
            }
            List<Memory> list = new ArrayList<>(mine.values());
            Memory first = list.getFirst();
            Memory v2 = first.toBuilder().version(2).content("updated " + canary).updatedAt(first.updatedAt().plusSeconds(1)).build();
            s.write(u, List.of(new MemoryStore.Mutation.Put(v2, StoreWorkload.unit(r)),
                    new MemoryStore.Mutation.Journal(("journal " + canary).getBytes(StandardCharsets.UTF_8))));
            mine.put(v2.id(), v2);
            if (u.equals(ANN)) updated = v2.id();
            Memory victim = list.get(1);
            s.write(u, List.of(new MemoryStore.Mutation.Delete(victim.id(), victim.updatedAt().plusSeconds(2))));
            mine.remove(victim.id());
        }
        return new Written(current, canaries, updated);
    }

    private static Memory fresh(RandomMemories gen, UserId user) {
        Memory m = gen.storable(user);
        Instant t = Instant.parse("2026-01-01T00:00:00Z").plusNanos(Math.abs(m.createdAt().getNano()));
        return m.toBuilder().createdAt(t).updatedAt(t).validFrom(t).validTo(null).build();
    }

    void exhaust(TestRandom random, boolean powerLoss) throws Exception {
        long seed = random.seed();
        FaultInjectingStorage probe = FaultInjectingStorage.wrap(new InMemoryStorage());
        long start;
        Written w;
        PinningSink probeSink = new PinningSink(pendingOf(seed));
        try (MemoryStore s = open(probe, probeSink)) {
            w = setUp(s, seed, probeSink);
            long before = probeSink.pinned;
            start = probe.operations();
            s.purge(ANN);
            assertTrue(probeSink.pinned > before, "the purge relocated the pinned event");
        }
        long end = probe.operations();
        check(probe, w, true, pendingOf(seed), "clean run");
        System.out.println("PurgeFaultTest: " + (powerLoss ? "power loss" : "failure") + " at each of operations " + (start + 1)
                + ".." + end + ", seed 0x" + Long.toHexString(seed));
        for (long n = start + 1; n <= end; n++) {
            FaultInjectingStorage root = FaultInjectingStorage.wrap(new InMemoryStorage());
            boolean acknowledged = false;
            String failure = null;
            PinningSink sink = new PinningSink(pendingOf(seed));
            MemoryStore s = open(root, sink);
            setUp(s, seed, sink);
            if (powerLoss) root.crashAt(n);
            else root.failOnce(n);
            try {
                s.purge(ANN);
                acknowledged = true;
            } catch (IOException | RuntimeException e) {
                failure = e.toString();
            }
            if (!powerLoss) root.failFrom(root.operations() + 1); // the process dies
            try {
                s.close();
            } catch (IOException | RuntimeException ignored) {
                // the storage is down
            }
            if (powerLoss) root.powerLoss(new Random(seed ^ n));
            else root.clearFaults();
            check(root, w, acknowledged, pendingOf(seed), (powerLoss ? "power loss" : "failure") + " at operation " + n + " of " + start + ".." + end
                    + (failure != null ? " (" + failure + ")" : " (acknowledged)") + ", seed 0x" + Long.toHexString(seed)
                    + "\n" + String.join("\n", root.trace()));
        }
    }

    private void check(FaultInjectingStorage root, Written w, boolean acknowledged, byte[] pending, String context)
            throws IOException {
        PinningSink sink = new PinningSink(pending);
        try (MemoryStore s = open(root, sink)) {
            if (!sink.seen) fail(context + ": the other user's pending event was lost");
            s.completePurges();
            String annCanary = w.canaries().get(ANN);
            boolean annGone = !s.exists(ANN);
            if (acknowledged && !annGone) fail(context + ": an acknowledged purge left the user's directory");
            if (annGone) {
                List<String> where = scan(root, "", annCanary.getBytes(StandardCharsets.UTF_8));
                if (!where.isEmpty()) fail(context + ": the purged user's canary is still in " + where);
            } else {
                assertIntact(s, ANN, w, context);
            }
            assertIntact(s, BOB, w, context);
            checkMore(root, s, annGone, w.canaries(), context);
            assertTrue(s.write(ANN, List.of(new MemoryStore.Mutation.Journal(new byte[] {1}))) > 0);
            assertTrue(s.write(BOB, List.of(new MemoryStore.Mutation.Journal(new byte[] {1}))) > 0);
        } catch (IOException | RuntimeException e) {
            throw new AssertionError(context + ": recovery failed", e);
        }
    }

    private static void assertIntact(MemoryStore s, UserId u, Written w, String context) throws IOException {
        Map<MemoryId, Memory> expected = w.current().get(u);
        s.read(u, st -> {
            assertEquals(expected.keySet().stream().sorted().toList(), st.liveIds().stream().sorted().toList(), context + ": ids of " + u);
            for (Memory m : expected.values()) assertEquals(m, st.current(m.id()).orElseThrow(), context + ": " + u + " " + m.id());
            if (u.equals(ANN)) assertEquals(2, st.history(w.updated()).size(), context + ": history");
            assertFalse(st.journal().isEmpty(), context + ": journal of " + u);
            return null;
        });
    }

    /** Every file under {@code dir} (raw bytes) that holds {@code needle}. */
    static List<String> scan(Storage dir, String path, byte[] needle) throws IOException {
        List<String> out = new ArrayList<>();
        for (String name : dir.list()) {
            if (dir.isDirectory(name)) {
                try (Storage sub = dir.subdirectory(name)) {
                    out.addAll(scan(sub, path + name + "/", needle));
                }
                continue;
            }
            byte[] data;
            try (FileInput in = dir.openInput(name)) {
                data = new byte[(int) in.size()];
                ByteBuffer b = ByteBuffer.wrap(data);
                while (b.hasRemaining()) {
                    if (in.read(b.position(), b) < 0) break;
                }
            }
            outer:
            for (int i = 0; i + needle.length <= data.length; i++) {
                for (int j = 0; j < needle.length; j++) if (data[i + j] != needle[j]) continue outer;
                out.add(path + name);
                break;
            }
        }
        return out;
    }
}
