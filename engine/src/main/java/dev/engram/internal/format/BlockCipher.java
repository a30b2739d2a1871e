package dev.engram.internal.format;

import dev.engram.io.CorruptFileException;

/**
 * Encrypts the payloads of one block file's DATA blocks (crypto-shredding; the implementation is
 * {@code dev.engram.internal.crypto.UserKey}'s, bound to one user's data key and one file name).
 * The block's position and header fields are the associated data, so a block moved to another
 * offset, file or user, or whose header was altered, does not decrypt. Blocks of a file written
 * with a cipher carry {@link BlockFormat#CODEC_ENCRYPTED} in their codec byte; footers, trailers
 * and file headers are never encrypted (they hold no content). Implementations are thread-safe.
 */
public interface BlockCipher {
    /**
     * The stored payload for {@code payload[0, length)} of a DATA block that starts at file offset
     * {@code offset} with the given header fields ({@code codec} without the encrypted bit).
     */
    byte[] seal(long offset, int type, int codec, int count, int rawLength, byte[] payload, int length);

    /**
     * The plaintext (still compressed when {@code codec} says so) of a stored payload
     * {@code data[off, off+len)}.
     *
     * @throws CorruptFileException when it does not authenticate (a changed byte, a block moved from
     *         elsewhere); a subclass when it was written under a key that no longer exists
     */
    byte[] open(String file, long offset, int type, int codec, int count, int rawLength, byte[] data, int off, int len)
            throws CorruptFileException;
}
