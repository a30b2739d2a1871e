package dev.engram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.extraction.embed.Embedder;
import dev.engram.extraction.extract.Candidate;
import dev.engram.extraction.extract.ExtractionRequest;
import dev.engram.extraction.extract.Extractor;
import dev.engram.extraction.extract.MemoryKind;
import dev.engram.extraction.extract.Turn;
import dev.engram.internal.store.UserDirectoryLayout;
import dev.engram.memory.Memory;
import dev.engram.memory.UserId;
import dev.engram.wal.Durability;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The purge canary proof: unique random canary strings and vectors written for a user through
 * every path (an ingestion applied, one running, one still queued, add, update with the old
 * version in history, delete, all in a WAL not yet checkpointed, the user open in the cache) and
 * a second user's canaries, one of whose ingestions is pending in the extractor during the purge
 * (its accepted event pins the WAL, so the purge must relocate it). After the purge no byte of
 * the data directory (raw, and every block file's blocks decompressed) holds any of the purged
 * user's canaries or vectors, and every canary of the other user is still found; the same after
 * the other user's ingestion finishes, after close and after reopen.
 */
class EngramPurgeTest {
    static final UserId ALICE = UserId.of("alice-purged");
    static final UserId BOB = UserId.of("bob-kept");

    @TempDir
    Path dir;

    /** A deterministic embedder: a pseudo-random unit vector seeded by the text. */
    static final class HashEmbedder implements Embedder {
        public int dimension() { return 384; }
        public String modelId() { return "hash-384"; }
        public float[] embed(String text) {
            Random r = new Random(text.hashCode() * 31L + text.length());
            float[] v = new float[384];
            double n = 0;
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) r.nextGaussian();
                n += v[i] * v[i];
            }
            float s = (float) (1 / Math.sqrt(n));
            for (int i = 0; i < v.length; i++) v[i] *= s;
            return v;
        }
        public float[] embedQuery(String text) { return embed(text); }
        public List<float[]> embedBatch(List<String> texts) { return texts.stream().map(this::embed).toList(); }
        public void close() {}
    }

    /** One FACT per turn, with the turn's text; waits on a latch for turns that contain "HOLD". */
    static final class GatedExtractor implements Extractor {
        final CountDownLatch aliceGate = new CountDownLatch(1);
        final CountDownLatch bobGate = new CountDownLatch(1);

        public String id() { return "gated"; }

        public List<Candidate> extract(ExtractionRequest r) {
            List<Candidate> out = new ArrayList<>();
            for (Turn t : r.newTurns()) {
                try {
                    if (t.content().contains("HOLDALICE")) aliceGate.await(60, TimeUnit.SECONDS);
                    if (t.content().contains("HOLDBOB")) bobGate.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                out.add(new Candidate("The user said " + t.content(), MemoryKind.FACT, 0.5, null, null, List.of(t.id()), false));
            }
            return out;
        }
    }

    static String canary(Random r) {
        StringBuilder b = new StringBuilder("cnry");
        for (int i = 0; i < 36; i++) b.append((char) ('a' + r.nextInt(26)));
        return b.toString();
    }

    /** The part a scan looks for: a prefix (the lexical index may stem the word's end). */
    static String needle(String canary) {
        return canary.substring(0, 28);
    }

    private long cacheBytes;

    private Engram open(Extractor extractor, Embedder embedder) {
        return Engram.builder(dir).embedder(embedder).extractor(extractor).durability(Durability.SYNC).workers(2)
                .cacheBytes(cacheBytes).consistencyTimeout(Duration.ofSeconds(60)).open();
    }

    /** The user open in the cache, everything in the WAL only (nothing flushed to its directory yet). */
    @Test
    void purgeOfAUserOpenInTheCacheWithEverythingInTheWal() throws Exception {
        cacheBytes = 256L << 20;
        purgeLeavesNoByteOfTheUserAndKeepsTheOther(false);
    }

    /** A cache of one byte: every user is evicted (flushed to segments, indexes, bitmaps) after each call. */
    @Test
    void purgeOfAUserFlushedToItsDirectory() throws Exception {
        cacheBytes = 1;
        purgeLeavesNoByteOfTheUserAndKeepsTheOther(true);
    }

    private void purgeLeavesNoByteOfTheUserAndKeepsTheOther(boolean flushed) throws Exception {
        Random random = new Random(0xC0FFEE);
        HashEmbedder embedder = new HashEmbedder();
        GatedExtractor extractor = new GatedExtractor();
        List<String> aliceCanaries = new ArrayList<>();
        List<float[]> aliceVectors = new ArrayList<>();
        List<String> bobCanaries = new ArrayList<>();
        List<float[]> bobVectors = new ArrayList<>();
        Engram e = open(extractor, embedder);
        try {
            // Alice: an applied ingestion.
            String c1 = canary(random);
            aliceCanaries.add(c1);
            IngestReceipt applied = e.ingest(IngestRequest.of(ALICE, "s1", List.of(Message.user("my code is " + c1))).waitingForApply());
            assertEquals(IngestionStatus.State.APPLIED, applied.status().state());
            aliceVectors.add(embedder.embed("The user said my code is " + c1));
            // add, update (the old version stays in history), delete.
            String c2 = canary(random);
            String c3 = canary(random);
            String c4 = canary(random);
            aliceCanaries.addAll(List.of(c2, c3, c4));
            Memory m = e.add(ALICE, NewMemory.of("note " + c2));
            aliceVectors.add(embedder.embed("note " + c2));
            e.update(ALICE, m.id(), MemoryUpdate.content("note " + c3));
            aliceVectors.add(embedder.embed("note " + c3));
            assertEquals(2, e.history(ALICE, m.id()).size());
            Memory gone = e.add(ALICE, NewMemory.of("to delete " + c4));
            aliceVectors.add(embedder.embed("to delete " + c4));
            assertTrue(e.delete(ALICE, gone.id()));
            // Bob: an add, an applied ingestion, and one held in the extractor through the purge.
            String b1 = canary(random);
            String b2 = canary(random);
            String b3 = canary(random);
            bobCanaries.addAll(List.of(b1, b2, b3));
            e.add(BOB, NewMemory.of("bob note " + b1));
            bobVectors.add(embedder.embed("bob note " + b1));
            e.ingest(IngestRequest.of(BOB, "s", List.of(Message.user("bob code " + b2))).waitingForApply());
            bobVectors.add(embedder.embed("The user said bob code " + b2));
            e.ingest(IngestRequest.of(BOB, "s", List.of(Message.user("HOLDBOB " + b3))));
            // Alice: one ingestion running (held in the extractor), one queued behind it.
            String c5 = canary(random);
            String c6 = canary(random);
            aliceCanaries.addAll(List.of(c5, c6));
            aliceVectors.add(embedder.embed("The user said HOLDALICE " + c5));
            aliceVectors.add(embedder.embed("The user said queued " + c6));
            e.ingest(IngestRequest.of(ALICE, "s2", List.of(Message.user("HOLDALICE " + c5))));
            e.ingest(IngestRequest.of(ALICE, "s2", List.of(Message.user("queued " + c6))));
            assertTrue(e.pendingIngestions() >= 3);

            DataDirScanner before = new DataDirScanner(dir);
            for (String c : List.of(c1, c2, c3, c4, c5, c6)) assertFalse(before.find(needle(c)).isEmpty(), "the scanner sees " + c);

            // Purge in the background: it waits for Alice's running ingestion; meanwhile her calls are refused.
            AtomicReference<PurgeReceipt> receipt = new AtomicReference<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread purger = Thread.ofPlatform().start(() -> {
                try {
                    receipt.set(e.purge(ALICE));
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            boolean refused = false;
            while (!refused && System.nanoTime() < deadline) {
                String late = canary(random);
                try {
                    e.ingest(IngestRequest.of(ALICE, "s3", List.of(Message.user("late " + late))));
                    aliceCanaries.add(late); // landed before the purge started: purged with the rest
                    Thread.sleep(5);
                } catch (PurgeInProgressException expected) {
                    refused = true;
                }
                // A direct write meanwhile either lands before the purge (and is purged) or is refused.
                String direct = canary(random);
                aliceCanaries.add(direct);
                try {
                    e.add(ALICE, NewMemory.of("direct " + direct));
                    aliceVectors.add(embedder.embed("direct " + direct));
                } catch (PurgeInProgressException expected) {
                    // refused: nothing written
                }
            }
            assertTrue(refused, "ingestions during a purge are refused");
            extractor.aliceGate.countDown();
            purger.join(60_000);
            if (failure.get() != null) throw new AssertionError("purge failed", failure.get());
            PurgeReceipt r = receipt.get();
            assertNotNull(r);
            assertEquals(e.auditPseudonym(ALICE), r.userPseudonym());
            assertTrue(r.pendingIngestionsDropped() >= 1, r.toString());
            assertTrue(r.memories() >= 2 && r.versions() >= 3, r.toString());
            if (flushed) assertTrue(r.files() > 0 && r.bytes() > 0, r.toString());
            assertTrue(r.walSegmentsRetired() >= 1, r.toString());
            assertFalse(Files.exists(UserDirectoryLayout.resolve(dir, ALICE)));

            assertNoTrace(dir, aliceCanaries, aliceVectors, bobCanaries, bobVectors, "after the purge");
            assertTrue(e.list(ListRequest.of(ALICE)).memories().isEmpty());
            assertTrue(e.retrieve(RetrieveRequest.of(ALICE, needle(c1))).memories().isEmpty());
            // The audit log keeps the PURGE entry under the pseudonym; every other entry of Alice is redacted.
            List<AuditRecord> audit = e.audit(ALICE, 1000);
            assertTrue(audit.stream().anyMatch(a -> a.action().equals("PURGE")), audit.toString());
            assertTrue(audit.stream().allMatch(a -> a.action().equals("PURGE") || a.action().equals("REDACTED")), audit.toString());
            assertEquals(null, e.verifyAudit());

            // Bob's held ingestion (its event relocated by the purge) is applied afterwards.
            extractor.bobGate.countDown();
            e.retrieve(RetrieveRequest.of(BOB, "anything").sessionConsistent());
            assertEquals(3, e.list(ListRequest.of(BOB)).memories().size());
            assertNoTrace(dir, aliceCanaries, aliceVectors, bobCanaries, bobVectors, "after the other user's ingestion");
        } finally {
            extractor.aliceGate.countDown();
            extractor.bobGate.countDown();
            e.close();
        }
        assertNoTrace(dir, aliceCanaries, aliceVectors, bobCanaries, bobVectors, "after close");
        try (Engram again = open(new GatedExtractor(), embedder)) {
            again.retrieve(RetrieveRequest.of(ALICE, "anything").sessionConsistent());
            assertTrue(again.list(ListRequest.of(ALICE)).memories().isEmpty(), "nothing of Alice comes back on reopen");
            assertEquals(3, again.list(ListRequest.of(BOB)).memories().size());
            // The user id may be used again, and starts empty.
            again.add(ALICE, NewMemory.of("a fresh start"));
            assertEquals(1, again.list(ListRequest.of(ALICE)).memories().size());
        }
        assertNoTrace(dir, aliceCanaries, aliceVectors, bobCanaries, bobVectors, "after reopen");
    }

    private static void assertNoTrace(Path dir, List<String> gone, List<float[]> goneVectors, List<String> kept,
            List<float[]> keptVectors, String when) throws Exception {
        DataDirScanner scan = new DataDirScanner(dir);
        for (String c : gone) {
            List<String> where = scan.find(needle(c));
            assertTrue(where.isEmpty(), when + ": purged canary " + c + " found in " + where);
        }
        for (float[] v : goneVectors) {
            List<String> where = scan.findVector(v);
            assertTrue(where.isEmpty(), when + ": purged canary vector found in " + where);
        }
        for (String c : kept) assertFalse(scan.find(needle(c)).isEmpty(), when + ": the other user's canary " + c + " is missing");
        for (float[] v : keptVectors) assertFalse(scan.findVector(v).isEmpty(), when + ": the other user's vector is missing");
    }
}
