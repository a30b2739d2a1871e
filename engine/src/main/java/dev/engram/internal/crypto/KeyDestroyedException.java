package dev.engram.internal.crypto;

import dev.engram.io.CorruptFileException;

/**
 * Data that was encrypted under a user's data key that no longer exists: the user was purged (its
 * key destroyed) and what is being read is a leftover or a copy — a WAL segment, a backup of the
 * user's directory. It cannot be decrypted by anyone, with or without the master key. A subclass of
 * {@link CorruptFileException} because to every reader the file is unreadable; the message says
 * why, and {@link #keyId()} names the key it needed (a random number, not a secret).
 */
public final class KeyDestroyedException extends CorruptFileException {
    private static final long serialVersionUID = 1L;
    private final long keyId;

    public KeyDestroyedException(String file, long offset, long keyId) {
        super(file, offset, "encrypted under data key " + Long.toUnsignedString(keyId, 16)
                + ", which no longer exists (the user was purged): the data cannot be decrypted", null, null,
                "a copy or leftover of a purged user's files; crypto-shredded by design");
        this.keyId = keyId;
    }

    public long keyId() {
        return keyId;
    }
}
