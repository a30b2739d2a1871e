package dev.engram.internal.crypto;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-256-GCM through the JDK's own {@code javax.crypto} (no other library). A sealed box is
 * {@code nonce (12) | ciphertext | tag (16)}; the nonce is 96 random bits from a
 * {@link SecureRandom} for every encryption, so under one key a nonce repeats with probability
 * about n²/2⁹⁷ after n encryptions (NIST SP 800-38D's bound for random nonces allows 2³² per key;
 * docs/privacy.md shows why a user's key stays far below it). The associated data (AAD) is never
 * stored: the caller rebuilds it from where the box sits, so a box moved elsewhere fails to open.
 * Stateless; thread-safe (a {@link Cipher} per call).
 */
final class Aead {
    static final int NONCE_LENGTH = 12;
    static final int TAG_LENGTH = 16;
    static final int OVERHEAD = NONCE_LENGTH + TAG_LENGTH;
    static final SecureRandom RANDOM = new SecureRandom();
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";

    private Aead() {}

    /** {@code nonce | ciphertext | tag} of {@code plain[off, off+len)} under {@code key} and {@code aad}. */
    static byte[] seal(SecretKey key, byte[] aad, byte[] plain, int off, int len) {
        byte[] out = new byte[NONCE_LENGTH + len + TAG_LENGTH];
        byte[] nonce = new byte[NONCE_LENGTH];
        RANDOM.nextBytes(nonce);
        System.arraycopy(nonce, 0, out, 0, NONCE_LENGTH);
        try {
            Cipher c = Cipher.getInstance(TRANSFORMATION);
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_LENGTH * 8, nonce));
            c.updateAAD(aad);
            int n = c.doFinal(plain, off, len, out, NONCE_LENGTH);
            if (n != len + TAG_LENGTH) throw new IllegalStateException("AES-GCM produced " + n + " bytes for " + len);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is required of every JDK", e);
        }
    }

    /**
     * The plaintext of the box {@code box[off, off+len)}, or null when it does not authenticate
     * (wrong key, wrong AAD, or any changed byte).
     */
    static byte[] open(SecretKey key, byte[] aad, byte[] box, int off, int len) {
        if (len < OVERHEAD) return null;
        try {
            Cipher c = Cipher.getInstance(TRANSFORMATION);
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_LENGTH * 8, box, off, NONCE_LENGTH));
            c.updateAAD(aad);
            return c.doFinal(box, off + NONCE_LENGTH, len - NONCE_LENGTH);
        } catch (AEADBadTagException e) {
            return null;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is required of every JDK", e);
        }
    }
}
