package dev.engram.wal;

import static dev.engram.wal.WalTestSupport.payload;
import static dev.engram.wal.WalTestSupport.readAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.testkit.InMemoryStorage;
import dev.engram.wal.internal.SegmentFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalBasicsTest {
    @TempDir
    Path dir;

    @Test
    void appendsAreReadBackInOrderAndSurviveReopen() throws Exception {
        WalOptions options = WalOptions.builder(dir).segmentSize(4096).maxRecordSize(1000).build();
        try (Wal wal = Wal.open(options)) {
            assertTrue(wal.recoveryReport().clean());
            assertEquals(0, wal.lastLsn());
            for (int i = 1; i <= 100; i++) assertEquals(i, wal.append(i % 7, payload(i, i * 9 % 1000)));
            assertEquals(100, wal.lastLsn());
            assertEquals(100, wal.durableLsn());
        }
        long segments;
        try (var s = Files.list(dir)) {
            segments = s.filter(p -> p.getFileName().toString().endsWith(".log")).count();
        }
        assertTrue(segments > 5, "expected several segments, got " + segments);
        try (Wal wal = Wal.open(options)) {
            RecoveryReport report = wal.recoveryReport();
            assertTrue(report.clean(), report.toString());
            assertEquals(100, report.records());
            assertEquals(1, report.firstLsn());
            assertEquals(100, report.lastLsn());
            List<WalRecord> all = readAll(wal);
            assertEquals(100, all.size());
            for (int i = 1; i <= 100; i++) {
                WalRecord r = all.get(i - 1);
                assertEquals(i, r.lsn());
                assertEquals(i % 7, r.type());
                assertArrayEquals(payload(i, i * 9 % 1000), r.payload());
            }
            assertEquals(101, wal.append(3, new byte[0]));
            try (WalReader r = wal.reader(50)) {
                assertEquals(50, r.next().lsn());
            }
        }
    }

    @Test
    void readerFollowsConcurrentAppends() throws Exception {
        try (Wal wal = Wal.open(WalOptions.builder(new InMemoryStorage()).segmentSize(2048).maxRecordSize(500).build());
             WalReader reader = wal.reader(1)) {
            assertFalse(reader.hasNext());
            long seen = 0;
            for (int i = 1; i <= 300; i++) {
                wal.append(1, payload(i, i % 400));
                if (i % 7 == 0) {
                    while (reader.hasNext()) {
                        WalRecord r = reader.next();
                        assertEquals(++seen, r.lsn());
                        assertArrayEquals(payload(seen, (int) (seen % 400)), r.payload());
                    }
                    assertEquals(i, seen);
                }
            }
        }
    }

    @Test
    void blockingCallsFromTheLogsOwnThreadsAreRefusedNotDeadlocked() throws Exception {
        GatedSyncStorage storage = new GatedSyncStorage(new InMemoryStorage());
        try (Wal wal = Wal.open(WalOptions.builder(storage).build())) {
            // Hold the writer inside the batch's fsync, so the callback is registered before the
            // append completes and therefore runs on one of the log's threads: no race to win.
            storage.arm();
            CompletableFuture<Long> first = wal.appendAsync(1, new byte[1]);
            Thread test = Thread.currentThread();
            CompletableFuture<String> nested = first.thenApply(lsn -> {
                if (Thread.currentThread() == test) return "callback ran on the test thread";
                try {
                    wal.append(2, new byte[1]);
                    return "blocking append from a log thread was allowed";
                } catch (IllegalStateException e) {
                    return e.getMessage().contains("deadlock") ? "refused" : "wrong message: " + e.getMessage();
                }
            });
            storage.release();
            assertEquals("refused", nested.get(30, java.util.concurrent.TimeUnit.SECONDS)); // a deadlock fails, not hangs

            // From the caller's own thread, blocking calls work, before and after completion.
            long before = wal.lastLsn();
            assertEquals(before + 1, wal.append(2, new byte[1]));
            assertEquals(before + 3, wal.appendAsync(1, new byte[1]).thenCompose(l -> wal.appendAsync(3, new byte[1])).join());
        }
    }

    @Test
    void tooLargeRecordIsRejectedAndNothingIsWritten() throws Exception {
        try (Wal wal = Wal.open(WalOptions.builder(new InMemoryStorage()).maxRecordSize(100).segmentSize(4096).build())) {
            wal.append(1, new byte[100]);
            RecordTooLargeException e = assertThrows(RecordTooLargeException.class, () -> wal.append(1, new byte[101]));
            assertEquals(101, e.size());
            assertThrows(RecordTooLargeException.class, () -> wal.appendAsync(1, new byte[1000]));
            assertEquals(1, wal.lastLsn());
            assertEquals(2, wal.append(1, new byte[1]));
            assertThrows(NullPointerException.class, () -> wal.append(1, null));
        }
    }

    @Test
    void closeIsIdempotentAndLaterCallsFailClearly() throws Exception {
        Wal wal = Wal.open(WalOptions.builder(new InMemoryStorage()).build());
        CompletableFuture<Long> f = wal.appendAsync(1, new byte[10]);
        wal.close();
        assertEquals(1L, f.join(), "close flushes what was queued");
        wal.close();
        assertThrows(WalClosedException.class, () -> wal.append(1, new byte[1]));
        assertThrows(WalClosedException.class, () -> wal.reader(0));
        assertThrows(WalClosedException.class, () -> wal.checkpoint(0));
    }

    @Test
    void rollSealsTheActiveSegmentSoACheckpointRetiresItAndKeepsLaterRecords() throws Exception {
        InMemoryStorage storage = new InMemoryStorage();
        WalOptions options = WalOptions.builder(storage).segmentSize(1 << 20).maxRecordSize(200).build();
        try (Wal wal = Wal.open(options)) {
            for (int i = 1; i <= 5; i++) wal.append(0, payload(i, 100));
            assertEquals(1, wal.segmentCount());
            wal.roll();
            assertEquals(2, wal.segmentCount());
            wal.roll(); // the new segment is empty: no second roll
            assertEquals(2, wal.segmentCount());
            for (int i = 6; i <= 8; i++) wal.append(0, payload(i, 100));
            wal.checkpoint(5);
            assertEquals(1, wal.segmentCount());
            assertEquals(List.of(6L, 7L, 8L), readAll(wal).stream().map(WalRecord::lsn).toList());
        }
        try (Wal wal = Wal.open(options)) {
            assertEquals(List.of(6L, 7L, 8L), readAll(wal).stream().map(WalRecord::lsn).toList());
        }
    }

    @Test
    void checkpointDeletesWholeSegmentsBelowTheLsn() throws Exception {
        InMemoryStorage storage = new InMemoryStorage();
        WalOptions options = WalOptions.builder(storage).segmentSize(1024).maxRecordSize(200).build();
        try (Wal wal = Wal.open(options)) {
            for (int i = 1; i <= 60; i++) wal.append(0, payload(i, 100));
            int before = segmentCount(storage);
            wal.checkpoint(30);
            int after = segmentCount(storage);
            assertTrue(after < before, before + " -> " + after);
            List<WalRecord> rest = readAll(wal);
            assertTrue(rest.getFirst().lsn() <= 31, "records above the checkpoint are kept: " + rest.getFirst());
            assertEquals(60, rest.getLast().lsn());
            assertThrows(IllegalArgumentException.class, () -> wal.checkpoint(61));
            // Checkpointing everything rolls the active segment, so nothing of the old records stays.
            wal.checkpoint(60);
            assertEquals(1, segmentCount(storage));
            assertTrue(readAll(wal).isEmpty());
            assertEquals(61, wal.append(0, payload(61, 10)));
        }
        try (Wal wal = Wal.open(options)) {
            assertEquals(61, wal.recoveryReport().firstLsn());
            assertEquals(61, wal.lastLsn());
            assertEquals(List.of(61L), readAll(wal).stream().map(WalRecord::lsn).toList());
        }
    }

    @Test
    void readersAndCheckpoints() throws Exception {
        InMemoryStorage storage = new InMemoryStorage();
        try (Wal wal = Wal.open(WalOptions.builder(storage).segmentSize(1024).maxRecordSize(200).build())) {
            for (int i = 1; i <= 40; i++) wal.append(0, payload(i, 100));
            try (WalReader behind = wal.reader(1); WalReader fresh = wal.reader(1)) {
                assertEquals(1, behind.next().lsn()); // holds the first segment open
                wal.checkpoint(30);
                // A reader that had not started begins at the oldest record kept.
                long first = fresh.next().lsn();
                assertTrue(first > 1 && first <= 31, "first kept: " + first);
                // A reader that is behind reads on in its open segment, then finds the rest gone.
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> {
                    while (behind.hasNext()) behind.next();
                });
                assertTrue(e.getMessage().contains("checkpoint"), e.getMessage());
            }
            assertThrows(IllegalArgumentException.class, () -> wal.reader(42));
            assertThrows(IllegalArgumentException.class, () -> wal.reader(-1));
            try (WalReader tail = wal.reader(41)) {
                assertFalse(tail.hasNext());
                wal.append(0, payload(41, 5));
                assertEquals(41, tail.next().lsn());
            }
        }
    }

    @Test
    void intervalAndNoneModesAcknowledgeAndCloseFlushes() throws Exception {
        for (Durability d : List.of(Durability.NONE, Durability.interval(Duration.ofMillis(5)))) {
            InMemoryStorage storage = new InMemoryStorage();
            WalOptions options = WalOptions.builder(storage).durability(d).segmentSize(4096).maxRecordSize(100).build();
            List<CompletableFuture<Long>> futures = new ArrayList<>();
            try (Wal wal = Wal.open(options)) {
                for (int i = 0; i < 200; i++) futures.add(wal.appendAsync(2, payload(i, 50)));
                for (int i = 0; i < 200; i++) assertEquals(i + 1, futures.get(i).join());
                if (d instanceof Durability.Interval) {
                    long deadline = System.nanoTime() + 5_000_000_000L;
                    while (wal.durableLsn() < 200 && System.nanoTime() < deadline) Thread.sleep(2);
                    assertEquals(200, wal.durableLsn(), "interval mode fsyncs in the background");
                }
            }
            assertEquals(200, WalTestSupport.reopenAndReadAll(options).size());
        }
    }

    @Test
    void groupCommitSharesFsyncs() throws Exception {
        try (Wal wal = Wal.open(WalOptions.builder(dir).build())) {
            List<CompletableFuture<Long>> futures = new ArrayList<>();
            for (int i = 0; i < 2000; i++) futures.add(wal.appendAsync(1, payload(i, 64)));
            for (CompletableFuture<Long> f : futures) f.join();
            WalStats stats = wal.stats();
            assertEquals(2000, stats.appends());
            assertTrue(stats.syncs() < 1000, "2000 queued appends should share fsyncs: " + stats);
            assertEquals(stats.batches(), stats.syncs(), "one fsync per batch: " + stats);
        }
    }

    @Test
    void syncListenerSeesEveryFsyncAndItsFailureIsIgnored() throws Exception {
        java.util.concurrent.ConcurrentLinkedQueue<Long> seen = new java.util.concurrent.ConcurrentLinkedQueue<>();
        java.util.concurrent.atomic.AtomicBoolean throwNext = new java.util.concurrent.atomic.AtomicBoolean(true);
        try (Wal wal = Wal.open(WalOptions.builder(dir).syncListener(n -> {
            seen.add(n);
            if (throwNext.getAndSet(false)) throw new IllegalStateException("observer bug");
        }).build())) {
            for (int i = 0; i < 20; i++) wal.append(1, payload(i, 32));
            WalStats stats = wal.stats();
            assertEquals(stats.syncs(), seen.size(), "one call per fsync: " + stats);
            assertTrue(seen.stream().allMatch(n -> n >= 0), seen.toString());
            assertEquals(stats.syncNanos(), seen.stream().mapToLong(Long::longValue).sum());
            assertEquals(20, readAll(wal).size(), "a throwing listener does not fail the log");
        }
    }

    @Test
    void segmentHeaderIsFramed() throws Exception {
        try (Wal wal = Wal.open(WalOptions.builder(dir).build())) {
            wal.append(1, new byte[] {1, 2, 3});
        }
        byte[] file = Files.readAllBytes(dir.resolve(SegmentFormat.fileName(1)));
        assertEquals(SegmentFormat.HEADER_LENGTH + SegmentFormat.RECORD_HEADER_LENGTH + 3, file.length);
        assertEquals(1, SegmentFormat.checkHeader("x", file));
        assertEquals("engram-wal", new String(file, 5, 10, java.nio.charset.StandardCharsets.US_ASCII));
    }

    private static int segmentCount(InMemoryStorage storage) {
        return (int) storage.list().stream().filter(n -> SegmentFormat.parseFileName(n) > 0).count();
    }
}
