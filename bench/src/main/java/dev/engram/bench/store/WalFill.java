package dev.engram.bench.store;

import dev.engram.internal.lexical.TextAnalyzer;
import dev.engram.internal.store.MemoryStore;
import dev.engram.memory.UserId;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The child process of the store suite's recovery phase: {@code WalFill DIR BYTES THREADS USERS}
 * opens a {@link MemoryStore} in {@code DIR} (SYNC, no automatic checkpoint, a 1 GiB bound on open
 * users so nothing is evicted), writes puts (one memory with a 384-d embedding per write, users
 * spread over the threads) until the WAL holds {@code BYTES} since the checkpoint, prints
 * {@code FILLED records=… wal_bytes=… seconds=… fsyncs=…} and halts without closing: a crash
 * after which every record must be replayed.
 */
public final class WalFill {
    private WalFill() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long target = Long.parseLong(args[1]);
        int threads = Integer.parseInt(args[2]);
        int users = Integer.parseInt(args[3]);
        MemoryStore.Options o = MemoryStore.Options.defaults().withCheckpointWalBytes(Long.MAX_VALUE).withOpenUsersMaxBytes(1L << 30);
        MemoryStore store = MemoryStore.open(dir, new TextAnalyzer(), o, MemoryStore.EventSink.NONE);
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong records = new AtomicLong();
        List<Thread> ts = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            ts.add(Thread.ofPlatform().start(() -> {
                MemoryGenerator gen = new MemoryGenerator(77 + thread);
                try {
                    for (long i = 0; !done.get(); i++) {
                        UserId u = StoreSuite.userId((int) (thread + threads * (i % Math.max(1, users / threads))));
                        store.write(u, List.of(new MemoryStore.Mutation.Put(gen.memory(u), gen.embedding())));
                        records.incrementAndGet();
                        if (store.stats().walBytesSinceCheckpoint() >= target) done.set(true);
                    }
                } catch (Exception e) {
                    e.printStackTrace();
                    Runtime.getRuntime().halt(1);
                }
            }));
        }
        for (Thread t : ts) t.join();
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf("FILLED records=%d wal_bytes=%d seconds=%.2f fsyncs=%d%n", records.get(),
                store.stats().walBytesSinceCheckpoint(), secs, store.walStats().syncs());
        System.out.flush();
        Runtime.getRuntime().halt(0); // no close, no checkpoint: the next open replays every record
    }
}
