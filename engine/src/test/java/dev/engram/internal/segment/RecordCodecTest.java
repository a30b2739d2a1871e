package dev.engram.internal.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.engram.internal.format.ByteReader;
import dev.engram.internal.format.ByteWriter;
import dev.engram.io.CorruptFileException;
import dev.engram.memory.Memory;
import dev.engram.memory.RandomMemories;
import dev.engram.memory.UserId;
import dev.engram.testkit.Seeded;
import dev.engram.testkit.TestRandom;
import java.time.Instant;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

@Seeded
class RecordCodecTest {
    private static SegmentRecord roundTrip(SegmentRecord r) throws CorruptFileException {
        ByteWriter w = new ByteWriter();
        RecordCodec.encode(r, w);
        return RecordCodec.decode(new ByteReader(w.toByteArray(), "test"));
    }

    @RepeatedTest(10)
    void everyFieldRoundTripsExactly(TestRandom random) throws Exception {
        RandomMemories gen = new RandomMemories(random);
        for (int i = 0; i < 300; i++) {
            Memory m = gen.memory(gen.user(), gen.id(), random.nextLong(1, Long.MAX_VALUE));
            SegmentRecord back = roundTrip(new SegmentRecord.Version(m));
            Memory n = ((SegmentRecord.Version) back).memory();
            assertEquals(m, n);
            // Field by field for the ones equals() compares bitwise-sensitively.
            assertEquals(Double.doubleToRawLongBits(m.importance()), Double.doubleToRawLongBits(n.importance()));
            assertEquals(m.createdAt().getNano(), n.createdAt().getNano());
            SegmentRecord.Tombstone t = new SegmentRecord.Tombstone(gen.user(), gen.id(), gen.instant());
            assertEquals(t, roundTrip(t));
        }
    }

    @Test
    void extremeInstantsRoundTrip() throws Exception {
        RandomMemories gen = new RandomMemories(new TestRandom(1));
        for (Instant t : new Instant[] {Instant.MIN, Instant.MAX, Instant.EPOCH, Instant.ofEpochSecond(-1, 999_999_999)}) {
            SegmentRecord.Tombstone ts = new SegmentRecord.Tombstone(UserId.of("u"), gen.id(), t);
            assertEquals(ts, roundTrip(ts));
        }
    }

    @RepeatedTest(10)
    void damagedRecordsFailWithCorruptFileExceptionOnly(TestRandom random) {
        RandomMemories gen = new RandomMemories(random);
        ByteWriter w = new ByteWriter();
        RecordCodec.encode(new SegmentRecord.Version(gen.memory(gen.user())), w);
        byte[] good = w.toByteArray();
        for (int i = 0; i < 2000; i++) {
            byte[] bad = good.clone();
            int mode = random.nextInt(3);
            if (mode == 0) bad[random.nextInt(bad.length)] ^= (byte) (1 << random.nextInt(8));
            else if (mode == 1) bad = java.util.Arrays.copyOf(bad, random.nextInt(bad.length));
            else bad = random.bytes(random.nextInt(200));
            try {
                RecordCodec.decode(new ByteReader(bad, "fuzz"));
            } catch (CorruptFileException expected) {
                // fine: the only failure allowed
            }
        }
    }

    @Test
    void truncatedRecordNamesFileAndOffset() {
        RandomMemories gen = new RandomMemories(new TestRandom(3));
        ByteWriter w = new ByteWriter();
        RecordCodec.encode(new SegmentRecord.Version(gen.memory(gen.user())), w);
        byte[] cut = java.util.Arrays.copyOf(w.toByteArray(), 20);
        CorruptFileException e = assertThrows(CorruptFileException.class,
                () -> RecordCodec.decode(new ByteReader(cut, "seg-1.seg")));
        assertEquals("seg-1.seg", e.file());
    }
}
