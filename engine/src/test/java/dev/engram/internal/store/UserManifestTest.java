package dev.engram.internal.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.io.CorruptFileException;
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
    void atomicReplaceLeavesTheOldOrTheNewFileNeverAMix(@TempDir Path path) throws Exception {
        dev.engram.io.Storage dir = dev.engram.io.FileStorage.open(path);
        byte[] a = sample(1).encode();
        byte[] b = sample(2).encode();
        StoreFiles.writeAtomically(dir, UserManifest.FILE_NAME, a);
        assertArrayEquals(a, Files.readAllBytes(path.resolve(UserManifest.FILE_NAME)));
        StoreFiles.writeAtomically(dir, UserManifest.FILE_NAME, b);
        assertArrayEquals(b, Files.readAllBytes(path.resolve(UserManifest.FILE_NAME)));
        assertFalse(Files.exists(path.resolve("MANIFEST.tmp")));

        // A crash while writing the temporary file leaves the published manifest untouched.
        Files.write(path.resolve("MANIFEST.tmp"), java.util.Arrays.copyOf(a, a.length / 2));
        assertEquals(sample(2), UserManifest.decode(Files.readAllBytes(path.resolve("MANIFEST")), b.length, "MANIFEST"));

        // A failing write (the temporary name is occupied by a non-empty directory) changes nothing.
        Files.delete(path.resolve("MANIFEST.tmp"));
        Files.createDirectories(path.resolve("MANIFEST.tmp").resolve("blocker"));
        assertThrows(IOException.class, () -> StoreFiles.writeAtomically(dir, UserManifest.FILE_NAME, a));
        Files.delete(path.resolve("MANIFEST.tmp").resolve("blocker"));
        Files.delete(path.resolve("MANIFEST.tmp"));

        // Under fault injection, failing any single operation of a replace leaves the old or the new manifest.
        for (long op = 1; ; op++) {
            dev.engram.testkit.FaultInjectingStorage faulty = dev.engram.testkit.FaultInjectingStorage.wrap(dir);
            long before = faulty.operations();
            faulty.failOnce(before + op);
            try {
                StoreFiles.writeAtomically(faulty, UserManifest.FILE_NAME, a);
            } catch (IOException expected) {
                // the replace failed part way
            }
            byte[] now = Files.readAllBytes(path.resolve(UserManifest.FILE_NAME));
            UserManifest m = UserManifest.decode(now, now.length, "MANIFEST");
            assertTrue(m.equals(sample(1)) || m.equals(sample(2)), "op " + op);
            boolean finished = faulty.operations() - before < op;
            StoreFiles.writeAtomically(dir, UserManifest.FILE_NAME, b);
            if (finished) break;
        }
        assertArrayEquals(b, Files.readAllBytes(path.resolve(UserManifest.FILE_NAME)));
    }
}
