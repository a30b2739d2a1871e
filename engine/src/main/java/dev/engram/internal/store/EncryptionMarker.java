package dev.engram.internal.store;

import dev.engram.internal.crypto.KeyStore;
import dev.engram.internal.crypto.KeyStoreException;
import dev.engram.internal.crypto.MasterKey;
import dev.engram.internal.format.BodyFile;
import dev.engram.internal.format.ByteReader;
import dev.engram.internal.format.ByteWriter;
import dev.engram.io.Storage;
import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Whether a data directory is encrypted, and with which key store: the file {@code ENCRYPTION} in
 * the data directory, a {@link BodyFile} with magic "EENC" 0x45454E43, format {@value #FORMAT},
 * version 1, body {@code 16 B storeId} (the {@link KeyStore}'s id). Written once, atomically, when
 * a data directory is first opened with a master key; never removed. Encryption is a property of
 * the data directory fixed at its creation: opening it later without the master key, with another
 * key store, or asking for encryption on a directory that already holds unencrypted data is a
 * {@link KeyStoreException} before anything is modified. Stateless.
 */
final class EncryptionMarker {
    static final String FILE_NAME = "ENCRYPTION";
    static final String FORMAT = "engram.encryption";
    static final int MAGIC = 0x45454E43;
    static final int VERSION = 1;

    private EncryptionMarker() {}

    static Optional<byte[]> read(Storage root) throws IOException {
        if (!root.exists(FILE_NAME)) return Optional.empty();
        String location = root.location(FILE_NAME);
        byte[] data = StoreFiles.readAll(root, FILE_NAME);
        BodyFile.Decoded d = BodyFile.decode(data, data.length, location, MAGIC, FORMAT, VERSION, VERSION);
        ByteReader in = new ByteReader(d.body(), 0, d.body().length, location + " (body)", d.bodyOffset());
        byte[] id = in.bytes(16);
        in.expectEnd("encryption marker");
        return Optional.of(id);
    }

    /**
     * Checks an existing marker against the configuration before anything else is opened: an
     * encrypted directory without a master key is refused; with one, its key store is opened and the
     * master key verified (a wrong one is refused with nothing modified). Returns the key store, or
     * null when the directory has no marker (unencrypted, or not yet initialized: see {@link #initialize}).
     */
    static KeyStore verify(Storage root, MasterKey master, StorageOpener keyStore) throws IOException {
        Optional<byte[]> marker = read(root);
        if (marker.isEmpty()) return null;
        if (master == null) {
            throw new KeyStoreException(KeyStoreException.Reason.MASTER_KEY_REQUIRED, "data directory "
                    + root.location(".") + " is encrypted: configure its master key (ENGRAM_MASTER_KEY or a key file)");
        }
        KeyStore keys = KeyStore.open(keyStore.open(), master, false);
        if (!Arrays.equals(marker.get(), keys.storeId())) {
            keys.close();
            throw new KeyStoreException(KeyStoreException.Reason.OTHER_KEY_STORE, "data directory " + root.location(".")
                    + " was encrypted with the keys of another key store");
        }
        return keys;
    }

    /**
     * Turns encryption on for a data directory without a marker: refused if it already holds data
     * (users, or WAL records: {@code walLastLsn}); else the key store is opened (created if new) and
     * the marker written durably. Returns the key store.
     */
    static KeyStore initialize(Storage root, MasterKey master, StorageOpener keyStore, LongSupplier walLastLsn) throws IOException {
        if (!fresh(root, walLastLsn)) {
            throw new KeyStoreException(KeyStoreException.Reason.NOT_ENCRYPTED, "data directory " + root.location(".")
                    + " already holds unencrypted data: encryption can only be turned on for a new data directory"
                    + " (export the users, then import them into an encrypted one)");
        }
        KeyStore keys = KeyStore.open(keyStore.open(), master, true);
        try {
            ByteWriter w = new ByteWriter(16);
            w.bytes(keys.storeId());
            StoreFiles.writeAtomically(root, FILE_NAME, BodyFile.encode(MAGIC, FORMAT, VERSION, w.array(), w.size()));
            return keys;
        } catch (IOException | RuntimeException e) {
            keys.close();
            throw e;
        }
    }

    private static boolean fresh(Storage root, LongSupplier walLastLsn) throws IOException {
        if (walLastLsn.getAsLong() > 0) return false; // a checkpoint marker alone (a clean close, no write) is not data
        if (!root.isDirectory(UserDirectoryLayout.USERS)) return true;
        try (Storage users = root.subdirectory(UserDirectoryLayout.USERS)) {
            return users.list().isEmpty();
        }
    }

    /** Opens a storage lazily. */
    interface StorageOpener {
        Storage open() throws IOException;
    }
}
