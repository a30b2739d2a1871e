package dev.engram.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.io.Storage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A deterministic WAL workload for fault and power-loss tests: two sessions (open, appends one by one
 * and in async bursts, a checkpoint, close), stopping at the first failure. It remembers which
 * records were acknowledged, checks fail-stop on the way, and afterwards checks a recovered log.
 * Payloads carry their attempt id, so order and content can be verified whatever LSNs they got.
 */
final class Workload {
    private final Random random;
    private long nextId = 1;
    /** Acknowledged attempt id -> LSN. */
    final Map<Long, Long> acked = new TreeMap<>();
    /** Records at or below this LSN may have been checkpointed away. */
    long checkpointed;
    /** The first failure seen, if any. */
    Throwable failure;

    Workload(long seed) {
        this.random = new Random(seed);
    }

    static WalOptions options(Storage s) {
        return WalOptions.builder(s).segmentSize(1024).maxRecordSize(300).build();
    }

    /** Runs both sessions; stops quietly at the first failure (recorded in {@link #failure}). */
    void run(Storage storage) {
        try {
            session(storage, false);
            session(storage, true);
        } catch (IOException | WalException e) {
            if (failure == null) failure = e;
        }
    }

    private void session(Storage storage, boolean withCheckpoint) throws IOException {
        Wal wal = Wal.open(options(storage));
        try {
            for (int i = 0; i < 10; i++) appendOne(wal);
            burst(wal, 10);
            if (withCheckpoint) {
                long to = wal.lastLsn() - 5;
                checkpointed = Math.max(checkpointed, to); // declared persisted elsewhere, even if the call fails
                wal.checkpoint(to);
            }
            for (int i = 0; i < 5; i++) appendOne(wal);
        } catch (WalFailedException e) {
            failure = e;
            // Fail-stop: every later call reports the same original cause.
            WalFailedException again = assertThrows(WalFailedException.class, () -> wal.append(1, new byte[1]));
            assertSame(e.getCause(), again.getCause());
            assertInstanceOf(IOException.class, e.getCause());
            throw e;
        } finally {
            try {
                wal.close();
            } catch (IOException ignored) {
                // The storage may be failing; the log was already failed or closed.
            }
        }
    }

    private void appendOne(Wal wal) {
        long id = nextId++;
        long lsn = wal.append(7, payload(id));
        acked.put(id, lsn);
    }

    private void burst(Wal wal, int n) {
        List<Long> ids = new ArrayList<>();
        List<CompletableFuture<Long>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long id = nextId++;
            ids.add(id);
            futures.add(wal.appendAsync(7, payload(id)));
        }
        WalFailedException first = null;
        for (int i = 0; i < n; i++) {
            try {
                acked.put(ids.get(i), futures.get(i).join());
            } catch (CompletionException e) {
                if (first == null) first = (WalFailedException) e.getCause();
            }
        }
        if (first != null) throw first;
    }

    private byte[] payload(long id) {
        int len = random.nextInt(5) == 0 ? 0 : random.nextInt(200);
        byte[] b = new byte[8 + len];
        ByteBuffer.wrap(b).putLong(id);
        Random r = new Random(id);
        for (int i = 8; i < b.length; i++) b[i] = (byte) r.nextInt(256);
        return b;
    }

    private static long checkPayload(WalRecord rec) {
        byte[] b = rec.payload();
        assertTrue(b.length >= 8, "short payload in " + rec);
        long id = ByteBuffer.wrap(b).getLong();
        Random r = new Random(id);
        byte[] expected = b.clone();
        for (int i = 8; i < b.length; i++) expected[i] = (byte) r.nextInt(256);
        assertTrue(Arrays.equals(expected, b), "altered payload in " + rec);
        return id;
    }

    /** Opens the recovered log and checks: every acknowledged record present at its LSN, order kept, nothing altered. */
    void verify(Storage storage, String context) throws IOException {
        List<WalRecord> records;
        try (Wal wal = Wal.open(options(storage))) {
            records = WalTestSupport.readAll(wal);
        }
        Map<Long, Long> found = new TreeMap<>();
        long lastId = 0;
        for (WalRecord r : records) {
            long id = checkPayload(r);
            assertTrue(id > lastId, context + ": records out of order at " + r);
            lastId = id;
            found.put(id, r.lsn());
        }
        for (var e : acked.entrySet()) {
            if (e.getValue() <= checkpointed) continue;
            assertEquals(e.getValue(), found.get(e.getKey()),
                    context + ": acknowledged record id " + e.getKey() + " (LSN " + e.getValue() + ") lost; failure: " + failure);
        }
        try (Wal wal = Wal.open(options(storage))) {
            assertTrue(wal.recoveryReport().clean(), context + ": second recovery not clean: " + wal.recoveryReport());
        }
    }
}
