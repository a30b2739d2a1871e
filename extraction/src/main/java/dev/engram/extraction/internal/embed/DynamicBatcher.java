package dev.engram.extraction.internal.embed;

import dev.engram.extraction.embed.EmbedderClosedException;
import dev.engram.extraction.embed.EmbeddingException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.function.Function;

/**
 * Runs token sequences through a model in batches, coalescing concurrent callers without a
 * thread of its own.
 *
 * <p>Each call queues its sequences, then competes for one of {@code permits} run slots. The
 * thread that wins a slot takes as many queued sequences as fit one batch, runs the batch, hands
 * each caller its vectors, and gives the slot back. A caller whose sequences another thread
 * already ran finds its work done when it gets a slot. So a lone caller runs at once, and under
 * load the waiting callers' texts ride in shared batches: fewer, larger inferences, and at most
 * {@code permits} of them at a time.
 *
 * <p>Batches are filled round-robin over the waiting callers, one sequence from each in turn, so a
 * one-text query waiting behind a bulk call of thousands rides in the very next batch instead of
 * after the bulk call.
 *
 * <p>Thread-safe. {@link #close()} waits for running batches, fails queued work with
 * {@link EmbedderClosedException}, and is idempotent.
 */
public final class DynamicBatcher implements AutoCloseable {
    private final Function<TokenBatch, float[][]> runner;
    private final String modelId;
    private final int permits;
    private final int maxBatchSize;
    private final long maxBatchTokens;
    private final Semaphore slots;
    private final LinkedHashSet<Request> waiting = new LinkedHashSet<>();
    private volatile boolean closed;

    /**
     * @param runner         runs one padded batch, returning one vector per row
     * @param permits        most batches running at once
     * @param maxBatchSize   most sequences in one batch
     * @param maxBatchTokens most padded tokens ({@code rows × longest}) in one batch; a single
     *                       longer sequence still runs, alone
     */
    public DynamicBatcher(Function<TokenBatch, float[][]> runner, String modelId, int permits, int maxBatchSize, long maxBatchTokens) {
        this.runner = runner;
        this.modelId = modelId;
        this.permits = permits;
        this.maxBatchSize = maxBatchSize;
        this.maxBatchTokens = maxBatchTokens;
        this.slots = new Semaphore(permits, true);
    }

    /** Embeds {@code sequences}, returning vectors in the same order. */
    public float[][] run(List<int[]> sequences) {
        if (closed) throw new EmbedderClosedException(modelId);
        Request request = new Request(sequences.toArray(int[][]::new));
        if (request.tokens.length == 0) return request.results;
        synchronized (waiting) {
            waiting.add(request);
        }
        while (!request.done()) {
            if (allTaken(request)) {
                // Every text is in a batch another thread is running: wait for it, don't spin.
                request.awaitDone();
                break;
            }
            slots.acquireUninterruptibly();
            try {
                if (closed) {
                    failWaiting();
                    break;
                }
                if (!request.done()) runOneBatch();
            } finally {
                slots.release();
            }
        }
        return request.get(modelId);
    }

    private boolean allTaken(Request request) {
        synchronized (waiting) {
            return request.next == request.tokens.length;
        }
    }

    private void runOneBatch() {
        List<Slice> items = take();
        if (items.isEmpty()) return;
        List<int[]> seqs = new ArrayList<>(items.size());
        for (Slice it : items) seqs.add(it.request.tokens[it.index]);
        try {
            float[][] vectors = runner.apply(TokenBatch.of(seqs));
            for (int i = 0; i < items.size(); i++) items.get(i).request.complete(items.get(i).index, vectors[i]);
        } catch (RuntimeException | Error e) {
            synchronized (waiting) {
                for (Slice it : items) waiting.remove(it.request); // the rest of a failed request is moot
            }
            for (Slice it : items) it.request.fail(e);
        }
    }

    /**
     * The next batch: one sequence from each waiting request in turn, until the batch is full.
     * Requests served and not finished move to the back of the line, so the turn passes on
     * across batches too (which matters most with small batches).
     */
    private List<Slice> take() {
        List<Slice> items = new ArrayList<>();
        List<Request> served = new ArrayList<>();
        int longest = 0;
        synchronized (waiting) {
            boolean progress = true;
            fill:
            while (progress && items.size() < maxBatchSize) {
                progress = false;
                for (Iterator<Request> it = waiting.iterator(); it.hasNext() && items.size() < maxBatchSize; ) {
                    Request r = it.next();
                    int len = Math.max(longest, r.tokens[r.next].length);
                    if (!items.isEmpty() && (long) len * (items.size() + 1) > maxBatchTokens) break fill;
                    items.add(new Slice(r, r.next++));
                    longest = len;
                    progress = true;
                    it.remove();
                    if (r.next < r.tokens.length) served.add(r);
                }
                for (Request r : served) waiting.add(r);
                served.clear();
            }
            for (Request r : served) waiting.add(r);
        }
        return items;
    }

    private void failWaiting() {
        List<Request> requests;
        synchronized (waiting) {
            requests = new ArrayList<>(waiting);
            waiting.clear();
        }
        EmbedderClosedException e = new EmbedderClosedException(modelId);
        for (Request r : requests) r.fail(e);
    }

    /** Stops accepting work, waits for running batches, and fails what is still queued. Idempotent. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        slots.acquireUninterruptibly(permits);
        try {
            failWaiting();
        } finally {
            slots.release(permits);
        }
    }

    private record Slice(Request request, int index) {}

    /** One caller's sequences; completed piecewise by whichever threads run their batches. */
    private static final class Request {
        final int[][] tokens;
        final float[][] results;
        int next; // guarded by the batcher's queue lock
        int remaining;
        Throwable failure;

        Request(int[][] tokens) {
            this.tokens = tokens;
            this.results = new float[tokens.length][];
            this.remaining = tokens.length;
        }

        synchronized boolean done() {
            return remaining == 0;
        }

        synchronized void complete(int index, float[] vector) {
            if (failure == null && results[index] == null) {
                results[index] = vector;
                if (--remaining == 0) notifyAll();
            }
        }

        synchronized void fail(Throwable e) {
            if (failure == null) failure = e;
            remaining = 0;
            notifyAll();
        }

        /** Blocks until done; the running batches always finish (close waits for them). */
        synchronized void awaitDone() {
            boolean interrupted = false;
            while (remaining != 0) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) Thread.currentThread().interrupt();
        }

        synchronized float[][] get(String modelId) {
            if (failure instanceof EmbedderClosedException || (failure == null && remaining != 0)) {
                throw new EmbedderClosedException(modelId);
            }
            if (failure instanceof Error err) throw err;
            // Wrapped per caller: one batch failure may reach several threads.
            if (failure != null) throw new EmbeddingException(failure.getMessage(), failure);
            return results;
        }
    }
}
