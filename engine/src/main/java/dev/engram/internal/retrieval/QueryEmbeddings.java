package dev.engram.internal.retrieval;

import dev.engram.extraction.embed.Embedder;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Embeds retrieval queries on a small pool of platform threads, so that a retrieval can run its
 * lexical side (the accept set and BM25) on the calling thread while the model runs: the query
 * vector is only needed for the vector search that follows. At most {@code threads} embeddings
 * run here at once; when every thread is busy the caller embeds the query itself, as it would
 * without this class, so there is no queue and no unbounded growth. Platform threads, not
 * virtual ones: an inference is one long native call that would pin a virtual thread's carrier.
 */
public final class QueryEmbeddings implements AutoCloseable {
    private final Embedder embedder;
    private final ThreadPoolExecutor pool;

    public QueryEmbeddings(Embedder embedder, int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        this.embedder = embedder;
        this.pool = new ThreadPoolExecutor(0, threads, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                r -> Thread.ofPlatform().daemon().name("engram-query-embed").unstarted(r),
                (task, executor) -> task.run()); // every thread busy (or shut down): embed on the caller
    }

    /**
     * Starts embedding {@code text} ({@link Embedder#embedQuery}) and returns its result's
     * supplier, which waits for it; the embedder's exceptions are rethrown by the supplier as
     * they were thrown.
     */
    public Supplier<float[]> start(String text) {
        FutureTask<float[]> task = new FutureTask<>(() -> embedder.embedQuery(text));
        pool.execute(task);
        return () -> {
            boolean interrupted = false;
            try {
                while (true) {
                    try {
                        return task.get();
                    } catch (InterruptedException e) {
                        interrupted = true; // the inference cannot be cut short: wait for it, keep the flag
                    } catch (ExecutionException e) {
                        if (e.getCause() instanceof RuntimeException r) throw r;
                        if (e.getCause() instanceof Error err) throw err;
                        throw new IllegalStateException("query embedding failed", e.getCause());
                    }
                }
            } finally {
                if (interrupted) Thread.currentThread().interrupt();
            }
        };
    }

    /** Stops the pool's threads once their current embeddings finish; later starts run on the caller. */
    @Override
    public void close() {
        pool.shutdown();
    }
}
