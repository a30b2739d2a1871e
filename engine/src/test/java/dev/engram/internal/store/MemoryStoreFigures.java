package dev.engram.internal.store;

import dev.engram.internal.lexical.TextAnalyzer;
import dev.engram.memory.Memory;
import dev.engram.memory.RandomMemories;
import dev.engram.memory.UserId;
import dev.engram.testkit.TestRandom;
import dev.engram.wal.Durability;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * Rough figures for docs/storage.md: replay time of N WAL records (one put of a memory with a
 * 384-d embedding... here 8-d, plus one journal entry each) over 100 users, after a "crash" (the
 * writing store is abandoned, never flushed). Run: {@code java … MemoryStoreFigures N [dir]}.
 */
public final class MemoryStoreFigures {
    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        Path dir = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("engram-ms-figures");
        TextAnalyzer a = new TextAnalyzer();
        MemoryStore.Options o = MemoryStore.Options.defaults().withUser(StoreWorkload.USER_OPTIONS)
                .withCheckpointWalBytes(Long.MAX_VALUE).withOpenUsersMaxBytes(1L << 40).withDurability(Durability.NONE);
        TestRandom r = new TestRandom(1);
        RandomMemories gen = new RandomMemories(r.fork());
        MemoryStore w = MemoryStore.open(dir, a, o, MemoryStore.EventSink.NONE);
        long t0 = System.nanoTime();
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        for (int i = 0; i < n; i++) {
            UserId u = UserId.of("user-" + (i % 100));
            t = t.plusMillis(1);
            Memory m = gen.storable(u).toBuilder().createdAt(t).updatedAt(t).validFrom(t).validTo(null).build();
            w.write(u, List.of(new MemoryStore.Mutation.Put(m, StoreWorkload.unit(r)), new MemoryStore.Mutation.Journal(new byte[32])));
        }
        long writeMs = (System.nanoTime() - t0) / 1_000_000;
        long walBytes = w.stats().walBytesSinceCheckpoint();
        // The writer is abandoned as if killed: nothing was flushed to the users' segments.
        long t1 = System.nanoTime();
        MemoryStore rec = MemoryStore.open(dir, a, o.withDurability(Durability.SYNC), MemoryStore.EventSink.NONE);
        long openMs = (System.nanoTime() - t1) / 1_000_000;
        System.out.printf("records=%d wal_bytes=%d write_ms=%d (NONE) recovery_ms=%d replayed=%d (%.0f records/s)%n", n, walBytes, writeMs,
                openMs, rec.stats().replayedRecords(), rec.stats().replayedRecords() * 1000.0 / Math.max(1, openMs));
        long t2 = System.nanoTime();
        rec.checkpoint();
        System.out.printf("checkpoint after recovery (flush 100 users, truncate): %d ms%n", (System.nanoTime() - t2) / 1_000_000);
        Runtime.getRuntime().halt(0);
    }
}
