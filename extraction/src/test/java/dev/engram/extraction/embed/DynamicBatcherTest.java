package dev.engram.extraction.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.extraction.internal.embed.DynamicBatcher;
import dev.engram.extraction.internal.embed.TokenBatch;
import dev.engram.testkit.Seeded;
import dev.engram.testkit.TestRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * The batching queue with a fake model whose "vector" names the sequence it came from, so any
 * mix-up between callers shows.
 */
@Seeded
class DynamicBatcherTest {
    /** A model stand-in: vector = {first token, length, rows in the batch}. */
    static final class FakeModel implements Function<TokenBatch, float[][]> {
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger maxRunning = new AtomicInteger();
        final AtomicInteger maxRows = new AtomicInteger();
        volatile long maxPadded;
        volatile int sleepMillis;

        @Override
        public float[][] apply(TokenBatch b) {
            calls.incrementAndGet();
            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            maxRows.accumulateAndGet(b.rows(), Math::max);
            if (b.rows() > 1) maxPadded = Math.max(maxPadded, b.paddedTokens());
            try {
                if (sleepMillis > 0) Thread.sleep(sleepMillis);
                float[][] out = new float[b.rows()][];
                for (int r = 0; r < b.rows(); r++) out[r] = new float[] {b.ids()[r * b.length()], b.lengths()[r], b.rows()};
                return out;
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            } finally {
                running.decrementAndGet();
            }
        }
    }

    static int[] seq(int id, int length) {
        int[] s = new int[length];
        s[0] = id;
        return s;
    }

    @Test
    void aLoneCallerGetsItsVectorsInOrder() {
        FakeModel model = new FakeModel();
        try (DynamicBatcher batcher = new DynamicBatcher(model, "fake", 1, 4, 8192)) {
            List<int[]> seqs = new ArrayList<>();
            for (int i = 0; i < 10; i++) seqs.add(seq(100 + i, 1 + i));
            float[][] out = batcher.run(seqs);
            for (int i = 0; i < 10; i++) {
                assertEquals(100 + i, out[i][0]);
                assertEquals(1 + i, out[i][1]);
            }
            assertEquals(3, model.calls.get(), "10 sequences in batches of at most 4");
            assertEquals(0, batcher.run(List.of()).length);
        }
    }

    @RepeatedTest(5)
    void concurrentCallersShareBatchesAndGetTheirOwnVectors(TestRandom random) throws Exception {
        FakeModel model = new FakeModel();
        model.sleepMillis = 2;
        int permits = random.between(1, 3);
        int maxBatch = random.between(2, 16);
        try (DynamicBatcher batcher = new DynamicBatcher(model, "fake", permits, maxBatch, 600);
             ExecutorService pool = Executors.newFixedThreadPool(12)) {
            int callers = 60;
            List<Future<Boolean>> results = new ArrayList<>();
            List<List<int[]>> inputs = new ArrayList<>();
            int id = 1;
            for (int c = 0; c < callers; c++) {
                List<int[]> seqs = new ArrayList<>();
                int n = random.between(1, 5);
                for (int i = 0; i < n; i++) seqs.add(seq(id++, random.between(1, 80)));
                inputs.add(seqs);
            }
            for (List<int[]> seqs : inputs) {
                results.add(pool.submit(() -> {
                    float[][] out = batcher.run(seqs);
                    for (int i = 0; i < seqs.size(); i++) {
                        if (out[i][0] != seqs.get(i)[0] || out[i][1] != seqs.get(i).length) return false;
                    }
                    return true;
                }));
            }
            int total = 0;
            for (Future<Boolean> f : results) assertTrue(f.get(30, TimeUnit.SECONDS), "a caller got someone else's vector");
            for (List<int[]> seqs : inputs) total += seqs.size();
            assertTrue(model.maxRunning.get() <= permits, "at most " + permits + " batches at once, saw " + model.maxRunning.get());
            assertTrue(model.maxRows.get() <= maxBatch, "batch size " + model.maxRows.get() + " > " + maxBatch);
            assertTrue(model.maxPadded <= 600, "padded tokens " + model.maxPadded + " > 600");
            assertTrue(model.calls.get() < total, "concurrent callers were batched: " + model.calls.get() + " runs for " + total + " texts");
        }
    }

    @Test
    void aSmallRequestDoesNotWaitBehindABulkOne() throws Exception {
        FakeModel model = new FakeModel();
        model.sleepMillis = 5;
        try (DynamicBatcher batcher = new DynamicBatcher(model, "fake", 1, 8, 8192);
             ExecutorService pool = Executors.newFixedThreadPool(2)) {
            List<int[]> bulk = new ArrayList<>();
            for (int i = 0; i < 400; i++) bulk.add(seq(i + 1, 4));
            Future<float[][]> bulkResult = pool.submit(() -> batcher.run(bulk));
            while (model.calls.get() < 2) Thread.onSpinWait();
            int before = model.calls.get();
            float[][] small = batcher.run(List.of(seq(9999, 3)));
            int after = model.calls.get();
            assertEquals(9999, small[0][0]);
            assertTrue(after - before <= 2, "the small request waited " + (after - before) + " batches (of 50)");
            assertTrue(!bulkResult.isDone(), "bulk still running when the small request finished");
            assertEquals(400, bulkResult.get().length);
        }
    }

    @Test
    void aFailedBatchFailsItsCallersWithTheCause() {
        RuntimeException boom = new IllegalStateException("native failure");
        AtomicInteger calls = new AtomicInteger();
        try (DynamicBatcher batcher = new DynamicBatcher(b -> {
            if (calls.incrementAndGet() == 1) throw boom;
            return new float[b.rows()][1];
        }, "fake", 1, 4, 8192)) {
            EmbeddingException e = assertThrows(EmbeddingException.class, () -> batcher.run(List.of(seq(1, 2))));
            assertSame(boom, e.getCause());
            assertEquals(1, batcher.run(List.of(seq(1, 2))).length, "the batcher keeps working after a failed batch");
        }
    }

    @Test
    void closeWaitsForRunningWorkFailsQueuedWorkAndIsIdempotent() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        DynamicBatcher batcher = new DynamicBatcher(b -> {
            inside.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return new float[b.rows()][1];
        }, "fake", 1, 1, 8192);
        try (ExecutorService pool = Executors.newFixedThreadPool(3)) {
            Future<float[][]> running = pool.submit(() -> batcher.run(List.of(seq(1, 2))));
            inside.await();
            Future<float[][]> queued = pool.submit(() -> batcher.run(List.of(seq(2, 2))));
            Thread.sleep(50); // let it queue behind the running batch
            Future<?> closing = pool.submit(batcher::close);
            Thread.sleep(50);
            assertTrue(!closing.isDone(), "close waits for the running batch");
            release.countDown();
            closing.get(10, TimeUnit.SECONDS);
            assertEquals(1, running.get().length, "running work completes");
            Exception e = assertThrows(Exception.class, () -> queued.get(10, TimeUnit.SECONDS));
            assertInstanceOf(EmbedderClosedException.class, e.getCause());
        }
        batcher.close();
        assertThrows(EmbedderClosedException.class, () -> batcher.run(List.of(seq(3, 2))));
    }
}
