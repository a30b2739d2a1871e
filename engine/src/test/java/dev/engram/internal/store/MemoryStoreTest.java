package dev.engram.internal.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.internal.lexical.TextAnalyzer;
import dev.engram.internal.segment.SegmentRecord;
import dev.engram.memory.Memory;
import dev.engram.memory.MemoryId;
import dev.engram.memory.RandomMemories;
import dev.engram.memory.UserId;
import dev.engram.memory.ValidationException;
import dev.engram.testkit.FaultInjectingStorage;
import dev.engram.testkit.InMemoryStorage;
import dev.engram.testkit.Seeded;
import dev.engram.testkit.TestRandom;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The memory store's API: write/read, WAL replay, checkpoints, events, journal, validation, fail-stop, threads. */
@Seeded
class MemoryStoreTest {
    private static final TextAnalyzer A = new TextAnalyzer();
    private static final UserId ANN = UserId.of("ann");
    private static final UserId BOB = UserId.of("bob");
    private static final MemoryStore.Options OPTIONS = StoreWorkload.options(1L << 30);

    @AfterAll
    static void close() {
        A.close();
    }

    private static Memory fresh(RandomMemories gen, UserId u, int second) {
        Instant t = Instant.parse("2026-05-01T00:00:00Z").plusSeconds(second);
        return gen.storable(u).toBuilder().createdAt(t).updatedAt(t).validFrom(t).validTo(null).build();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Stops the machine under a store (every later I/O fails), closes what is left, and loses the unsynced state. */
    private static void crash(MemoryStore s, FaultInjectingStorage root) throws IOException {
        root.crashAt(root.operations() + 1);
        try {
            s.close();
        } catch (IOException | RuntimeException ignored) {
            // the machine is down
        }
        root.powerLoss(new Random(1));
    }

    private static List<String> journal(MemoryStore s, UserId u) throws IOException {
        return s.read(u, us -> us.journal().stream().map(j -> new String(j.payload(), StandardCharsets.UTF_8)).toList());
    }

    @RepeatedTest(3)
    void acknowledgedWritesSurviveACrashAndEventsAreReplayedInOrder(TestRandom random) throws Exception {
        RandomMemories gen = new RandomMemories(random);
        FaultInjectingStorage root = FaultInjectingStorage.wrap(new InMemoryStorage());
        MemoryStore s = StoreWorkload.open(root, A, OPTIONS, MemoryStore.EventSink.NONE);
        Memory m1 = fresh(gen, ANN, 1);
        Memory m2 = fresh(gen, BOB, 2);
        long l1 = s.write(ANN, List.of(new MemoryStore.Mutation.Put(m1, StoreWorkload.unit(random)),
                new MemoryStore.Mutation.Event(b("e1")), new MemoryStore.Mutation.Journal(b("j1"))));
        long l2 = s.write(BOB, List.of(new MemoryStore.Mutation.Put(m2, null), new MemoryStore.Mutation.Event(b("e2"))));
        Memory m1v2 = m1.toBuilder().version(2).content("updated").updatedAt(m1.updatedAt().plusSeconds(1)).build();
        long l3 = s.write(ANN, List.of(new MemoryStore.Mutation.Put(m1v2, null), new MemoryStore.Mutation.Journal(b("j2"))));
        assertTrue(l1 < l2 && l2 < l3);
        assertEquals(List.of(m1, m1v2), s.read(ANN, us -> us.history(m1.id())), "reads see a write at once");
        crash(s, root);

        StoreWorkload.RecordingSink sink = new StoreWorkload.RecordingSink();
        try (MemoryStore r = StoreWorkload.open(root, A, OPTIONS, sink)) {
            assertEquals(List.of(m1, m1v2), r.read(ANN, us -> us.history(m1.id())));
            assertEquals(List.of(m2), r.read(BOB, us -> us.history(m2.id())));
            assertEquals(List.of("j1", "j2"), journal(r, ANN));
            assertEquals(List.of(new StoreWorkload.SeenEvent(ANN, l1, "6531"), new StoreWorkload.SeenEvent(BOB, l2, "6532")), sink.seen);
            assertEquals(3, r.stats().replayedRecords());
            assertEquals(2, r.stats().replayedEvents());
            assertEquals(List.of(l1, l3), r.read(ANN, us -> us.journal().stream().map(SegmentRecord.Journal::lsn).toList()));
        }
    }

    @Test
    void checkpointTruncatesTheLogButKeepsWhatTheSinkStillNeeds() throws Exception {
        FaultInjectingStorage root = FaultInjectingStorage.wrap(new InMemoryStorage());
        long[] retain = {Long.MAX_VALUE};
        MemoryStore.EventSink sink = new MemoryStore.EventSink() {
            @Override
            public void replayed(UserId user, long lsn, byte[] payload) {}

            @Override
            public long retainFromLsn() {
                return retain[0];
            }
        };
        MemoryStore s = StoreWorkload.open(root, A, OPTIONS, sink);
        long first = s.write(ANN, List.of(new MemoryStore.Mutation.Event(b("a"))));
        s.write(ANN, List.of(new MemoryStore.Mutation.Event(b("b"))));
        s.checkpoint();
        assertEquals(first + 1, s.stats().truncatedLsn());
        long kept = s.write(ANN, List.of(new MemoryStore.Mutation.Event(b("c")), new MemoryStore.Mutation.Journal(b("j"))));
        long last = s.write(BOB, List.of(new MemoryStore.Mutation.Event(b("d"))));
        retain[0] = kept; // the pipeline has not handled "c" yet
        s.checkpoint();
        assertEquals(last, s.stats().appliedLsn());
        assertEquals(kept - 1, s.stats().truncatedLsn());
        crash(s, root);
        StoreWorkload.RecordingSink seen = new StoreWorkload.RecordingSink();
        try (MemoryStore r = StoreWorkload.open(root, A, OPTIONS, seen)) {
            assertEquals(List.of(new StoreWorkload.SeenEvent(ANN, kept, "63"), new StoreWorkload.SeenEvent(BOB, last, "64")), seen.seen);
            assertEquals(List.of("j"), journal(r, ANN), "a journal entry is applied once, whatever is replayed");
        }
    }

    @Test
    void aReplayedPutOfAMemoryDeletedAndCompactedAwayIsNotResurrected() throws Exception {
        RandomMemories gen = new RandomMemories(new TestRandom(7));
        FaultInjectingStorage root = FaultInjectingStorage.wrap(new InMemoryStorage());
        MemoryStore s = StoreWorkload.open(root, A, OPTIONS, MemoryStore.EventSink.NONE);
        Memory gone = fresh(gen, ANN, 1);
        Memory kept = fresh(gen, ANN, 2);
        s.write(ANN, List.of(new MemoryStore.Mutation.Put(gone, StoreWorkload.unit(new TestRandom(1)))));
        s.write(ANN, List.of(new MemoryStore.Mutation.Put(kept, null)));
        s.write(ANN, List.of(new MemoryStore.Mutation.Delete(gone.id(), Instant.parse("2026-05-02T00:00:00Z"))));
        s.compact(ANN); // the segments lose gone's version; the WAL (no checkpoint) still holds its put
        assertEquals(0, s.stats().checkpoints());
        crash(s, root);
        try (MemoryStore r = StoreWorkload.open(root, A, OPTIONS, MemoryStore.EventSink.NONE)) {
            assertEquals(3, r.stats().replayedRecords(), "the put of the deleted memory was replayed");
            assertEquals(List.of(), r.read(ANN, us -> us.history(gone.id())));
            assertEquals(List.of(kept.id()), r.read(ANN, UserStore::liveIds));
            int tombstoned = r.read(ANN, us -> us.withBitmaps(bm -> bm.tombstones().getCardinality()));
            assertEquals(0, tombstoned, "no version of it was re-indexed");
        }
    }

    @Test
    void invalidWritesThrowBeforeAnythingIsWritten() throws Exception {
        RandomMemories gen = new RandomMemories(new TestRandom(3));
        try (MemoryStore s = StoreWorkload.open(new InMemoryStorage(), A, OPTIONS, MemoryStore.EventSink.NONE)) {
            Memory m = fresh(gen, ANN, 1);
            long before = s.stats().lastLsn();
            assertThrows(ValidationException.class, () -> s.write(BOB, List.of(new MemoryStore.Mutation.Put(m, null))), "another user's memory");
            assertThrows(ValidationException.class, () -> s.write(ANN, List.of(new MemoryStore.Mutation.Put(m, new float[3]))), "wrong dimension");
            assertThrows(ValidationException.class, () -> s.write(ANN, List.of(new MemoryStore.Mutation.Put(m.toBuilder().version(2).build(), null))));
            // A batch is checked as a whole: the second put of the same version fails, so the first is not written either.
            assertThrows(ValidationException.class, () -> s.write(ANN, List.of(new MemoryStore.Mutation.Put(m, null),
                    new MemoryStore.Mutation.Put(m, null))));
            assertThrows(IllegalArgumentException.class, () -> s.write(ANN, List.of()));
            assertEquals(before, s.stats().lastLsn());
            assertEquals(List.of(), s.read(ANN, UserStore::liveIds));
            // Within a batch: put, update and delete of one memory in order is fine.
            Memory v2 = m.toBuilder().version(2).content("two").build();
            s.write(ANN, List.of(new MemoryStore.Mutation.Put(m, null), new MemoryStore.Mutation.Put(v2, null),
                    new MemoryStore.Mutation.Delete(m.id(), Instant.EPOCH)));
            assertThrows(ValidationException.class, () -> s.write(ANN, List.of(new MemoryStore.Mutation.Put(v2.toBuilder().version(3).build(), null))),
                    "a deleted memory takes no more versions");
        }
    }

    @Test
    void journalSurvivesCheckpointsCompactionAndReopen(@TempDir Path dir) throws Exception {
        RandomMemories gen = new RandomMemories(new TestRandom(5));
        MemoryStore.Options options = MemoryStore.Options.defaults().withUser(StoreWorkload.USER_OPTIONS);
        try (MemoryStore s = MemoryStore.open(dir, A, options, MemoryStore.EventSink.NONE)) {
            Memory m = fresh(gen, ANN, 1);
            s.write(ANN, List.of(new MemoryStore.Mutation.Journal(b("one")), new MemoryStore.Mutation.Put(m, null)));
            s.checkpoint();
            s.write(ANN, List.of(new MemoryStore.Mutation.Delete(m.id(), Instant.EPOCH), new MemoryStore.Mutation.Journal(b("two"))));
            s.compact(ANN);
            s.write(ANN, List.of(new MemoryStore.Mutation.Journal(b("three"))));
            assertEquals(List.of("one", "two", "three"), journal(s, ANN));
            assertTrue(s.exists(ANN));
            assertFalse(s.exists(BOB));
        }
        try (MemoryStore s = MemoryStore.open(dir, A, options, MemoryStore.EventSink.NONE)) {
            assertEquals(List.of("one", "two", "three"), journal(s, ANN));
            assertEquals(0, s.stats().replayedRecords(), "close checkpointed everything");
            s.compact(ANN);
        }
        try (MemoryStore s = MemoryStore.open(dir, A, options, MemoryStore.EventSink.NONE)) {
            assertEquals(List.of("one", "two", "three"), journal(s, ANN));
        }
    }

    @Test
    void theFirstFailureStopsEveryLaterWrite() throws Exception {
        FaultInjectingStorage root = FaultInjectingStorage.wrap(new InMemoryStorage());
        MemoryStore s = StoreWorkload.open(root, A, OPTIONS, MemoryStore.EventSink.NONE);
        s.write(ANN, List.of(new MemoryStore.Mutation.Journal(b("ok"))));
        root.failOnce(root.operations() + 1); // the next I/O: the WAL write of the next append
        IOException first = assertThrows(IOException.class, () -> s.write(ANN, List.of(new MemoryStore.Mutation.Journal(b("x")))));
        Throwable cause = s.failure();
        assertTrue(cause != null && cause.getMessage().contains("injected fault"), String.valueOf(cause));
        IOException later = assertThrows(IOException.class, () -> s.write(BOB, List.of(new MemoryStore.Mutation.Journal(b("y")))));
        assertSame(cause, later.getCause(), "later writes name the first failure");
        assertThrows(IOException.class, s::checkpoint);
        assertEquals(List.of("ok"), journal(s, ANN), "reads go on");
        s.close();
        s.close();
        assertTrue(first.getMessage() != null);
    }

    @Test
    void concurrentWritesApplyInLsnOrderPerUserAndInParallelAcrossUsers() throws Exception {
        try (MemoryStore s = StoreWorkload.open(new InMemoryStorage(), A, OPTIONS.withUser(StoreWorkload.USER_OPTIONS), MemoryStore.EventSink.NONE)) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<Long>> futures = new ArrayList<>();
            List<UserId> users = List.of(ANN, BOB);
            for (int t = 0; t < 8; t++) {
                final int thread = t;
                futures.add(pool.submit(() -> {
                    long last = 0;
                    for (int i = 0; i < 40; i++) {
                        last = s.write(users.get(thread % 2), List.of(new MemoryStore.Mutation.Journal(b(thread + ":" + i))));
                    }
                    return last;
                }));
            }
            for (Future<Long> f : futures) f.get();
            pool.shutdown();
            for (UserId u : users) {
                List<Long> lsns = s.read(u, us -> us.journal().stream().map(SegmentRecord.Journal::lsn).toList());
                assertEquals(160, lsns.size());
                List<Long> sorted = new ArrayList<>(lsns);
                Collections.sort(sorted);
                assertEquals(sorted, lsns, "journal of " + u + " in LSN order");
                assertEquals(160, lsns.stream().distinct().count());
            }
        }
    }

    @Test
    void automaticCheckpointRunsInTheBackground() throws Exception {
        try (MemoryStore s = StoreWorkload.open(new InMemoryStorage(), A, OPTIONS.withCheckpointWalBytes(2_000), MemoryStore.EventSink.NONE)) {
            for (int i = 0; i < 100; i++) s.write(i % 2 == 0 ? ANN : BOB, List.of(new MemoryStore.Mutation.Journal(new byte[100])));
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (s.stats().checkpoints() == 0 && System.nanoTime() < deadline) Thread.sleep(10);
            assertTrue(s.stats().checkpoints() > 0, "no automatic checkpoint: " + s.stats());
            assertTrue(s.stats().truncatedLsn() > 0);
        }
    }

    @Test
    void closeIsIdempotentAndAClosedStoreRefusesWork() throws Exception {
        MemoryStore s = StoreWorkload.open(new InMemoryStorage(), A, OPTIONS, MemoryStore.EventSink.NONE);
        s.write(ANN, List.of(new MemoryStore.Mutation.Journal(b("x"))));
        s.close();
        s.close();
        assertThrows(IllegalStateException.class, () -> s.write(ANN, List.of(new MemoryStore.Mutation.Journal(b("y")))));
        assertThrows(IllegalStateException.class, () -> s.read(ANN, UserStore::liveIds));
    }

    @Test
    void journalRecordsRoundTripThroughTheSegmentCodec() throws Exception {
        var w = new dev.engram.internal.format.ByteWriter();
        SegmentRecord.Journal j = new SegmentRecord.Journal(ANN, 42, new byte[] {1, 2, 3});
        dev.engram.internal.segment.RecordCodec.encode(j, w);
        byte[] bytes = w.toByteArray();
        // u8 kind 4, str "ann", u64 42, varint 3, 3 bytes
        assertArrayEquals(new byte[] {4, 3, 'a', 'n', 'n', 0, 0, 0, 0, 0, 0, 0, 42, 3, 1, 2, 3}, bytes);
        assertEquals(j, dev.engram.internal.segment.RecordCodec.decode(new dev.engram.internal.format.ByteReader(bytes, "test")));
    }
}
