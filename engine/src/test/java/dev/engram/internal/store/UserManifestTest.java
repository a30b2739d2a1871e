package dev.engram.internal.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.engram.internal.format.CorruptFileException;
import dev.engram.memory.UserId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserManifestTest {
    private static UserManifest sample(long generation) {
        return new UserManifest(UserId.of("alice@example.com"), generation, 42, List.of(
                new UserManifest.Entry("1.seg", FileKind.SEGMENT, 12345, 0xCAFEBABE, true, 100),
                new UserManifest.Entry("7.seg", FileKind.SEGMENT, 99, 0x01020304, false, 3),
                new UserManifest.Entry("40.lex", FileKind.LEXICAL, 555, -1, true, 103),
                new UserManifest.Entry("41.bmp", FileKind.BITMAPS, 77, 0, true, 103)));
    }

    @Test
    void roundTrips() throws Exception {
        UserManifest m = sample(9);
        byte[] bytes = m.encode();
        assertEquals(m, UserManifest.decode(bytes, bytes.length, "MANIFEST"));
        assertEquals("42.seg", m.newName(FileKind.SEGMENT, 0));
        assertEquals("43.lex", m.newName(FileKind.LEXICAL, 1));
        assertEquals(2, m.segments().size());
    }

    @Test
    void everyBitFlipAndTruncationIsDetected() {
        byte[] bytes = sample(1).encode();
        for (int bit = 0; bit < bytes.length * 8; bit++) {
            byte[] bad = bytes.clone();
            bad[bit >>> 3] ^= (byte) (1 << (bit & 7));
            assertThrows(CorruptFileException.class, () -> UserManifest.decode(bad, bad.length, "MANIFEST"), "bit " + bit);
        }
        for (int len = 0; len < bytes.length; len++) {
            int l = len;
            assertThrows(CorruptFileException.class, () -> UserManifest.decode(bytes, l, "MANIFEST"));
        }
    }

    @Test
    void fileNamesCannotEscapeTheDirectory() {
        for (String bad : new String[] {"../1.seg", "1.seg/..", "/etc/passwd", "1.SEG", "MANIFEST", "a.seg", ""}) {
            assertThrows(IllegalArgumentException.class, () -> new UserManifest.Entry(bad, FileKind.SEGMENT, 0, 0, true, 0), bad);
        }
    }

    @Test
    void atomicReplaceLeavesTheOldOrTheNewFileNeverAMix(@TempDir Path dir) throws Exception {
        byte[] a = sample(1).encode();
        byte[] b = sample(2).encode();
        StoreFiles.writeAtomically(dir, UserManifest.FILE_NAME, a);
        assertArrayEquals(a, Files.readAllBytes(dir.resolve(UserManifest.FILE_NAME)));
        StoreFiles.writeAtomically(dir, UserManifest.FILE_NAME, b);
        assertArrayEquals(b, Files.readAllBytes(dir.resolve(UserManifest.FILE_NAME)));
        assertFalse(Files.exists(dir.resolve("MANIFEST.tmp")));

        // A crash while writing the temporary file leaves the published manifest untouched.
        Files.write(dir.resolve("MANIFEST.tmp"), java.util.Arrays.copyOf(a, a.length / 2));
        assertEquals(sample(2), UserManifest.decode(Files.readAllBytes(dir.resolve("MANIFEST")), b.length, "MANIFEST"));

        // A failing write (the temporary name is occupied by a non-empty directory) changes nothing.
        Files.delete(dir.resolve("MANIFEST.tmp"));
        Files.createDirectories(dir.resolve("MANIFEST.tmp").resolve("blocker"));
        assertThrows(IOException.class, () -> StoreFiles.writeAtomically(dir, UserManifest.FILE_NAME, a));
        assertArrayEquals(b, Files.readAllBytes(dir.resolve(UserManifest.FILE_NAME)));
    }
}
