package dev.engram.internal.crypto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The installation's master key: 32 bytes (AES-256) that wrap every user's data key in the
 * {@link KeyStore}. It never touches the data directory or the key store; it comes from a key file
 * or an environment variable. Accepted encodings (surrounding white space ignored): exactly 32 raw
 * bytes (a file only), 64 hexadecimal digits, or the standard Base64 of 32 bytes (44 characters).
 * {@link #toString()} never shows the key. Immutable; thread-safe.
 */
public final class MasterKey {
    /** The environment variable the server reads the master key from. */
    public static final String ENV = "ENGRAM_MASTER_KEY";
    static final int LENGTH = 32;

    private final SecretKey key;

    private MasterKey(byte[] raw) {
        this.key = new SecretKeySpec(raw, "AES");
    }

    /** A key from 32 raw bytes (copied). */
    public static MasterKey of(byte[] raw) {
        if (raw == null || raw.length != LENGTH) {
            throw new IllegalArgumentException("a master key is " + LENGTH + " bytes, got " + (raw == null ? "none" : raw.length));
        }
        return new MasterKey(raw.clone());
    }

    /** A key from its text form: 64 hex digits or Base64 of 32 bytes. */
    public static MasterKey parse(String text) {
        if (text == null) throw new IllegalArgumentException("no master key given");
        String t = text.strip();
        byte[] raw = null;
        if (t.length() == 2 * LENGTH && t.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            raw = HexFormat.of().parseHex(t);
        } else {
            try {
                raw = Base64.getDecoder().decode(t);
            } catch (IllegalArgumentException e) {
                raw = null;
            }
        }
        if (raw == null || raw.length != LENGTH) {
            // Never echo the text: it may be a key with a typo.
            throw new IllegalArgumentException("a master key must be 32 bytes as 64 hex digits or Base64 (44 characters); got "
                    + t.length() + " characters that are neither");
        }
        try {
            return new MasterKey(raw);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    /** Reads a key file: 32 raw bytes, or the text forms of {@link #parse}. */
    public static MasterKey read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        try {
            if (bytes.length == LENGTH) return of(bytes);
            return parse(new String(bytes, StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("master key file " + file + ": " + e.getMessage());
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /** A new random key (tests, and {@code engram keygen}-style tooling). */
    public static MasterKey random() {
        byte[] raw = new byte[LENGTH];
        Aead.RANDOM.nextBytes(raw);
        return new MasterKey(raw);
    }

    /** The key as 64 hex digits (to write a key file). */
    public String toHex() {
        return HexFormat.of().formatHex(key.getEncoded());
    }

    SecretKey secretKey() {
        return key;
    }

    @Override
    public String toString() {
        return "MasterKey[redacted]";
    }
}
