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
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
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
    void metadataRoundTrips() throws IOException {
        Ingestion in = new Ingestion("ing-m", UserId.of("alice"), "s", List.of(Turn.user("a", "hi", T)), null, T, 3,
                Map.of("channel", "mobile", "tenant", "acme ü"));
        byte[] bytes = IngestionCodec.accepted(in);
        assertEquals(IngestionCodec.ACCEPTED_VERSION, bytes[1]);
        assertEquals(in, IngestionCodec.readAccepted(bytes, 3));
    }

    /**
     * {@link #sample()} as the version-1 codec (commit 8514411, before ingestion metadata) wrote it:
     * produced by running that commit's {@code IngestionCodec.accepted}.
     */
    static final String SAMPLE_V1 = "410100000005696e672d3100000005616c6963650100000003732d3101000000056b65792d310000000069f47d42"
            + "075bcd1500000002000000027431000100000005416c6963650000002049206c69766520696e204c6973626f6e2e20f09f8c8a20c39c6e"
            + "c3af636f64650000000069f47d42075bcd150000000274320100000000000000000069f47d43075bcd15";

    @Test
    void aVersionOneEventWrittenByTheOldCodecDecodes() throws IOException {
        Ingestion back = IngestionCodec.readAccepted(HexFormat.of().parseHex(SAMPLE_V1), 42);
        assertEquals(sample(), back);
        assertEquals(Map.of(), back.metadata());
    }

    /** An accepted event written before ingestion metadata (version 1, the layout of its javadoc) still decodes. */
    @Test
    void aVersionOneEventStillDecodes() throws IOException {
        Ingestion in = sample();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte('A');
        out.writeByte(1);
        str(out, in.id());
        str(out, in.user().value());
        out.writeBoolean(true);
        str(out, in.sessionId());
        out.writeBoolean(true);
        str(out, in.idempotencyKey());
        out.writeLong(T.getEpochSecond());
        out.writeInt(T.getNano());
        out.writeInt(in.turns().size());
        for (Turn t : in.turns()) {
            str(out, t.id());
            out.writeByte(t.role().ordinal());
            out.writeBoolean(t.speaker() != null);
            if (t.speaker() != null) str(out, t.speaker());
            str(out, t.content());
            out.writeLong(t.timestamp().getEpochSecond());
            out.writeInt(t.timestamp().getNano());
        }
        byte[] v1 = bytes.toByteArray();
        assertArrayEquals(HexFormat.of().parseHex(SAMPLE_V1), v1, "the layout above is what version 1 wrote");
        Ingestion back = IngestionCodec.readAccepted(v1, 42);
        assertEquals(in, back);
        assertEquals(Map.of(), back.metadata());
        // The same ingestion written today is version 2: the version-1 bytes plus an empty metadata count.
        byte[] v2 = IngestionCodec.accepted(in);
        assertEquals(v1.length + 4, v2.length);
        assertArrayEquals(Arrays.copyOfRange(v1, 2, v1.length), Arrays.copyOfRange(v2, 2, v1.length));
        byte[] v3 = v2.clone();
        v3[1] = 3;
        assertThrows(IOException.class, () -> IngestionCodec.readAccepted(v3, 1), "an unknown version is refused");
        byte[] v1WithTail = Arrays.copyOf(v1, v1.length + 4);
        assertThrows(IOException.class, () -> IngestionCodec.readAccepted(v1WithTail, 1), "trailing bytes are refused");
    }

    private static void str(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
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
        byte[] good = IngestionCodec.accepted(new Ingestion("ing-1", UserId.of("alice"), "s-1", sample().turns(), "key-1", T, 42,
                Map.of("channel", "mobile")));
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
