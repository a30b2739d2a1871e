package dev.engram.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.internal.format.BlockFileReader;
import dev.engram.internal.format.BlockFormat;
import dev.engram.internal.format.BlockInfo;
import dev.engram.internal.format.BodyFile;
import dev.engram.internal.format.Crc32c;
import dev.engram.io.CorruptFileException;
import dev.engram.memory.UserId;
import dev.engram.testkit.InMemoryStorage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Encrypted blocks: the plaintext is nowhere in the file, the file round-trips, and every way of
 * tampering is detected with a typed error even when the attacker also fixes every CRC32C: any
 * changed ciphertext byte, a changed header field, a block moved to another offset, file name or
 * user (the AAD), and data of a destroyed key ({@link KeyDestroyedException}). Unencrypted blocks
 * planted in an encrypted file, and encrypted files read without a key, are refused.
 */
class BlockEncryptionTest {
    static final int MAGIC = 0x45544553; // "ETES"
    static final String NAME = "engram.test";
    static KeyStore keys;
    static UserKey ann;
    static UserKey bob;

    @BeforeAll
    static void keys() throws IOException {
        keys = KeyStore.open(new InMemoryStorage(), KeyStoreTest.MASTER, true);
        ann = keys.obtain(UserId.of("ann"));
        bob = keys.obtain(UserId.of("bob"));
    }

    static byte[] body(long seed, int n) {
        Random r = new Random(seed);
        StringBuilder b = new StringBuilder();
        while (b.length() < n) b.append("canary").append(r.nextInt(1000)).append(' ');
        return b.substring(0, n).getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void roundTripWithoutPlaintextOnDisk() throws IOException {
        for (int n : new int[] {1, 100, 5000, (1 << 20) + 17}) {
            byte[] body = body(n, n);
            byte[] file = BodyFile.encode(MAGIC, NAME, 1, body, body.length, ann.forFile("3.lex"));
            if (n >= 20) assertEquals(-1, indexOf(file, Arrays.copyOf(body, 20)), "plaintext in the file");
            assertFalse(new String(file, StandardCharsets.ISO_8859_1).contains("canary"));
            BodyFile.Decoded d = BodyFile.decode(file, file.length, "3.lex", MAGIC, NAME, 1, 1, ann.forFile("3.lex"));
            assertArrayEquals(body, d.body());
            // Without a key, and with no cipher at all, it is refused.
            assertThrows(CorruptFileException.class, () -> BodyFile.decode(file, file.length, "3.lex", MAGIC, NAME, 1, 1));
        }
    }

    @Test
    void everyChangedCiphertextByteIsDetectedEvenWithFixedChecksums() throws IOException {
        byte[] body = body(7, 3000);
        byte[] file = BodyFile.encode(MAGIC, NAME, 1, body, body.length, ann.forFile("1.seg"));
        BlockInfo block = BlockFileReader.parse(file, file.length, "1.seg", MAGIC, NAME, 1, 1, BlockFileReader.Mode.STRICT,
                ann.forFile("1.seg")).blocks().getFirst();
        int start = (int) block.offset() + BlockFormat.BLOCK_HEADER_LENGTH;
        int checked = 0;
        for (int i = start; i < start + block.storedLength(); i++) {
            byte[] bad = file.clone();
            bad[i] ^= (byte) (1 << (i % 8));
            fixChecksums(bad, block);
            CorruptFileException e = assertThrows(CorruptFileException.class, () -> first(bad, block, "1.seg", ann), "byte " + i);
            if (i < start + 8) {
                assertTrue(e instanceof KeyDestroyedException, "a changed key id reads as another key's data: " + e);
            } else {
                assertFalse(e instanceof KeyDestroyedException);
                assertTrue(e.getMessage().contains("does not authenticate"), e.getMessage());
            }
            checked++;
        }
        assertEquals(block.storedLength(), checked);
        assertArrayEquals(body, decode(file, "1.seg", ann));
    }

    @Test
    void headerFieldsFileNameAndUserAreBoundToTheCiphertext() throws IOException {
        byte[] body = body(9, 3000);
        byte[] file = BodyFile.encode(MAGIC, NAME, 1, body, body.length, ann.forFile("1.seg"));
        BlockInfo block = BlockFileReader.parse(file, file.length, "1.seg", MAGIC, NAME, 1, 1, BlockFileReader.Mode.STRICT,
                ann.forFile("1.seg")).blocks().getFirst();
        // Another file name of the same user, and the same name of another user.
        assertTrue(assertThrows(CorruptFileException.class, () -> decode(file, "2.seg", ann)).getMessage().contains("authenticate"));
        assertTrue(assertThrows(CorruptFileException.class, () -> decode(file, "1.seg", bob)) instanceof KeyDestroyedException);
        // A changed count in the header (CRCs fixed): not this block's AAD.
        byte[] bad = file.clone();
        ByteBuffer.wrap(bad).putInt((int) block.offset() + 8, block.count() + 1);
        fixChecksums(bad, block);
        assertThrows(CorruptFileException.class, () -> first(bad, block, "1.seg", ann));
        // The block moved to another offset: put one byte of padding in front of it (a longer header is refused
        // first, so move it inside a file of the same format whose header name is one byte longer).
        byte[] other = BodyFile.encode(MAGIC, NAME + "x", 1, body, body.length, ann.forFile("1.seg"));
        byte[] moved = new byte[other.length];
        int shift = 1;
        System.arraycopy(other, 0, moved, 0, (int) block.offset() + shift);
        System.arraycopy(file, (int) block.offset(), moved, (int) block.offset() + shift, file.length - (int) block.offset());
        // (footer and trailer offsets now disagree; the decrypt is reached only through the block itself)
        BlockFileReader.Parsed p = BlockFileReader.parse(moved, (int) block.end() + shift, "1.seg", MAGIC, NAME + "x", 1, 1,
                BlockFileReader.Mode.RECOVER, ann.forFile("1.seg"));
        assertEquals(1, p.blocks().size());
        assertThrows(CorruptFileException.class, () -> p.payload(0));
    }

    @Test
    void unencryptedBlocksAreRefusedInAnEncryptedFile() {
        byte[] body = body(11, 200);
        byte[] plain = BodyFile.encode(MAGIC, NAME, 1, body, body.length);
        CorruptFileException e = assertThrows(CorruptFileException.class, () -> decode(plain, "1.seg", ann));
        assertTrue(e.getMessage().contains("unencrypted block"), e.getMessage());
    }

    static byte[] decode(byte[] file, String name, UserKey key) throws CorruptFileException {
        return BodyFile.decode(file, file.length, name, MAGIC, NAME, 1, 1, key.forFile(name)).body();
    }

    /** The first block's payload, read from the file's prefix up to that block's end (no footer to agree with). */
    static byte[] first(byte[] file, BlockInfo block, String name, UserKey key) throws CorruptFileException {
        return BlockFileReader.parse(file, (int) block.end(), name, MAGIC, NAME, 1, 1, BlockFileReader.Mode.RECOVER,
                key.forFile(name)).payload(0);
    }

    /** Recomputes the block's payload CRC and header CRC (a forger's first step). */
    static void fixChecksums(byte[] file, BlockInfo block) {
        int off = (int) block.offset();
        ByteBuffer b = ByteBuffer.wrap(file);
        b.putInt(off + 20, Crc32c.of(file, off + BlockFormat.BLOCK_HEADER_LENGTH, block.storedLength()));
        b.putInt(off + 24, Crc32c.of(file, off, 24));
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }
}
