package dev.engram.wal;

import static dev.engram.wal.WalTestSupport.payload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.testkit.FaultInjectingStorage;
import dev.engram.testkit.InMemoryStorage;
import dev.engram.testkit.Seeded;
import dev.engram.testkit.TestRandom;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

@Seeded
class FailStopTest {
    @Test
    void aFailedFsyncIsNeverRetriedAndEveryLaterCallNamesTheCause() throws IOException {
        FaultInjectingStorage storage = FaultInjectingStorage.wrap(new InMemoryStorage());
        try (Wal wal = Wal.open(WalOptions.builder(storage).build())) {
            assertEquals(1, wal.append(1, payload(1, 10)));
            long ops = storage.operations();
            storage.failOnce(ops + 2); // ops + 1 is the write, ops + 2 the fsync
            WalFailedException e = assertThrows(WalFailedException.class, () -> wal.append(1, payload(2, 10)));
            assertTrue(e.getCause().getMessage().contains("injected fault at operation " + (ops + 2) + " (SYNC"),
                    e.getCause().getMessage());
            long afterFailure = storage.operations();
            assertEquals(ops + 2, afterFailure, "nothing after the failed fsync");
            // The fault was "once": the storage works again, but the log must not touch it.
            for (int i = 0; i < 3; i++) {
                WalFailedException again = assertThrows(WalFailedException.class, () -> wal.append(1, new byte[1]));
                assertSame(e.getCause(), again.getCause());
            }
            assertThrows(WalFailedException.class, () -> wal.appendAsync(1, new byte[1]));
            assertThrows(WalFailedException.class, () -> wal.checkpoint(1));
            assertEquals(afterFailure, storage.operations(), "no I/O, in particular no fsync retry, after fail-stop");
            assertEquals(1, wal.lastLsn(), "the failed record was never acknowledged");
        }
    }

    @Test
    void queuedAppendsFailWithTheOriginalCause() throws IOException {
        FaultInjectingStorage storage = FaultInjectingStorage.wrap(new InMemoryStorage());
        try (Wal wal = Wal.open(WalOptions.builder(storage).build())) {
            storage.failFrom(storage.operations() + 1);
            // Appends queued before the writer failed complete exceptionally; once the log has
            // failed, appendAsync refuses at once. Either way the cause is the original fault.
            List<CompletableFuture<Long>> futures = new ArrayList<>();
            List<WalFailedException> refused = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                try {
                    futures.add(wal.appendAsync(1, payload(i, 20)));
                } catch (WalFailedException e) {
                    refused.add(e);
                }
            }
            Throwable cause = null;
            for (CompletableFuture<Long> f : futures) {
                CompletionException e = assertThrows(CompletionException.class, f::join);
                WalFailedException w = (WalFailedException) e.getCause();
                if (cause == null) cause = w.getCause();
                assertSame(cause, w.getCause());
            }
            for (WalFailedException w : refused) {
                if (cause == null) cause = w.getCause();
                assertSame(cause, w.getCause());
            }
            assertTrue(cause.getMessage().contains("injected fault"), cause.toString());
        }
    }

    @Test
    void intervalModeKeepsWhatWasFsyncedAcrossPowerLoss(TestRandom random) throws Exception {
        FaultInjectingStorage storage = FaultInjectingStorage.wrap(new InMemoryStorage());
        WalOptions options = WalOptions.builder(storage).durability(Durability.interval(Duration.ofMillis(20)))
                .segmentSize(8192).maxRecordSize(200).build();
        long durable = 0;
        try (Wal wal = Wal.open(options)) {
            for (int i = 1; i <= 100; i++) wal.appendAsync(1, payload(i, 50));
            assertEquals(100, wal.appendAsync(1, payload(100, 50)).join() - 1);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (wal.durableLsn() < 101 && System.nanoTime() < deadline) Thread.sleep(5);
            durable = wal.durableLsn();
            assertEquals(101, durable);
            storage.crashAt(storage.operations() + 1 + random.nextInt(3)); // the power fails soon
            for (int i = 0; i < 20; i++) {
                try {
                    wal.append(1, payload(200 + i, 50));
                } catch (WalFailedException expected) {
                    break;
                }
            }
        } catch (IOException ignored) {
            // closing over a dead storage
        }
        storage.powerLoss(random);
        List<WalRecord> after = WalTestSupport.reopenAndReadAll(options);
        assertTrue(after.size() >= durable, "lost fsynced records: " + after.size() + " < " + durable);
        for (int i = 0; i < durable; i++) assertEquals(i + 1, after.get(i).lsn());
    }
}
