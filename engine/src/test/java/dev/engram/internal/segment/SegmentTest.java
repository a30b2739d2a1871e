package dev.engram.internal.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.internal.format.BlockFileReader.Mode;
import dev.engram.io.CorruptFileException;
import dev.engram.memory.RandomMemories;
import dev.engram.memory.UserId;
import dev.engram.testkit.Seeded;
import dev.engram.testkit.TestRandom;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

@Seeded
class SegmentTest {
    private record Built(byte[] bytes, List<SegmentRecord> records, List<Long> boundaries) {}

    /** A segment of {@code n} random records in blocks of about {@code blockBytes}; boundaries are block ends. */
    private static Built build(RandomMemories gen, UserId user, int n, int blockBytes, int flushEvery, boolean seal) {
        SegmentWriter w = SegmentWriter.create(user, blockBytes);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(w.header());
        List<SegmentRecord> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            SegmentRecord r = i % 7 == 3 ? new SegmentRecord.Tombstone(user, gen.id(), gen.instant())
                    : new SegmentRecord.Version(gen.memory(user));
            w.add(r);
            records.add(r);
            if ((i + 1) % flushEvery == 0) out.writeBytes(w.flush());
        }
        out.writeBytes(seal ? w.seal() : w.flush());
        assertEquals(out.size(), w.position());
        List<Long> ends = new ArrayList<>();
        try {
            SegmentReader.Contents c = SegmentReader.read(out.toByteArray(), out.size(), "t", user, Mode.STRICT);
            c.blocks().forEach(b -> ends.add(b.end()));
        } catch (CorruptFileException e) {
            throw new AssertionError(e);
        }
        return new Built(out.toByteArray(), records, ends);
    }

    @RepeatedTest(5)
    void randomSegmentsRoundTrip(TestRandom random) throws Exception {
        RandomMemories gen = new RandomMemories(random);
        UserId user = gen.user();
        for (boolean seal : new boolean[] {false, true}) {
            int n = random.between(0, 400);
            Built b = build(gen, user, n, random.between(200, 70_000), random.between(1, 50), seal);
            SegmentReader.Contents c = SegmentReader.read(b.bytes, b.bytes.length, "seg", user, Mode.STRICT);
            assertEquals(b.records, c.records());
            assertEquals(seal, c.sealed());
            assertFalse(c.torn());
            assertEquals(b.bytes.length, c.validLength());
        }
    }

    @RepeatedTest(3)
    void resumedWriterAppendsToAnUnsealedSegment(TestRandom random) throws Exception {
        RandomMemories gen = new RandomMemories(random);
        UserId user = gen.user();
        Built first = build(gen, user, 30, 500, 4, false);
        SegmentReader.Contents c = SegmentReader.read(first.bytes, first.bytes.length, "seg", user, Mode.RECOVER);
        SegmentWriter w = SegmentWriter.resume(user, c, 500);
        // A resumed writer of a user opened only to be read holds no block-sized buffer.
        assertTrue(w.bufferCapacity() <= 256, "buffer " + w.bufferCapacity());
        List<SegmentRecord> all = new ArrayList<>(first.records);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(first.bytes);
        for (int i = 0; i < 25; i++) {
            SegmentRecord r = new SegmentRecord.Version(gen.memory(user));
            w.add(r);
            all.add(r);
        }
        out.writeBytes(w.seal());
        SegmentReader.Contents again = SegmentReader.read(out.toByteArray(), out.size(), "seg", user, Mode.STRICT);
        assertEquals(all, again.records());
        assertTrue(again.sealed());
    }

    @Test
    void truncationAtEveryOffsetKeepsCompleteBlocksAndDetectsTheTornTail() throws Exception {
        RandomMemories gen = new RandomMemories(new TestRandom(0x5EED));
        UserId user = UserId.of("truncated");
        for (boolean seal : new boolean[] {false, true}) {
            Built b = build(gen, user, 24, 300, 3, seal);
            int header = (int) (long) SegmentReader.read(b.bytes, b.bytes.length, "t", user, Mode.STRICT).blocks().getFirst().offset();
            for (int len = 0; len <= b.bytes.length; len++) {
                if (len < header) {
                    int l = len;
                    assertThrows(CorruptFileException.class, () -> SegmentReader.read(b.bytes, l, "t", user, Mode.RECOVER));
                    continue;
                }
                SegmentReader.Contents c = SegmentReader.read(b.bytes, len, "t", user, Mode.RECOVER);
                // Exactly the blocks that end at or before len survive, so the records are a prefix.
                int blocks = 0;
                long lastEnd = header;
                for (long end : b.boundaries) {
                    if (end <= len) {
                        blocks++;
                        lastEnd = end;
                    }
                }
                assertEquals(blocks, c.blocks().size(), "len " + len);
                int expectRecords = c.blocks().stream().mapToInt(x -> x.count()).sum();
                assertEquals(b.records.subList(0, expectRecords), c.records(), "len " + len);
                boolean complete = len == b.bytes.length;
                if (complete) {
                    assertFalse(c.torn());
                    assertEquals(seal, c.sealed());
                } else if (len == lastEnd) {
                    assertFalse(c.torn(), "a cut at a block boundary is a clean unsealed file, len " + len);
                    assertEquals(len, c.validLength());
                } else {
                    assertTrue(c.torn(), "len " + len);
                    assertEquals(lastEnd, c.tornAt(), "len " + len);
                    assertEquals(lastEnd, c.validLength());
                    int l = len;
                    // A manifest-vouched file must not be torn at all.
                    assertThrows(CorruptFileException.class, () -> SegmentReader.read(b.bytes, l, "t", user, Mode.STRICT));
                }
            }
        }
    }

    @Test
    void everySingleBitFlipInASealedSegmentIsDetected() throws Exception {
        RandomMemories gen = new RandomMemories(new TestRandom(0xF11EL));
        UserId user = UserId.of("flipped");
        Built b = build(gen, user, 12, 400, 4, true);
        assertTrue(b.bytes.length > 1000, "segment too small to be a meaningful test: " + b.bytes.length);
        for (int bit = 0; bit < b.bytes.length * 8; bit++) {
            byte[] bad = b.bytes.clone();
            bad[bit >>> 3] ^= (byte) (1 << (bit & 7));
            for (Mode mode : new Mode[] {Mode.STRICT, Mode.RECOVER}) { // SALVAGE reports instead: tested below
                int at = bit;
                CorruptFileException e = assertThrows(CorruptFileException.class,
                        () -> SegmentReader.read(bad, bad.length, "s.seg", user, mode), "bit " + at + " " + mode);
                assertEquals("s.seg", e.file());
                assertTrue(e.offset() >= 0 && e.offset() <= bad.length, e.getMessage());
            }
        }
    }

    @Test
    void everySingleBitFlipInAnUnsealedSegmentIsDetectedAndNeverYieldsAWrongRecord() throws Exception {
        RandomMemories gen = new RandomMemories(new TestRandom(0xF12EL));
        UserId user = UserId.of("flipped");
        Built b = build(gen, user, 12, 400, 4, false);
        int tornCount = 0;
        for (int bit = 0; bit < b.bytes.length * 8; bit++) {
            byte[] bad = b.bytes.clone();
            bad[bit >>> 3] ^= (byte) (1 << (bit & 7));
            int at = bit;
            assertThrows(CorruptFileException.class, () -> SegmentReader.read(bad, bad.length, "s.seg", user, Mode.STRICT),
                    "bit " + at);
            try {
                SegmentReader.Contents c = SegmentReader.read(bad, bad.length, "s.seg", user, Mode.RECOVER);
                // Only a flip in the last block can pass for a torn tail; what survives is an exact prefix.
                assertTrue(c.torn(), "bit " + bit + " went unnoticed");
                assertTrue(bit / 8 >= b.boundaries.get(b.boundaries.size() - 2), "bit " + bit + " is not in the last block");
                assertEquals(b.records.subList(0, c.records().size()), c.records());
                tornCount++;
            } catch (CorruptFileException expected) {
                // detected as corruption
            }
        }
        assertTrue(tornCount > 0);
    }

    @Test
    void aRecordOfAnotherUserIsRefused() throws Exception {
        RandomMemories gen = new RandomMemories(new TestRandom(9));
        UserId alice = UserId.of("alice");
        Built b = build(gen, alice, 5, 1000, 5, true);
        CorruptFileException e = assertThrows(CorruptFileException.class,
                () -> SegmentReader.read(b.bytes, b.bytes.length, "s", UserId.of("bob"), Mode.STRICT));
        assertTrue(e.getMessage().contains("user"), e.getMessage());
        SegmentWriter w = SegmentWriter.create(alice, 100);
        w.header();
        assertThrows(IllegalArgumentException.class, () -> w.add(new SegmentRecord.Version(gen.memory(UserId.of("bob")))));
    }

    @Test
    void aDamagedHeaderSaysSo() {
        RandomMemories gen = new RandomMemories(new TestRandom(11));
        UserId u = UserId.of("u");
        Built b = build(gen, u, 3, 1000, 3, true);
        byte[] bad = b.bytes.clone();
        bad[0] = 'X';
        CorruptFileException e = assertThrows(CorruptFileException.class, () -> SegmentReader.read(bad, bad.length, "x.seg", u, Mode.RECOVER));
        assertTrue(e.getMessage().startsWith("bad magic number in x.seg at offset 0"), e.getMessage());
    }

    @Test
    void salvageSkipsADamagedMiddleBlockAndKeepsEverythingElse() throws Exception {
        RandomMemories gen = new RandomMemories(new TestRandom(0x5A1L));
        UserId user = UserId.of("salvaged");
        Built b = build(gen, user, 16, 300, 4, true);
        SegmentReader.Contents good = SegmentReader.read(b.bytes, b.bytes.length, "s", user, Mode.STRICT);
        assertTrue(good.blocks().size() >= 3);
        var victim = good.blocks().get(1);
        byte[] bad = b.bytes.clone();
        bad[(int) victim.offset() + 40] ^= 0x01;
        assertThrows(CorruptFileException.class, () -> SegmentReader.read(bad, bad.length, "s", user, Mode.STRICT));
        assertThrows(CorruptFileException.class, () -> SegmentReader.read(bad, bad.length, "s", user, Mode.RECOVER));
        SegmentReader.Contents salvaged = SegmentReader.read(bad, bad.length, "s", user, Mode.SALVAGE);
        List<SegmentRecord> expected = new ArrayList<>(b.records);
        int first = good.blocks().get(0).count();
        expected.subList(first, first + victim.count()).clear();
        assertEquals(expected, salvaged.records());
        assertEquals(1, salvaged.damaged().size());
        assertEquals(victim.offset(), salvaged.damaged().getFirst().start());
        assertEquals(victim.end(), salvaged.damaged().getFirst().end());
    }

    @Test
    void salvageUnderEveryBitFlipReturnsOnlyOriginalRecordsInOrder() throws Exception {
        RandomMemories gen = new RandomMemories(new TestRandom(0x5A2L));
        UserId user = UserId.of("salvaged");
        Built b = build(gen, user, 12, 400, 4, true);
        for (int bit = 0; bit < b.bytes.length * 8; bit++) {
            byte[] bad = b.bytes.clone();
            bad[bit >>> 3] ^= (byte) (1 << (bit & 7));
            SegmentReader.Contents c;
            try {
                c = SegmentReader.read(bad, bad.length, "s", user, Mode.SALVAGE);
            } catch (CorruptFileException headerDamage) {
                continue; // a damaged file header leaves nothing to trust
            }
            int i = 0;
            for (SegmentRecord r : c.records()) {
                while (i < b.records.size() && !b.records.get(i).equals(r)) i++;
                assertTrue(i < b.records.size(), "bit " + bit + ": salvage produced a record that was never written");
                i++;
            }
            if (c.damaged().isEmpty() && !c.torn()) assertEquals(b.records, c.records(), "bit " + bit);
        }
    }
}
