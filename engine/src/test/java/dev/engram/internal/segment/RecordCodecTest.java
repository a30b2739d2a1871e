package dev.engram.internal.segment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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

    private static float[] vector(TestRandom random, int dim) {
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) v[i] = (float) random.nextGaussian();
        return v;
    }

    @RepeatedTest(5)
    void embeddingsRoundTripBitExactAndOldVersionsKeepTheirBytes(TestRandom random) throws Exception {
        RandomMemories gen = new RandomMemories(random);
        for (int i = 0; i < 100; i++) {
            Memory m = gen.memory(gen.user());
            float[] e = vector(random, random.between(1, 400));
            if (i == 0) e[0] = -0.0f; // sign of zero must survive
            ByteWriter plain = new ByteWriter();
            RecordCodec.encode(new SegmentRecord.Version(m), plain);
            ByteWriter embedded = new ByteWriter();
            RecordCodec.encode(new SegmentRecord.Version(m, e), embedded);
            byte[] p = plain.toByteArray();
            byte[] q = embedded.toByteArray();
            // A version without embedding is still kind 1, so files written before kind 3 read back
            // unchanged; kind 3 is exactly kind 1's fields plus the vector.
            assertEquals(RecordCodec.KIND_VERSION, p[0]);
            assertEquals(RecordCodec.KIND_EMBEDDED_VERSION, q[0]);
            assertArrayEquals(java.util.Arrays.copyOfRange(p, 1, p.length), java.util.Arrays.copyOfRange(q, 1, p.length));
            SegmentRecord.Version back = (SegmentRecord.Version) RecordCodec.decode(new ByteReader(q, "test"));
            assertEquals(m, back.memory());
            assertEquals(e.length, back.embedding().length);
            for (int d = 0; d < e.length; d++) assertEquals(Float.floatToRawIntBits(e[d]), Float.floatToRawIntBits(back.embedding()[d]));
            assertNull(((SegmentRecord.Version) RecordCodec.decode(new ByteReader(p, "test"))).embedding());
        }
    }

    @Test
    void nonFiniteOrEmptyEmbeddingIsCorrupt() {
        RandomMemories gen = new RandomMemories(new TestRandom(7));
        Memory m = gen.memory(gen.user());
        ByteWriter w = new ByteWriter();
        RecordCodec.encode(new SegmentRecord.Version(m, new float[] {0.5f, 0.5f}), w);
        byte[] good = w.toByteArray();
        byte[] nan = good.clone();
        int nanBits = Float.floatToRawIntBits(Float.NaN);
        for (int b = 0; b < 4; b++) nan[nan.length - 4 + b] = (byte) (nanBits >>> (24 - 8 * b));
        assertThrows(CorruptFileException.class, () -> RecordCodec.decode(new ByteReader(nan, "test")));
        byte[] empty = java.util.Arrays.copyOf(good, good.length - 8);
        empty[empty.length - 1] = 0; // dimension 0
        assertThrows(CorruptFileException.class, () -> RecordCodec.decode(new ByteReader(empty, "test")));
    }
}
