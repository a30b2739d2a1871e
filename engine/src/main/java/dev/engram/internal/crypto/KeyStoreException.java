package dev.engram.internal.crypto;

import java.io.IOException;

/**
 * The key store or the encryption setting of a data directory cannot be used as configured: a
 * wrong master key, an encrypted data directory opened without one, a data directory paired with
 * another key store, or encryption asked for on a data directory that already holds unencrypted
 * data. Thrown before anything is modified. The embedded API turns it into
 * {@code dev.engram.EncryptionKeyException} with the same {@link Reason}.
 */
public final class KeyStoreException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Why. Mirrored by the public API's exception. */
    public enum Reason {
        /** The master key does not unwrap the key store's check value (or a user's key). */
        WRONG_MASTER_KEY,
        /** The data directory is encrypted and no master key was configured. */
        MASTER_KEY_REQUIRED,
        /** The data directory was encrypted with keys of another key store. */
        OTHER_KEY_STORE,
        /** A master key was configured for a data directory that already holds unencrypted data. */
        NOT_ENCRYPTED
    }

    private final Reason reason;

    public KeyStoreException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
