package dev.engram.internal.store;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.engram.internal.lexical.TextAnalyzer;
import dev.engram.memory.UserId;
import dev.engram.testkit.FaultInjectingStorage;
import dev.engram.testkit.InMemoryStorage;
import dev.engram.testkit.Seeded;
import dev.engram.testkit.TestRandom;
import java.io.IOException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.RepeatedTest;

/**
 * The memory store under faults at every I/O operation of a mixed multi-user workload (puts,
 * updates, deletes, journal entries, events, checkpoints, compactions, evictions, reopens), the
 * WAL and the users' directories on one {@link FaultInjectingStorage}:
 * <ul>
 *   <li>an I/O error at operation n, after which the process dies (every later operation fails),
 *       then a restart on what was written;</li>
 *   <li>a power loss at operation n (unsynced bytes lost or torn, unsynced directory changes lost).</li>
 * </ul>
 * After recovery every acknowledged mutation is present, the write in flight is wholly present or
 * wholly absent, nothing deleted comes back, no version is duplicated, the journal is exact, the
 * events replayed are the acknowledged ones after the checkpoint (see {@link StoreWorkload#check}),
 * rebuilt derived state equals the live one, and the store takes writes again.
 */
@Seeded
class MemoryStoreFaultTest {
    // Opened per test class (the encrypted subclass runs the same tests with its own): an analyzer
    // shared by both classes would be closed by the first one's @AfterAll.
    private static TextAnalyzer A;

    @org.junit.jupiter.api.BeforeAll
    static void openAnalyzer() {
        A = new TextAnalyzer();
    }
    private static final List<UserId> USERS = List.of(UserId.of("ann"), UserId.of("bob"), UserId.of("cy"), UserId.of("dee"));
    // About two users' worth: every few writes evict someone.
    private static final MemoryStore.Options OPTIONS = StoreWorkload.options(Long.getLong("engram.bound", 20_000));

    /** The store's options (the encrypted variant, {@link EncryptedMemoryStoreFaultTest}, adds a master key). */
    MemoryStore.Options options() {
        return OPTIONS;
    }

    @AfterAll
    static void close() {
        A.close();
    }

    @RepeatedTest(10)
    void failureAtEveryOperationLosesNothingAcknowledged(TestRandom random) throws Exception {
        exhaust(random, false);
    }

    @RepeatedTest(10)
    void powerLossAtEveryOperationLosesNothingAcknowledged(TestRandom random) throws Exception {
        exhaust(random, true);
    }

    void exhaust(TestRandom random, boolean powerLoss) throws Exception {
        List<StoreWorkload.Op> ops = StoreWorkload.script(random.fork(), USERS, 14, true);
        FaultInjectingStorage probe = FaultInjectingStorage.wrap(new InMemoryStorage());
        StoreWorkload.Outcome clean = StoreWorkload.run(probe, A, options(), ops, s -> {});
        assertNull(clean.failure(), () -> "clean run failed: " + clean.failure());
        long total = probe.operations();
        check(probe, clean, "clean run");
        System.out.println("MemoryStoreFaultTest: " + (powerLoss ? "power loss" : "failure") + " at each of " + total
                + " operations, seed 0x" + Long.toHexString(random.seed()));
        for (long n = 1; n <= total; n++) {
            FaultInjectingStorage root = FaultInjectingStorage.wrap(new InMemoryStorage());
            StoreWorkload.Outcome o;
            if (powerLoss) {
                root.crashAt(n);
                o = StoreWorkload.run(root, A, options(), ops, MemoryStoreFaultTest::closeQuietly);
                root.powerLoss(new Random(random.seed() ^ n));
            } else {
                root.failOnce(n);
                o = StoreWorkload.run(root, A, options(), ops, s -> {
                    root.failFrom(root.operations() + 1); // the process dies: nothing more reaches the disk
                    closeQuietly(s);
                });
                root.clearFaults();
            }
            check(root, o, (powerLoss ? "power loss" : "failure") + " at operation " + n + " of " + total
                    + (o.failure() != null ? " (" + o.failure() + ")" : "") + "\n" + String.join("\n", root.trace()));
        }
    }

    private static void closeQuietly(MemoryStore s) {
        try {
            s.close();
        } catch (IOException | RuntimeException ignored) {
            // the storage is down
        }
    }

    /** Extra checks of the recovered store and its storage (none here). */
    void checkMore(FaultInjectingStorage root, MemoryStore s, String context) throws IOException {}

    private void check(FaultInjectingStorage root, StoreWorkload.Outcome o, String context) throws IOException {
        StoreWorkload.RecordingSink sink = new StoreWorkload.RecordingSink();
        try (MemoryStore s = StoreWorkload.open(root, A, options(), sink)) {
            String problem = StoreWorkload.check(s, o, sink.seen, USERS);
            if (problem != null) fail(context + ": " + problem);
            checkMore(root, s, context);
            // It takes writes again.
            assertTrue(s.write(USERS.getFirst(), List.of(new MemoryStore.Mutation.Journal(new byte[] {1}))) > 0);
        } catch (IOException | RuntimeException e) {
            throw new AssertionError(context + ": recovery failed", e);
        }
    }
}
