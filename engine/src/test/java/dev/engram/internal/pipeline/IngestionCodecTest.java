package dev.engram.internal.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.engram.extraction.extract.Role;
import dev.engram.extraction.extract.Turn;
import dev.engram.memory.MemoryId;
import dev.engram.memory.UserId;
import dev.engram.testkit.Seeded;
import dev.engram.testkit.TestRandom;
import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

@Seeded
class IngestionCodecTest {
    static final MemoryId.Generator ID = new MemoryId.Generator(new java.util.Random(1));
    static final Instant T = Instant.parse("2026-05-01T10:15:30.123456789Z");

    static Ingestion sample() {
        return new Ingestion("ing-1", UserId.of("alice"), "s-1",
                List.of(new Turn("t1", Role.USER, "Alice", "I live in Lisbon. 🌊 Ünïcode", T),
                        new Turn("t2", Role.ASSISTANT, null, "", T.plusSeconds(1))), "key-1", T, 42);
    }

    @Test
    void acceptedRoundTrips() throws IOException {
        Ingestion in = sample();
        assertEquals(in, IngestionCodec.readAccepted(IngestionCodec.accepted(in), 42));
        Ingestion bare = new Ingestion("x", UserId.of("b"), null, List.of(Turn.user("a", "hi", T)), null, T, 7);
        assertEquals(bare, IngestionCodec.readAccepted(IngestionCodec.accepted(bare), 7));
    }

    @Test
    void notesRoundTrip() throws IOException {
        var applied = new IngestionCodec.Note(IngestionCodec.APPLIED, "ing-1", "k", T, T.plusSeconds(2), 2, 1,
                List.of(ID.next(1), ID.next(2)), new long[] {5, 6}, new long[] {7, 8}, null);
        var back = IngestionCodec.readNote(IngestionCodec.note(applied));
        assertEquals(applied.id(), back.id());
        assertEquals(applied.memories(), back.memories());
        assertArrayEquals(applied.turnHashes(), back.turnHashes());
        assertArrayEquals(applied.turnTimes(), back.turnTimes());
        assertEquals(1, back.duplicates());
        var failed = new IngestionCodec.Note(IngestionCodec.FAILED, "ing-2", null, T, T, 5, 0, List.of(), new long[0],
                new long[0], "TIMEOUT: slow");
        assertEquals("TIMEOUT: slow", IngestionCodec.readNote(IngestionCodec.note(failed)).error());
        assertNull(IngestionCodec.readNote(new byte[] {'Z', 1}));
    }

    /** Every truncation and many random corruptions decode to an IOException or a valid value, never anything else. */
    @Test
    void damagedBytesNeverEscapeAsUncheckedExceptions(TestRandom random) {
        byte[] good = IngestionCodec.accepted(sample());
        for (int cut = 0; cut < good.length; cut++) {
            byte[] b = Arrays.copyOf(good, cut);
            assertThrows(IOException.class, () -> IngestionCodec.readAccepted(b, 1), "cut at " + cut);
        }
        for (int i = 0; i < 2000; i++) {
            byte[] b = good.clone();
            int flips = 1 + random.nextInt(4);
            for (int f = 0; f < flips; f++) b[random.nextInt(b.length)] ^= (byte) (1 + random.nextInt(255));
            try {
                IngestionCodec.readAccepted(b, 1);
                IngestionCodec.readNote(b);
            } catch (IOException expected) {
                // fine: damage detected
            }
        }
    }
}
