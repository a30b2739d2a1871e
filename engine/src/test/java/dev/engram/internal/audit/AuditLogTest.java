package dev.engram.internal.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.internal.audit.AuditEntry.Action;
import dev.engram.io.FileInput;
import dev.engram.io.FileOutput;
import dev.engram.io.Framing;
import dev.engram.memory.UserId;
import dev.engram.testkit.FaultInjectingStorage;
import dev.engram.testkit.InMemoryStorage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditLogTest {
    static final UserId ALICE = UserId.of("alice");
    static final UserId BOB = UserId.of("bob");

    private final InMemoryStorage dir = new InMemoryStorage();

    private AuditLog open() throws IOException {
        return AuditLog.open(dir, Clock.systemUTC());
    }

    private void fill(AuditLog log) throws IOException {
        log.append("app-a", Action.INGEST, ALICE, Map.of("turns", 2L));
        log.append("app-a", Action.SEARCH, ALICE, Map.of("returned", 5L));
        log.append("app-b", Action.ADD, BOB, Map.of());
        log.append("app-a", Action.DELETE, ALICE, Map.of("memories", 1L));
        log.append("admin", Action.EXPORT, BOB, Map.of("memories", 7L));
    }

    @Test
    void entriesRoundTripAndChainAcrossReopen() throws IOException {
        try (AuditLog log = open()) {
            fill(log);
        }
        byte[] head;
        try (AuditLog log = open()) {
            AuditEntry e = log.append("app-a", Action.PURGE, ALICE, Map.of("files", 3L));
            assertEquals(6, e.seq());
            head = log.head();
            assertArrayEquals(e.hash(), head);
            List<AuditEntry> all = log.entries(x -> true);
            assertEquals(6, all.size());
            assertEquals(Action.SEARCH, all.get(1).action());
            assertEquals(Map.of("returned", 5L), all.get(1).counts());
            assertEquals(log.pseudonym(ALICE), all.get(0).subject());
            assertNotEquals(log.pseudonym(ALICE), log.pseudonym(BOB));
            assertTrue(log.verify().ok(), log.verify().toString());
        }
        byte[] raw = bytes();
        assertFalse(new String(raw, StandardCharsets.ISO_8859_1).contains("alice"), "the log names a user in plain text");
    }

    @Test
    void anyAlteredRemovedOrReorderedEntryIsDetected() throws IOException {
        try (AuditLog log = open()) {
            fill(log);
        }
        byte[] good = bytes();
        List<int[]> spans = spans(good);
        // Altered: flip each byte of each entry's payload, then fix its CRC as a deliberate forger would.
        for (int[] s : spans) {
            for (int i = s[0] + 8; i < s[0] + s[1]; i++) {
                byte[] b = good.clone();
                b[i] ^= 0x01;
                ByteBuffer.wrap(b, s[0] + 4, 4).putInt(Framing.crc32c(b, s[0] + 8, s[1] - 8));
                write(b);
                assertFalse(verify(), "altered byte " + i + " not detected");
            }
        }
        // Removed: each entry in turn.
        for (int[] s : spans) {
            byte[] b = new byte[good.length - s[1]];
            System.arraycopy(good, 0, b, 0, s[0]);
            System.arraycopy(good, s[0] + s[1], b, s[0], good.length - s[0] - s[1]);
            write(b);
            assertTrue(!verify() || s == spans.getLast(), "removed entry at " + s[0] + " not detected");
        }
        // Reordered: swap neighbours.
        for (int k = 0; k + 1 < spans.size(); k++) {
            int[] a = spans.get(k);
            int[] c = spans.get(k + 1);
            byte[] b = good.clone();
            System.arraycopy(good, c[0], b, a[0], c[1]);
            System.arraycopy(good, a[0], b, a[0] + c[1], a[1]);
            write(b);
            assertFalse(verify(), "swapped entries " + k + " and " + (k + 1) + " not detected");
        }
        write(good);
        assertTrue(verify());
    }

    @Test
    void aTornLastEntryIsCutOffAtOpen() throws IOException {
        try (AuditLog log = open()) {
            fill(log);
        }
        byte[] good = bytes();
        int[] last = spans(good).getLast();
        for (int cut = last[0] + 1; cut < good.length; cut++) {
            write(Arrays.copyOf(good, cut));
            try (AuditLog log = open()) {
                assertEquals(4, log.entries(x -> true).size(), "cut at " + cut);
                assertEquals(5, log.append("x", Action.ADD, BOB, Map.of()).seq());
                assertTrue(log.verify().ok());
            }
        }
    }

    @Test
    void redactionRemovesAPurgedUsersEntriesButKeepsThePurgeRecordAndTheChain() throws IOException {
        try (AuditLog log = open()) {
            fill(log);
            log.append("app-a", Action.PURGE, ALICE, Map.of("memories", 12L));
            assertEquals(3, log.redact(ALICE));
            List<AuditEntry> all = log.entries(x -> true);
            assertEquals(6, all.size());
            String alice = log.pseudonym(ALICE);
            assertEquals(List.of(Action.PURGE), all.stream().filter(e -> e.subject().equals(alice)).map(AuditEntry::action).toList());
            assertEquals(3, all.stream().filter(AuditEntry::redacted).count());
            assertEquals(2, all.stream().filter(e -> e.subject().equals(log.pseudonym(BOB))).count());
            assertTrue(log.verify().ok(), log.verify().toString());
            log.append("app-b", Action.SEARCH, BOB, Map.of());
        }
        try (AuditLog log = open()) {
            assertEquals(7, log.entries(x -> true).size());
            assertTrue(log.verify().ok());
        }
    }

    private boolean verify() throws IOException {
        try (AuditLog log = open()) {
            return log.verify().ok();
        } catch (IOException e) {
            return false; // refused to open: also detection
        }
    }

    private List<int[]> spans(byte[] all) {
        List<int[]> out = new ArrayList<>();
        int pos = Framing.headerLength("engram-audit");
        while (pos < all.length) {
            int len = ByteBuffer.wrap(all, pos, 4).getInt() + 8;
            out.add(new int[] {pos, len});
            pos += len;
        }
        return out;
    }

    private byte[] bytes() throws IOException {
        byte[] b = new byte[(int) dir.size(AuditLog.FILE)];
        try (FileInput in = dir.openInput(AuditLog.FILE)) {
            in.readFully(0, b, 0, b.length);
        }
        return b;
    }

    @Test
    void concurrentMutatingAppendsAreDurableWhenTheyReturn() throws Exception {
        for (long seed = 1; seed <= 5; seed++) {
            InMemoryStorage base = new InMemoryStorage();
            FaultInjectingStorage storage = FaultInjectingStorage.wrap(base);
            java.util.Set<Long> acknowledged = java.util.concurrent.ConcurrentHashMap.newKeySet();
            AuditLog log = AuditLog.open(storage, Clock.systemUTC());
            try {
                List<Thread> threads = new ArrayList<>();
                for (int t = 0; t < 6; t++) {
                    UserId user = UserId.of("u" + t);
                    threads.add(Thread.ofPlatform().start(() -> {
                        for (int i = 0; i < 40; i++) {
                            try {
                                Action a = i % 3 == 0 ? Action.SEARCH : i % 3 == 1 ? Action.INGEST : Action.ADD;
                                AuditEntry e = log.append("app", a, user, Map.of("i", (long) i));
                                if (!AuditLog.deferred(a)) acknowledged.add(e.seq());
                            } catch (IOException ex) {
                                return; // the power went out under us
                            }
                        }
                    }));
                }
                // Cut the power somewhere in the middle of the appends.
                storage.crashAt(storage.operations() + 100 + 37 * seed);
                for (Thread t : threads) t.join();
            } finally {
                storage.powerLoss(new java.util.Random(seed));
            }
            try (AuditLog reopened = AuditLog.open(base, Clock.systemUTC())) {
                java.util.Set<Long> present = new java.util.HashSet<>();
                for (AuditEntry e : reopened.entries(x -> true)) present.add(e.seq());
                for (long seq : acknowledged) assertTrue(present.contains(seq), "seed " + seed + ": acknowledged entry " + seq + " lost");
                assertTrue(reopened.verify().ok());
            }
        }
    }

    @Test
    void aFailedFsyncIsNeverRetriedAndFailsEveryLaterMutatingAppend() throws IOException {
        FaultInjectingStorage storage = FaultInjectingStorage.wrap(dir);
        try (AuditLog log = AuditLog.open(storage, Clock.systemUTC())) {
            log.append("app", Action.ADD, ALICE, Map.of());
            long before = storage.operations();
            storage.failOnce(before + 2); // the append's write is before + 1, its fsync before + 2
            IOException first = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                    () -> log.append("app", Action.UPDATE, ALICE, Map.of()));
            assertEquals(before + 2, storage.operations());
            IOException later = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                    () -> log.append("app", Action.ADD, BOB, Map.of()));
            assertEquals(before + 3, storage.operations(), "the second append wrote its entry and did not fsync again");
            assertEquals(first, later.getCause());
        }
    }

    @Test
    void deferredEntriesAreWrittenWithoutAnFsyncAndDurableAfterSyncPending() throws IOException {
        for (long seed = 1; seed <= 3; seed++) {
            InMemoryStorage base = new InMemoryStorage();
            FaultInjectingStorage storage = FaultInjectingStorage.wrap(base);
            AuditLog log = AuditLog.open(storage, Clock.systemUTC());
            log.append("app", Action.ADD, ALICE, Map.of());
            long before = storage.operations();
            log.append("app", Action.INGEST, ALICE, Map.of("turns", 2L));
            log.append("app", Action.SEARCH, ALICE, Map.of("returned", 3L));
            assertEquals(before + 2, storage.operations(), "two writes, no fsync");
            log.syncPending();
            assertEquals(before + 3, storage.operations(), "one fsync for both");
            log.syncPending();
            assertEquals(before + 3, storage.operations(), "nothing pending: no fsync");
            log.append("app", Action.INGEST, BOB, Map.of("turns", 1L)); // never synced: may be lost
            storage.powerLoss(new java.util.Random(seed));
            try (AuditLog reopened = AuditLog.open(base, Clock.systemUTC())) {
                List<AuditEntry> all = reopened.entries(x -> true);
                assertTrue(all.size() >= 3, "seed " + seed + ": synced entries lost: " + all.size());
                assertEquals(List.of(Action.ADD, Action.INGEST, Action.SEARCH), all.subList(0, 3).stream().map(AuditEntry::action).toList());
                assertTrue(reopened.verify().ok());
            }
        }
    }

    private void write(byte[] b) throws IOException {
        dir.delete(AuditLog.FILE);
        try (FileOutput o = dir.create(AuditLog.FILE)) {
            o.write(b);
            o.sync();
        }
    }
}
