package dev.engram;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Crypto-shredding settings (docs/privacy.md): where the master key comes from and where the key
 * store of wrapped per-user keys lives. With encryption, every user's record payloads in segments
 * and the write-ahead log, its lexical index and bitmaps are encrypted (AES-256-GCM) with that
 * user's own data key, and a purge destroys the key first, so every remaining copy becomes
 * unreadable at once. Opt-in: without an {@code Encryption} nothing is encrypted (the formats are
 * exactly the unencrypted ones), and it can only be turned on for a new data directory.
 *
 * <p>The master key is 32 bytes, given as a key file (32 raw bytes, 64 hex digits or Base64) or as
 * text (hex or Base64), e.g. from the {@code ENGRAM_MASTER_KEY} environment variable. It is read
 * when the engine opens and never written anywhere. {@link #toString()} never shows it. Immutable.
 */
public final class Encryption {
    private final Path keyFile;
    private final String key;
    private final Path keyStore;

    private Encryption(Path keyFile, String key, Path keyStore) {
        this.keyFile = keyFile;
        this.key = key;
        this.keyStore = keyStore;
    }

    /** The master key from a key file. */
    public static Encryption keyFile(Path file) {
        return new Encryption(Objects.requireNonNull(file, "file"), null, null);
    }

    /** The master key as text: 64 hex digits or Base64 of 32 bytes. Checked when the engine opens. */
    public static Encryption key(String encoded) {
        return new Encryption(null, Objects.requireNonNull(encoded, "encoded"), null);
    }

    /**
     * The same settings with the key store in {@code dir}. Default: the data directory's sibling
     * {@code <data-dir-name>.keys}, deliberately outside the data directory so that a copy or
     * backup of the data directory holds no key.
     */
    public Encryption keyStore(Path dir) {
        return new Encryption(keyFile, key, Objects.requireNonNull(dir, "dir"));
    }

    /** The key file, or null when the key was given as text. */
    public Path keyFile() {
        return keyFile;
    }

    /** The key store directory, or null for the default. */
    public Path keyStore() {
        return keyStore;
    }

    /** The key text (internal use; null when a key file is used). */
    String keyText() {
        return key;
    }

    @Override
    public String toString() {
        return "Encryption[" + (keyFile != null ? "key file " + keyFile : "key given as text (redacted)")
                + ", key store " + (keyStore != null ? keyStore : "default") + "]";
    }
}
