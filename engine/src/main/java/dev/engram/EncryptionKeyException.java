package dev.engram;

import dev.engram.memory.EngramException;

/**
 * Encrypted data cannot be used with the keys at hand: the engine was opened with a wrong master
 * key, without the master key of an encrypted data directory, with another key store, or asked to
 * encrypt a data directory that already holds unencrypted data (all at open, nothing modified); or
 * a user's data was encrypted under a key that was destroyed by a purge (for example a backup of a
 * purged user's directory), which nobody can decrypt any more. {@link #reason()} says which.
 */
public final class EncryptionKeyException extends EngramException {
    private static final long serialVersionUID = 1L;

    /** Why the keys do not fit. */
    public enum Reason {
        WRONG_MASTER_KEY,
        MASTER_KEY_REQUIRED,
        OTHER_KEY_STORE,
        NOT_ENCRYPTED,
        /** The user's data key was destroyed (crypto-shredded): its data is unreadable for good. */
        KEY_DESTROYED,
        /** The master key given is malformed (not 32 bytes as hex or Base64) or its file is unreadable. */
        BAD_MASTER_KEY
    }

    private final Reason reason;

    public EncryptionKeyException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
