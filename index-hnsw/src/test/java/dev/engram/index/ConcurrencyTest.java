package dev.engram.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.testkit.Seeded;
import dev.engram.testkit.TestRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Concurrent inserts, searches during inserts, determinism of single-threaded builds. */
@Seeded
class ConcurrencyTest {
    static final int DIM = 48;

    @Test
    void concurrentInsertsWithConcurrentSearchesKeepRecall(TestRandom random) throws Exception {
        RecallTest.Data d = RecallTest.Data.generate(random, 4000, DIM);
        try (VectorIndex index = VectorIndex.create(IndexConfig.defaults(DIM))) {
            AtomicInteger next = new AtomicInteger();
            ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
            int[] ordinalOf = new int[4000];
            AtomicBoolean done = new AtomicBoolean();
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                        for (int i; (i = next.getAndIncrement()) < 4000; ) ordinalOf[i] = index.add(d.vectors()[i]);
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                }));
            }
            Thread searcher = Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    int q = 0;
                    while (!done.get()) {
                        int size = index.size();
                        SearchResults r = index.search(d.queries()[q++ % d.queries().length], 10);
                        assertTrue(r.size() == Math.min(10, size) || r.size() <= index.size(), "result count");
                        for (int o : r.ordinals()) assertTrue(o >= 0 && o < index.size());
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
            start.countDown();
            for (Thread t : threads) t.join();
            done.set(true);
            searcher.join();
            if (!errors.isEmpty()) throw new AssertionError(errors.peek());
            assertEquals(4000, index.size());
            // map the data in ordinal order for brute force
            float[][] byOrdinal = new float[4000][];
            for (int i = 0; i < 4000; i++) byOrdinal[ordinalOf[i]] = d.vectors()[i];
            double r = RecallTest.recall(index, new RecallTest.Data(byOrdinal, d.queries()),
                    SearchOptions.defaults().withStrategy(SearchOptions.Strategy.HNSW), i -> true);
            assertTrue(r >= 0.95, "recall after a concurrent build " + r);
        }
    }

    @Test
    void singleThreadedBuildsAreDeterministicForASeed(TestRandom random) throws Exception {
        float[][] data = Vectors.clustered(random, 1500, DIM, 10, 0.5f);
        long seed = random.nextLong();
        IndexConfig c = IndexConfig.defaults(DIM).withSeed(seed);
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("engram-det");
        try (VectorIndex a = RecallTest.build(c, data); VectorIndex b = RecallTest.build(c, data)) {
            a.save(dir.resolve("a"));
            b.save(dir.resolve("b"));
            assertTrue(java.util.Arrays.equals(java.nio.file.Files.readAllBytes(dir.resolve("a")),
                    java.nio.file.Files.readAllBytes(dir.resolve("b"))), "same seed and order: byte-identical files");
        } finally {
            try (var s = java.nio.file.Files.list(dir)) {
                for (var p : s.toList()) java.nio.file.Files.delete(p);
            }
            java.nio.file.Files.delete(dir);
        }
    }

    @Test
    void closeWaitsForRunningSearchesAndRebuildRunsUnderSearches(TestRandom random) throws Exception {
        float[][] data = Vectors.clustered(random, 3000, DIM, 10, 0.5f);
        VectorIndex index = RecallTest.build(IndexConfig.defaults(DIM), data);
        for (int i = 0; i < 3000; i += 2) index.delete(i);
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        Thread searcher = Thread.ofPlatform().start(() -> {
            int q = 0;
            while (!stop.get()) {
                try {
                    SearchResults r = index.search(data[q++ % 3000], 10, SearchOptions.defaults().withStrategy(SearchOptions.Strategy.HNSW));
                    for (int o : r.ordinals()) if (o % 2 == 0) throw new AssertionError("deleted " + o);
                } catch (IndexClosedException e) {
                    return;
                } catch (Throwable e) {
                    errors.add(e);
                    return;
                }
            }
        });
        index.rebuild();
        index.close();
        stop.set(true);
        searcher.join();
        if (!errors.isEmpty()) throw new AssertionError(errors.peek());
    }
}
