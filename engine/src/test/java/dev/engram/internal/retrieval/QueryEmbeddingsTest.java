package dev.engram.internal.retrieval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.extraction.embed.Embedder;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class QueryEmbeddingsTest {
    /** Records the embedding thread; blocks on {@code gate} for texts starting with "hold". */
    static final class Probe implements Embedder {
        final CountDownLatch gate = new CountDownLatch(1);
        final CountDownLatch entered = new CountDownLatch(1);
        volatile Thread last;

        public int dimension() { return 2; }
        public String modelId() { return "probe"; }
        public float[] embed(String text) { return embedQuery(text); }
        public float[] embedQuery(String text) {
            last = Thread.currentThread();
            if (text.startsWith("fail")) throw new IllegalArgumentException("bad query: " + text);
            if (text.startsWith("hold")) {
                entered.countDown();
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            return new float[] {text.length(), 1};
        }
        public List<float[]> embedBatch(List<String> texts) { return texts.stream().map(this::embed).toList(); }
        public void close() {}
    }

    @Test
    void embedsOnAPoolThreadAndRunsOnTheCallerWhenEveryThreadIsBusy() throws Exception {
        Probe probe = new Probe();
        try (QueryEmbeddings q = new QueryEmbeddings(probe, 1)) {
            Supplier<float[]> held = q.start("hold me");
            assertTrue(probe.entered.await(10, TimeUnit.SECONDS));
            assertTrue(probe.last.getName().startsWith("engram-query-embed"), probe.last.getName());
            // The only thread is busy: the next query is embedded on this thread, at once.
            Supplier<float[]> inline = q.start("abc");
            assertSame(Thread.currentThread(), probe.last);
            assertArrayEquals(new float[] {3, 1}, inline.get());
            probe.gate.countDown();
            assertArrayEquals(new float[] {7, 1}, held.get());
        }
    }

    @Test
    void theEmbeddersExceptionIsRethrownAsIs() {
        try (QueryEmbeddings q = new QueryEmbeddings(new Probe(), 2)) {
            Supplier<float[]> s = q.start("fail now");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, s::get);
            assertEquals("bad query: fail now", e.getMessage());
        }
    }

    @Test
    void anInterruptedWaiterStillGetsTheVectorAndKeepsItsFlag() throws Exception {
        Probe probe = new Probe();
        try (QueryEmbeddings q = new QueryEmbeddings(probe, 1)) {
            Supplier<float[]> held = q.start("hold it");
            assertTrue(probe.entered.await(10, TimeUnit.SECONDS));
            Thread.currentThread().interrupt();
            Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ignored) {
                    // released below either way
                }
                probe.gate.countDown();
            });
            assertArrayEquals(new float[] {7, 1}, held.get());
            assertTrue(Thread.interrupted(), "the interrupt flag is kept (and cleared here)");
        }
    }

    @Test
    void afterCloseQueriesAreEmbeddedOnTheCaller() {
        Probe probe = new Probe();
        QueryEmbeddings q = new QueryEmbeddings(probe, 2);
        q.close();
        assertArrayEquals(new float[] {2, 1}, q.start("ab").get());
        assertSame(Thread.currentThread(), probe.last);
        assertThrows(IllegalArgumentException.class, () -> new QueryEmbeddings(probe, 0));
    }
}
