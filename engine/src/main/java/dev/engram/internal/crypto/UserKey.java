package dev.engram.internal.crypto;

import dev.engram.internal.format.BlockCipher;
import dev.engram.internal.format.ByteWriter;
import dev.engram.internal.format.Corruption;
import dev.engram.io.CorruptFileException;
import dev.engram.memory.UserId;
import java.util.Objects;
import javax.crypto.SecretKey;

/**
 * One user's data key (AES-256), unwrapped from the {@link KeyStore}, and the two ways Engram uses
 * it: {@link #forFile} encrypts the DATA blocks of one file of the user's directory, {@link #seal}
 * / {@link #open} the body of a WAL record. {@link #id()} is a random 64-bit number chosen when the
 * key was created; it is stored in clear beside every ciphertext, so data of a destroyed key (a
 * purged user, or a user id purged and used again) is told apart from damaged data.
 *
 * <p>Encrypted block payload (stored payload of a block whose codec has bit 7 set):
 * <pre>
 * u64 keyId | 12-byte nonce | ciphertext (same length as the plaintext) | 16-byte GCM tag
 * AAD = str "engram.block.v1", str userId, u64 keyId, str fileName, u64 blockOffset,
 *       u8 type, u8 codec (without bit 7), u32 count, u32 rawLength
 * </pre>
 * ({@code str} is a varint length then UTF-8, integers big-endian.) Immutable; thread-safe.
 */
public final class UserKey {
    /** Bytes an encrypted block payload adds to its plaintext. */
    public static final int BLOCK_OVERHEAD = 8 + Aead.OVERHEAD;

    private final UserId user;
    private final long id;
    private final SecretKey key;

    UserKey(UserId user, long id, SecretKey key) {
        this.user = Objects.requireNonNull(user, "user");
        this.id = id;
        this.key = Objects.requireNonNull(key, "key");
    }

    public UserId user() {
        return user;
    }

    public long id() {
        return id;
    }

    /** A block cipher for the file {@code fileName} (one path element) of this user's directory. */
    public BlockCipher forFile(String fileName) {
        Objects.requireNonNull(fileName, "fileName");
        return new BlockCipher() {
            @Override
            public byte[] seal(long offset, int type, int codec, int count, int rawLength, byte[] payload, int length) {
                byte[] box = Aead.seal(key, blockAad(fileName, offset, type, codec, count, rawLength), payload, 0, length);
                ByteWriter w = new ByteWriter(8 + box.length);
                w.u64(id).bytes(box);
                return w.toByteArray();
            }

            @Override
            public byte[] open(String file, long offset, int type, int codec, int count, int rawLength, byte[] data, int off,
                    int len) throws CorruptFileException {
                if (len < BLOCK_OVERHEAD) {
                    throw Corruption.of(file, offset, "encrypted block payload of " + len + " bytes is too short", "disk fault?");
                }
                long stored = getLong(data, off);
                if (stored != id) throw new KeyDestroyedException(file, offset, stored);
                byte[] plain = Aead.open(key, blockAad(fileName, offset, type, codec, count, rawLength), data, off + 8, len - 8);
                if (plain == null) {
                    throw Corruption.of(file, offset, "encrypted block does not authenticate (AES-GCM tag mismatch)",
                            "bytes changed after writing, or a block moved from another offset, file or user");
                }
                return plain;
            }
        };
    }

    /** {@code nonce | ciphertext | tag} of {@code plain[off, off+len)}, bound to {@code aad}. */
    public byte[] seal(byte[] aad, byte[] plain, int off, int len) {
        return Aead.seal(key, aad, plain, off, len);
    }

    /** The plaintext of a box made by {@link #seal} with the same {@code aad}, or null if it does not authenticate. */
    public byte[] open(byte[] aad, byte[] box, int off, int len) {
        return Aead.open(key, aad, box, off, len);
    }

    private byte[] blockAad(String fileName, long offset, int type, int codec, int count, int rawLength) {
        ByteWriter w = new ByteWriter(64 + fileName.length());
        w.string("engram.block.v1").string(user.value()).u64(id).string(fileName).u64(offset)
                .u8(type).u8(codec).u32(count).u32(rawLength);
        return w.toByteArray();
    }

    static long getLong(byte[] b, int p) {
        long v = 0;
        for (int i = 0; i < 8; i++) v = (v << 8) | (b[p + i] & 0xFF);
        return v;
    }

    @Override
    public String toString() {
        return "UserKey[" + user + ", id " + Long.toUnsignedString(id, 16) + "]";
    }
}
