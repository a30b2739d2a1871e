package dev.engram.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.testkit.Seeded;
import dev.engram.testkit.TestRandom;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 16+ threads append to one log on disk (SYNC, small segments so it rolls) while a reader tails it.
 * Every acknowledged record must be read back exactly once at its LSN, LSNs must be 1..n without gaps,
 * and each thread's records must appear in the order it appended them.
 */
@Seeded
class ConcurrencyTest {
    @TempDir
    Path dir;

    @Test
    void manyAppendersOneTotalOrder(TestRandom random) throws Exception {
        int threads = 20;
        long runNanos = 1_500_000_000L;
        long seed = random.nextLong();
        WalOptions options = WalOptions.builder(dir).segmentSize(64 << 10).maxRecordSize(2048).build();
        Map<Long, byte[]> acked = new ConcurrentHashMap<>();
        AtomicReference<Throwable> error = new AtomicReference<>();
        List<Long> tailed = new ArrayList<>();
        try (Wal wal = Wal.open(options)) {
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                workers.add(Thread.ofPlatform().start(() -> {
                    Random r = new Random(seed + thread);
                    try {
                        start.await();
                        long end = System.nanoTime() + runNanos;
                        for (int seq = 0; System.nanoTime() < end; seq++) {
                            byte[] p = new byte[8 + r.nextInt(1000)];
                            r.nextBytes(p);
                            ByteBuffer.wrap(p).putInt(thread).putInt(seq);
                            long lsn = r.nextBoolean() ? wal.append(thread, p) : wal.appendAsync(thread, p).join();
                            if (acked.putIfAbsent(lsn, p) != null) throw new AssertionError("LSN " + lsn + " given twice");
                        }
                    } catch (Throwable e) {
                        error.compareAndSet(null, e);
                    }
                }));
            }
            Thread tailer = Thread.ofPlatform().start(() -> {
                try (WalReader reader = wal.reader(1)) {
                    start.await();
                    long end = System.nanoTime() + runNanos;
                    while (System.nanoTime() < end) {
                        while (reader.hasNext()) tailed.add(reader.next().lsn());
                        Thread.sleep(1);
                    }
                } catch (Throwable e) {
                    error.compareAndSet(null, e);
                }
            });
            start.countDown();
            for (Thread w : workers) w.join();
            tailer.join();
            if (error.get() != null) throw new AssertionError(error.get());
            WalStats stats = wal.stats();
            assertTrue(stats.syncs() < stats.appends(), "group commit should share fsyncs: " + stats);
        }
        for (int i = 0; i < tailed.size(); i++) assertEquals(i + 1, tailed.get(i), "tailing reader");
        assertTrue(acked.size() > threads * 10, "too few appends: " + acked.size());
        List<WalRecord> all = WalTestSupport.reopenAndReadAll(options);
        assertEquals(acked.size(), all.size(), "every acknowledged record exactly once, nothing else");
        Map<Integer, Integer> lastSeq = new HashMap<>();
        for (int i = 0; i < all.size(); i++) {
            WalRecord r = all.get(i);
            assertEquals(i + 1, r.lsn());
            assertArrayEquals(acked.get(r.lsn()), r.payload(), "payload at LSN " + r.lsn());
            ByteBuffer b = ByteBuffer.wrap(r.payload());
            int thread = b.getInt(), seq = b.getInt();
            assertEquals(thread, r.type());
            Integer prev = lastSeq.put(thread, seq);
            assertEquals(prev == null ? 0 : prev + 1, seq, "thread " + thread + " out of order at LSN " + r.lsn());
        }
    }
}
