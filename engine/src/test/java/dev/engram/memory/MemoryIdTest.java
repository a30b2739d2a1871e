package dev.engram.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.testkit.Seeded;
import dev.engram.testkit.TestRandom;
import java.util.UUID;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Seeded
class MemoryIdTest {
    @RepeatedTest(5)
    void generatedIdsAreStrictlyIncreasingEvenWhenTheClockStallsOrStepsBack(TestRandom random) {
        MemoryId.Generator gen = new MemoryId.Generator(random.fork());
        long now = 1_700_000_000_000L;
        MemoryId previous = null;
        for (int i = 0; i < 20_000; i++) {
            int step = random.nextInt(10);
            if (step < 6) now += 0; // same millisecond
            else if (step < 9) now += random.nextInt(5);
            else now -= random.nextInt(50); // clock steps back
            MemoryId id = gen.next(now);
            assertEquals(7, id.toUuid().version());
            assertEquals(2, id.toUuid().variant());
            if (previous != null) assertTrue(previous.compareTo(id) < 0, previous + " !< " + id);
            previous = id;
        }
    }

    @RepeatedTest(5)
    void textFormRoundTripsAndSortsLikeTheBits(TestRandom random) {
        MemoryId.Generator gen = new MemoryId.Generator(random.fork());
        for (int i = 0; i < 1000; i++) {
            MemoryId id = gen.next(random.nextLong(0, 1L << 48));
            String text = id.toString();
            assertEquals(id, MemoryId.parse(text));
            assertEquals(id, MemoryId.parse(text.toUpperCase()));
            assertEquals(UUID.fromString(text), id.toUuid());
        }
    }

    @Test
    void timestampIsTheMillisecondItWasMadeFor() {
        MemoryId id = new MemoryId.Generator(new java.util.Random(1)).next(1_234_567_890_123L);
        assertEquals(1_234_567_890_123L, id.timestamp().toEpochMilli());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not-a-uuid", "0190a1b2-c3d4-4e5f-8a6b-7c8d9e0f1a2b", // version 4
        "0190a1b2-c3d4-7e5f-ca6b-7c8d9e0f1a2b", // variant 110
        "0190a1b2c3d47e5f8a6b7c8d9e0f1a2b", "0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2", "0190a1b2-c3d4-7e5f-8a6b_7c8d9e0f1a2b",
        "0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2g", "\u0661190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b", // Arabic-Indic digit one
        "\uFF10190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b"})
    void rejectsAnythingButACanonicalVersion7Uuid(String text) {
        assertThrows(ValidationException.class, () -> MemoryId.parse(text));
    }

    @Test
    void acceptsACanonicalVersion7Uuid() {
        assertEquals("0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b", MemoryId.parse("0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b").toString());
        assertThrows(ValidationException.class, () -> MemoryId.parse(null));
    }
}
