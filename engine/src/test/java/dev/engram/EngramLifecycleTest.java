package dev.engram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.extraction.embed.OnnxEmbedder;
import dev.engram.memory.Memory;
import dev.engram.memory.MemoryId;
import dev.engram.memory.MemoryStatus;
import dev.engram.memory.MemoryType;
import dev.engram.memory.UserId;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Expiry, default TTLs, the sweeper and archiving, through the public API on disk with a controlled clock. */
class EngramLifecycleTest {
    static final OnnxEmbedder embedder = TestEmbedder.get();
    static final UserId ALICE = UserId.of("alice");
    static final UserId BOB = UserId.of("bob");
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dir;

    /** A clock the test moves. */
    static final class TestClock extends Clock {
        volatile Instant now = T0;

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    final TestClock clock = new TestClock();

    private EngramOptions.Builder builder() {
        return builder(dir);
    }

    private EngramOptions.Builder builder(Path dir) {
        return Engram.builder(dir).embedder(embedder).clock(clock).sweepPeriod(Duration.ZERO)
                .consistencyTimeout(Duration.ofSeconds(30));
    }

    private static List<MemoryId> ids(Retrieval r) {
        return r.memories().stream().map(m -> m.memory().id()).toList();
    }

    private static List<MemoryId> listed(Engram e, UserId user, MemoryStatus status) {
        return e.list(ListRequest.of(user).status(status).limit(1000)).memories().stream().map(Memory::id).toList();
    }

    @Test
    void expiredMemoriesAreNeverServedByRetrieveGetOrList() {
        try (Engram e = builder().open()) {
            Memory brief = e.add(ALICE, NewMemory.of("The door code this week is 4711").expiresAt(T0.plus(Duration.ofHours(1))));
            Memory lasting = e.add(ALICE, NewMemory.of("The office door code never changes from 9000"));
            assertTrue(ids(e.retrieve(RetrieveRequest.of(ALICE, "door code"))).contains(brief.id()));
            assertEquals(brief.id(), e.get(ALICE, brief.id()).id());

            clock.advance(Duration.ofHours(1)); // expiresAt == now: expired
            assertEquals(List.of(lasting.id()), ids(e.retrieve(RetrieveRequest.of(ALICE, "door code"))));
            assertTrue(ids(e.retrieve(RetrieveRequest.of(ALICE, "door code").includeExpired(true))).contains(brief.id()));
            assertThrows(NotFoundException.class, () -> e.get(ALICE, brief.id()));
            assertThrows(NotFoundException.class, () -> e.get(ALICE, brief.id(), T0.plus(Duration.ofMinutes(1))));
            assertEquals(List.of(lasting.id()), listed(e, ALICE, MemoryStatus.ACTIVE));
            assertEquals(lasting.id(), e.get(ALICE, lasting.id()).id());
        }
    }

    @Test
    void defaultTtlPerTypeIsAppliedToAddedAndIngestedMemoriesWithoutTheirOwnExpiry() {
        Map<MemoryType, Duration> ttl = Map.of(MemoryType.PREFERENCE, Duration.ofDays(7), MemoryType.FACT, Duration.ofDays(30),
                MemoryType.EVENT, Duration.ofDays(2));
        EngramOptions.Builder b = builder();
        ttl.forEach(b::ttl);
        try (Engram e = b.open()) {
            Memory pref = e.add(ALICE, NewMemory.of("Prefers tea").type(MemoryType.PREFERENCE));
            assertEquals(T0.plus(Duration.ofDays(7)), pref.expiresAt());
            assertEquals(T0.plus(Duration.ofDays(7)), e.get(ALICE, pref.id()).expiresAt());
            Memory own = e.add(ALICE, NewMemory.of("Prefers green tea today").type(MemoryType.PREFERENCE)
                    .expiresAt(T0.plus(Duration.ofHours(3))));
            assertEquals(T0.plus(Duration.ofHours(3)), own.expiresAt(), "its own expiry wins");
            Memory proc = e.add(ALICE, NewMemory.of("To deploy, run make release").type(MemoryType.PROCEDURAL));
            assertNull(proc.expiresAt(), "no TTL for PROCEDURAL");

            e.ingest(IngestRequest.of(BOB, "s1", List.of(Message.user("I have a cat named Leo."),
                    Message.user("I love hiking in the Alps."))).waitingForApply());
            List<Memory> extracted = e.list(ListRequest.of(BOB).limit(100)).memories();
            assertFalse(extracted.isEmpty());
            for (Memory m : extracted) {
                Duration d = ttl.get(m.type());
                assertEquals(d == null ? null : m.createdAt().plus(d), m.expiresAt(), m.toString());
            }
            assertTrue(extracted.stream().anyMatch(m -> m.expiresAt() != null), "some extracted type has a TTL");

            clock.advance(Duration.ofDays(31));
            assertThrows(NotFoundException.class, () -> e.get(ALICE, pref.id()));
            assertEquals(List.of(proc.id()), listed(e, ALICE, MemoryStatus.ACTIVE));
        }
    }

    @Test
    void sweeperDeletesExpiredMemoriesCompactsTheirContentAwayAndLeavesOtherUsersAlone() throws Exception {
        String gone = "canary-expired-7f3a9";
        String kept = "canary-kept-51c0e";
        String bobs = "canary-bob-a1d44";
        MemoryId expiredId;
        MemoryId keptId;
        MemoryId bobId;
        String bobPseudonym;
        try (Engram e = builder().open()) {
            expiredId = e.add(ALICE, NewMemory.of("Session note " + gone).importance(0.9).expiresAt(T0.plus(Duration.ofDays(1)))).id();
            keptId = e.add(ALICE, NewMemory.of("Standing note " + kept).importance(0.9)).id();
            bobId = e.add(BOB, NewMemory.of("Bob's note " + bobs).importance(0.9).expiresAt(T0.plus(Duration.ofDays(10)))).id();
            bobPseudonym = e.auditPseudonym(BOB);
        }
        // reopened: everything is in the users' segments (close checkpointed)
        assertFalse(new DataDirScanner(dir.resolve("users")).find(gone).isEmpty());
        Map<String, byte[]> bobBefore = files(dev.engram.internal.store.UserDirectoryLayout.resolve(dir, BOB));
        clock.advance(Duration.ofDays(2));
        try (Engram e = builder().open()) {
            SweepReport r = e.sweepExpired();
            assertEquals(2, r.users());
            assertEquals(1, r.expiredDeleted());
            assertEquals(1, r.compacted());
            assertEquals(0, r.archived());
            assertEquals(0, r.failedUsers());
            assertThrows(NotFoundException.class, () -> e.history(ALICE, expiredId));
            assertEquals(1, e.get(ALICE, keptId).version());
            Memory bob = e.get(BOB, bobId);
            assertEquals(1, bob.version());
            assertEquals(0, e.sweepExpired().expiredDeleted(), "a second sweep finds nothing");

            List<AuditRecord> sweeps = e.audit(null, 100).stream().filter(a -> a.actor().equals(Engram.SWEEPER_ACTOR)).toList();
            assertEquals(1, sweeps.size());
            assertEquals("DELETE", sweeps.getFirst().action());
            assertEquals(e.auditPseudonym(ALICE), sweeps.getFirst().subject());
            assertEquals(1L, sweeps.getFirst().counts().get("memories"));
            assertFalse(sweeps.stream().anyMatch(a -> a.subject().equals(bobPseudonym)));
        }
        Map<String, byte[]> bobAfter = files(dev.engram.internal.store.UserDirectoryLayout.resolve(dir, BOB));
        assertEquals(bobBefore.keySet(), bobAfter.keySet(), "bob's files: none added, removed or renamed");
        bobBefore.forEach((f, bytes) -> assertTrue(java.util.Arrays.equals(bytes, bobAfter.get(f)), f + " unchanged"));
        DataDirScanner users = new DataDirScanner(dir.resolve("users"));
        assertEquals(List.of(), users.find(gone), "the expired memory's content is in no segment, index or manifest");
        assertFalse(users.find(kept).isEmpty());
        assertFalse(users.find(bobs).isEmpty());
        try (Engram e = builder().open()) {
            assertThrows(NotFoundException.class, () -> e.get(ALICE, expiredId));
            assertEquals(keptId, e.get(ALICE, keptId).id());
            assertEquals(bobId, e.get(BOB, bobId).id());
        }
    }

    private static Map<String, byte[]> files(Path userDir) throws java.io.IOException {
        Map<String, byte[]> out = new java.util.TreeMap<>();
        try (var s = java.nio.file.Files.walk(userDir)) {
            for (Path p : s.filter(java.nio.file.Files::isRegularFile).toList()) {
                out.put(userDir.relativize(p).toString(), java.nio.file.Files.readAllBytes(p));
            }
        }
        return out;
    }

    @Test
    void aSweepVisitsEveryUserThroughTheBoundedCacheOfOpenUsers() {
        try (Engram e = builder().cacheBytes(1).open()) { // every user is evicted as soon as it is released
            for (int u = 0; u < 30; u++) {
                UserId user = UserId.of("u" + u);
                e.add(user, NewMemory.of("Expiring note number " + u).expiresAt(T0.plus(Duration.ofHours(1))));
                e.add(user, NewMemory.of("Lasting note number " + u).importance(0.9));
            }
            clock.advance(Duration.ofHours(1));
            SweepReport r = e.sweepExpired();
            assertEquals(30, r.users());
            assertEquals(30, r.expiredDeleted());
            assertEquals(30, r.compacted());
            for (int u = 0; u < 30; u++) {
                List<Memory> left = e.list(ListRequest.of(UserId.of("u" + u))).memories();
                assertEquals(1, left.size());
                assertEquals("Lasting note number " + u, left.getFirst().content());
            }
        }
    }

    @Test
    void archiveMovesOnlyUnusedUnimportantOldNonProceduralMemoriesAndNeverDeletes() {
        try (Engram e = builder().open()) {
            Memory stale = e.add(ALICE, NewMemory.of("Mentioned liking the colour teal once").importance(0.1));
            Memory procedural = e.add(ALICE, NewMemory.of("To reset the router hold the button").type(MemoryType.PROCEDURAL).importance(0.1));
            Memory important = e.add(ALICE, NewMemory.of("Is allergic to penicillin").importance(0.3)); // not below 0.3
            Memory used = e.add(ALICE, NewMemory.of("Owns a vintage Vespa scooter").importance(0.1));
            Memory otherUsers = e.add(BOB, NewMemory.of("Mentioned liking the colour teal once").importance(0.1));
            assertEquals(List.of(used.id()), ids(e.retrieve(RetrieveRequest.of(ALICE, "vintage Vespa scooter").limit(1))));
            clock.advance(Duration.ofDays(100));
            Memory young = e.add(ALICE, NewMemory.of("Tried a pottery class").importance(0.1));
            clock.advance(Duration.ofDays(80)); // stale & co: 180 days old; young: 80

            SweepReport r = e.archive();
            assertEquals(2, r.archived(), "alice's stale memory and bob's");
            assertEquals(0, r.expiredDeleted());
            Memory archived = e.get(ALICE, stale.id());
            assertEquals(MemoryStatus.ARCHIVED, archived.status());
            assertEquals(2, archived.version());
            assertEquals(stale.content(), archived.content());
            assertEquals(2, e.history(ALICE, stale.id()).size(), "a new version, nothing deleted");
            for (Memory m : List.of(procedural, important, used, young)) {
                assertEquals(MemoryStatus.ACTIVE, e.get(ALICE, m.id()).status(), m.content());
                assertEquals(1, e.get(ALICE, m.id()).version(), m.content());
            }
            assertEquals(MemoryStatus.ARCHIVED, e.get(BOB, otherUsers.id()).status());

            assertFalse(ids(e.retrieve(RetrieveRequest.of(ALICE, "colour teal").limit(10))).contains(stale.id()));
            assertTrue(ids(e.retrieve(RetrieveRequest.of(ALICE, "colour teal").limit(10).includeArchived(true))).contains(stale.id()));
            assertFalse(listed(e, ALICE, MemoryStatus.ACTIVE).contains(stale.id()));
            assertEquals(List.of(stale.id()), listed(e, ALICE, MemoryStatus.ARCHIVED));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertEquals(5, e.export(ALICE, false, out));
            assertTrue(out.toString().contains("\"status\":\"ARCHIVED\""));

            assertEquals(0, e.archive().archived(), "already archived");
            assertTrue(e.audit(ALICE, 100).stream().anyMatch(a -> a.actor().equals(Engram.SWEEPER_ACTOR) && a.action().equals("ARCHIVE")));
        }
    }

    @Test
    void archiveOptionsChangeTheRuleOrTurnItOff() {
        try (Engram e = builder().archive(false, 0.3, Duration.ofDays(180)).open()) {
            e.add(ALICE, NewMemory.of("Mentioned liking the colour teal once").importance(0.1));
            clock.advance(Duration.ofDays(200));
            assertEquals(0, e.sweep().archived(), "archiving off: the sweep only expires");
        }
        try (Engram e = builder(dir.resolve("second")).archive(true, 0.5, Duration.ofDays(30)).open()) {
            Memory m = e.add(ALICE, NewMemory.of("Has a preference for window seats").importance(0.4));
            Memory kept = e.add(ALICE, NewMemory.of("Speaks fluent Portuguese").importance(0.5));
            clock.advance(Duration.ofDays(29));
            assertEquals(0, e.sweep().archived(), "29 days < 30");
            clock.advance(Duration.ofDays(1));
            assertEquals(1, e.sweep().archived(), "importance 0.4 < 0.5, 30 days old");
            assertEquals(MemoryStatus.ACTIVE, e.get(ALICE, kept.id()).status(), "importance 0.5 is not below 0.5");
            assertEquals(MemoryStatus.ARCHIVED, e.get(ALICE, m.id()).status());
        }
    }

    @Test
    void theBackgroundSweeperRunsAndStopsCleanlyWhenTheEngineCloses() throws Exception {
        Engram e = builder().sweepPeriod(Duration.ofMillis(20)).open();
        Memory m = e.add(ALICE, NewMemory.of("Temporary note").expiresAt(T0.plus(Duration.ofMinutes(5))));
        for (int u = 0; u < 20; u++) {
            e.add(UserId.of("user-" + u), NewMemory.of("Temporary note " + u).expiresAt(T0.plus(Duration.ofMinutes(5))));
        }
        clock.advance(Duration.ofMinutes(5));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (e.audit(ALICE, 100).stream().noneMatch(a -> a.actor().equals(Engram.SWEEPER_ACTOR)) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThrows(NotFoundException.class, () -> e.history(ALICE, m.id()), "the sweeper thread deleted it");
        for (int u = 20; u < 60; u++) {
            e.add(UserId.of("user-" + u), NewMemory.of("Temporary note " + u).expiresAt(T0.plus(Duration.ofMinutes(6))));
        }
        clock.advance(Duration.ofMinutes(1));
        Thread.sleep(30); // let a sweep be running while closing
        e.close();
        e.close();
        assertThrows(EngramClosedException.class, e::sweep);
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals("engram-sweeper") && t.isAlive()),
                "no sweeper thread left");
        try (Engram again = builder().open()) { // the store closed cleanly; a sweep finishes what the closed one left
            again.sweepExpired();
            for (int u = 0; u < 60; u++) assertEquals(List.of(), listed(again, UserId.of("user-" + u), MemoryStatus.ACTIVE));
            assertNotNull(again.verifyAudit() == null ? "ok" : null, again.verifyAudit());
        }
    }

    @Test
    void aPurgeDuringBackgroundSweepsLeavesNoDirectoryOfThePurgedUser() throws Exception {
        try (Engram e = builder().sweepPeriod(Duration.ofMillis(1)).open()) {
            for (int u = 0; u < 20; u++) {
                e.add(UserId.of("p" + u), NewMemory.of("Expiring note " + u).expiresAt(T0.plus(Duration.ofMinutes(1))));
            }
            e.add(ALICE, NewMemory.of("Expiring note of alice").expiresAt(T0.plus(Duration.ofMinutes(1))));
            e.add(ALICE, NewMemory.of("Lasting note of alice"));
            clock.advance(Duration.ofMinutes(1)); // sweeps now delete and compact, every millisecond
            e.purge(ALICE);
            Thread.sleep(200); // many more sweeps
            assertFalse(java.nio.file.Files.exists(dev.engram.internal.store.UserDirectoryLayout.resolve(dir, ALICE)),
                    "no sweep wrote to the purged user");
            assertEquals(List.of(), listed(e, ALICE, MemoryStatus.ACTIVE));
        }
        assertFalse(java.nio.file.Files.exists(dev.engram.internal.store.UserDirectoryLayout.resolve(dir, ALICE)));
    }
}
