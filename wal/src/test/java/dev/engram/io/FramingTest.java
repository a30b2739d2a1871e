package dev.engram.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.testkit.InMemoryStorage;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class FramingTest {
    private static byte[] header(int magic, String name, int version) {
        ByteBuffer b = ByteBuffer.allocate(Framing.headerLength(name));
        Framing.writeHeader(b, magic, name, version);
        assertEquals(b.capacity(), b.position());
        return b.array();
    }

    @Test
    void headerRoundTripsAndNamesEveryProblem() throws IOException {
        byte[] h = header(0x12345678, "engram-test", 3);
        assertEquals(3, Framing.checkHeader("f", h, 0, 0x12345678, "engram-test", 1, 3));
        CorruptFileException magic = assertThrows(CorruptFileException.class,
                () -> Framing.checkHeader("/data/f", h, 0, 0x12345679, "engram-test", 1, 3));
        assertTrue(magic.getMessage().contains("/data/f") && magic.getMessage().contains("offset 0")
                && magic.getMessage().contains("0x12345679") && magic.getMessage().contains("0x12345678"), magic.getMessage());
        assertEquals("/data/f", magic.file());
        CorruptFileException name = assertThrows(CorruptFileException.class,
                () -> Framing.checkHeader("f", h, 0, 0x12345678, "engram-other", 1, 3));
        assertTrue(name.getMessage().contains("engram-other"), name.getMessage());
        CorruptFileException version = assertThrows(CorruptFileException.class,
                () -> Framing.checkHeader("f", h, 0, 0x12345678, "engram-test", 1, 2));
        assertTrue(version.getMessage().contains("newer"), version.getMessage());
        assertThrows(CorruptFileException.class, () -> Framing.checkHeader("f", new byte[5], 0, 1, "x", 1, 1));
    }

    @Test
    void footerDetectsAnyChange() throws IOException {
        InMemoryStorage s = new InMemoryStorage();
        byte[] body = new byte[5000];
        for (int i = 0; i < body.length; i++) body[i] = (byte) i;
        ByteBuffer footer = ByteBuffer.allocate(Framing.FOOTER_LENGTH);
        Framing.writeFooter(footer, Framing.crc32c(body, 0, body.length));
        try (FileOutput out = s.create("ok")) {
            out.write(body);
            out.write(footer.array());
        }
        try (FileInput in = s.openInput("ok")) {
            Framing.checkFooter(in);
        }
        body[4000] ^= 1;
        try (FileOutput out = s.create("bad")) {
            out.write(body);
            out.write(footer.array());
        }
        try (FileInput in = s.openInput("bad")) {
            CorruptFileException e = assertThrows(CorruptFileException.class, () -> Framing.checkFooter(in));
            assertTrue(e.getMessage().contains("checksum mismatch") && e.getMessage().contains("mem:/bad"), e.getMessage());
        }
    }

    @Test
    void crcHelpersAgree() {
        byte[] b = "engram".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertEquals(Framing.crc32c(b, 0, b.length), Framing.crc32c(ByteBuffer.wrap(b)));
        assertThrows(CorruptFileException.class, () -> Framing.checkCrc("f", 9, "block", 1, 2));
    }
}
