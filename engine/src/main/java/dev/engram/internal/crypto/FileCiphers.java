package dev.engram.internal.crypto;

import dev.engram.internal.format.BlockCipher;
import dev.engram.io.CorruptFileException;
import dev.engram.memory.UserId;
import java.io.IOException;
import java.util.Optional;

/**
 * The block ciphers of one user's files: none for an unencrypted store ({@link #NONE}), else the
 * user's {@link UserKey} from the {@link KeyStore}, bound to each file's name. Reading a user whose
 * key is gone yields a cipher that refuses every block with {@link KeyDestroyedException}; writing
 * creates the key if the user has none yet. Thread-safe.
 */
public interface FileCiphers {
    /** Whether this user's files are encrypted. */
    boolean encrypted();

    /** The cipher to read the file {@code name}; null when not {@link #encrypted()}. */
    BlockCipher reading(String name) throws IOException;

    /** The cipher to write the file {@code name}; null when not {@link #encrypted()}. */
    BlockCipher writing(String name) throws IOException;

    /** An unencrypted user: the formats exactly as without encryption. */
    FileCiphers NONE = new FileCiphers() {
        @Override
        public boolean encrypted() {
            return false;
        }

        @Override
        public BlockCipher reading(String name) {
            return null;
        }

        @Override
        public BlockCipher writing(String name) {
            return null;
        }
    };

    /** The ciphers of {@code user} under {@code keys}. */
    static FileCiphers of(KeyStore keys, UserId user) {
        return new FileCiphers() {
            @Override
            public boolean encrypted() {
                return true;
            }

            @Override
            public BlockCipher reading(String name) throws IOException {
                Optional<UserKey> k = keys.get(user);
                if (k.isPresent()) return k.get().forFile(name);
                return new BlockCipher() {
                    @Override
                    public byte[] seal(long offset, int type, int codec, int count, int rawLength, byte[] payload, int length) {
                        throw new IllegalStateException("no key to write with");
                    }

                    @Override
                    public byte[] open(String file, long offset, int type, int codec, int count, int rawLength, byte[] data,
                            int off, int len) throws CorruptFileException {
                        long id = len >= 8 ? UserKey.getLong(data, off) : 0;
                        throw new KeyDestroyedException(file, offset, id);
                    }
                };
            }

            @Override
            public BlockCipher writing(String name) throws IOException {
                return keys.obtain(user).forFile(name);
            }
        };
    }
}
