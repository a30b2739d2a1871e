package dev.engram.internal.crypto;

import dev.engram.internal.format.BodyFile;
import dev.engram.internal.format.ByteReader;
import dev.engram.internal.format.ByteWriter;
import dev.engram.internal.format.Corruption;
import dev.engram.io.FileInput;
import dev.engram.io.FileOutput;
import dev.engram.io.Storage;
import dev.engram.memory.UserId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The wrapped data keys of every encrypted user, in a directory of its own that is never inside a
 * user directory (by default {@code <data>/keys}; it can live elsewhere, see docs/privacy.md), on the
 * storage seam, so a copy of a user's directory alone is useless, and destroying one small file makes
 * every copy of that user's data unreadable (crypto-shredding).
 *
 * <p>Layout and formats (every file a {@link BodyFile}: header, CRC32C-checked blocks, footer,
 * trailer; integers big-endian, {@code str} a varint length then UTF-8):
 * <pre>
 * KEYSTORE          magic "EKSM" 0x454B534D, format "engram.keystore" v1
 *                   body: 16 B storeId (random), u8 algorithm (1 = AES-256-GCM key wrap),
 *                         60 B check = nonce(12) | AES-GCM(master, 32 zero bytes)(32) | tag(16),
 *                         AAD = str "engram.keystore.v1" | storeId
 * ab/&lt;h&gt;            one user's key; h = hex(SHA-256(userId UTF-8)[0..16)), the user's directory name
 *                   magic "EKEY" 0x454B4559, format "engram.userkey" v1
 *                   body: u64 keyId (random, never 0), 60 B wrapped = nonce(12) | AES-GCM(master, key)(32) | tag(16),
 *                         AAD = str "engram.userkey.v1" | storeId | str userId | u64 keyId
 * </pre>
 * The user id is not stored: it is part of the wrapping's AAD, so a key file renamed to another
 * user's name does not unwrap. A wrong master key fails the KEYSTORE check at open
 * ({@link KeyStoreException.Reason#WRONG_MASTER_KEY}) before anything is written.
 *
 * <p>Writes are atomic and durable on return: {@code <h>.tmp} written and fsynced, renamed over
 * {@code <h>}, directory fsynced (a new fan-out directory's entry fsynced first). A crash leaves the
 * old state or the new one; a leftover {@code .tmp} holds a key that never encrypted anything and is
 * deleted by the next write or destruction of that user's key. {@link #destroy} deletes the file
 * and fsyncs the directory before returning.
 *
 * <p>Thread-safe: reads run in parallel; creations and destructions are serialized. Unwrapped keys
 * are cached (at most {@value #CACHE} users).
 */
public final class KeyStore implements AutoCloseable {
    public static final String MARKER = "KEYSTORE";
    static final int STORE_MAGIC = 0x454B534D;
    static final String STORE_FORMAT = "engram.keystore";
    static final int KEY_MAGIC = 0x454B4559;
    static final String KEY_FORMAT = "engram.userkey";
    static final int VERSION = 1;
    static final int ALGORITHM_AES_GCM = 1;
    private static final int CACHE = 65_536;
    private static final int STORE_ID_LENGTH = 16;
    private static final int WRAPPED_LENGTH = Aead.OVERHEAD + 32;

    private final Storage dir;
    private final MasterKey master;
    private final byte[] storeId;
    private final Object writeLock = new Object();
    // Bumped (under the cache's lock) by every destruction, so a read that raced one never caches the destroyed key.
    private long epoch;
    private final Map<String, UserKey> cache = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, UserKey> e) {
            return size() > CACHE;
        }
    };

    private KeyStore(Storage dir, MasterKey master, byte[] storeId) {
        this.dir = dir;
        this.master = master;
        this.storeId = storeId;
    }

    /**
     * Opens the key store in {@code dir} (which the key store then owns and closes), verifying the
     * master key against the KEYSTORE check; with {@code create}, a directory without a KEYSTORE is
     * initialized (a new store id). Without it, a missing KEYSTORE is an error.
     *
     * @throws KeyStoreException WRONG_MASTER_KEY if the check does not unwrap (nothing was modified)
     */
    public static KeyStore open(Storage dir, MasterKey master, boolean create) throws IOException {
        try {
            if (!dir.exists(MARKER)) {
                if (!create) {
                    throw new KeyStoreException(KeyStoreException.Reason.OTHER_KEY_STORE, "no key store in "
                            + dir.location(".") + " (" + MARKER + " missing): the data directory was encrypted with another one");
                }
                byte[] id = new byte[STORE_ID_LENGTH];
                Aead.RANDOM.nextBytes(id);
                byte[] check = Aead.seal(master.secretKey(), storeAad(id), new byte[32], 0, 32);
                ByteWriter w = new ByteWriter(96);
                w.bytes(id).u8(ALGORITHM_AES_GCM).bytes(check);
                writeAtomically(dir, MARKER, BodyFile.encode(STORE_MAGIC, STORE_FORMAT, VERSION, w.array(), w.size()));
                return new KeyStore(dir, master, id);
            }
            String location = dir.location(MARKER);
            byte[] data = readAll(dir, MARKER);
            BodyFile.Decoded d = BodyFile.decode(data, data.length, location, STORE_MAGIC, STORE_FORMAT, VERSION, VERSION);
            ByteReader in = new ByteReader(d.body(), 0, d.body().length, location + " (body)", d.bodyOffset());
            byte[] id = in.bytes(STORE_ID_LENGTH);
            int algorithm = in.u8();
            if (algorithm != ALGORITHM_AES_GCM) throw in.corrupt("unknown key-wrapping algorithm " + algorithm);
            byte[] check = in.bytes(WRAPPED_LENGTH);
            in.expectEnd("key store marker");
            byte[] plain = Aead.open(master.secretKey(), storeAad(id), check, 0, check.length);
            if (plain == null || !Arrays.equals(plain, new byte[32])) {
                throw new KeyStoreException(KeyStoreException.Reason.WRONG_MASTER_KEY, "the master key does not open the key store "
                        + dir.location(".") + ": wrong master key (nothing was modified)");
            }
            return new KeyStore(dir, master, id);
        } catch (IOException | RuntimeException e) {
            try {
                dir.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** The store's random id (the data directory records it, so it is never paired with another store). */
    public byte[] storeId() {
        return storeId.clone();
    }

    /** The user's key, or empty if it has none (never had one, or it was destroyed). */
    public Optional<UserKey> get(UserId user) throws IOException {
        String h = hashName(user);
        long seen;
        synchronized (cache) {
            UserKey k = cache.get(h);
            if (k != null) return Optional.of(k);
            seen = epoch;
        }
        try (Storage sub = fanOut(h, false)) {
            if (sub == null || !sub.exists(h)) return Optional.empty();
            UserKey k = decodeKey(sub, h, user);
            synchronized (cache) {
                if (epoch == seen) cache.put(h, k);
            }
            return Optional.of(k);
        }
    }

    /** The user's key, created (random, durable on return) if it has none. */
    public UserKey obtain(UserId user) throws IOException {
        Optional<UserKey> existing = get(user);
        if (existing.isPresent()) return existing.get();
        synchronized (writeLock) {
            existing = get(user);
            if (existing.isPresent()) return existing.get();
            String h = hashName(user);
            byte[] raw = new byte[32];
            Aead.RANDOM.nextBytes(raw);
            long id;
            do {
                id = Aead.RANDOM.nextLong();
            } while (id == 0);
            SecretKey secret = new SecretKeySpec(raw, "AES");
            byte[] wrapped = Aead.seal(master.secretKey(), keyAad(user, id), raw, 0, raw.length);
            Arrays.fill(raw, (byte) 0);
            ByteWriter w = new ByteWriter(96);
            w.u64(id).bytes(wrapped);
            byte[] file = BodyFile.encode(KEY_MAGIC, KEY_FORMAT, VERSION, w.array(), w.size());
            try (Storage sub = fanOut(h, true)) {
                writeAtomically(sub, h, file);
            }
            UserKey k = new UserKey(user, id, secret);
            synchronized (cache) {
                cache.put(h, k);
            }
            return k;
        }
    }

    /** Destroys the key of {@code user}; see {@link #destroy(String)}. */
    public boolean destroy(UserId user) throws IOException {
        return destroy(hashName(user));
    }

    /**
     * Destroys the key of the user whose directory name is {@code hash}: its file is deleted and the
     * directory fsynced before this returns, so from then on every byte encrypted under it — files,
     * WAL records, backups — is undecryptable. Returns whether a key existed. Idempotent.
     */
    public boolean destroy(String hash) throws IOException {
        checkHash(hash);
        synchronized (writeLock) {
            synchronized (cache) {
                cache.remove(hash);
                epoch++;
            }
            try (Storage sub = fanOut(hash, false)) {
                if (sub == null) return false;
                boolean existed = sub.delete(hash);
                boolean tmp = sub.delete(hash + ".tmp");
                if (existed || tmp) sub.syncDirectory();
                return existed;
            } finally {
                synchronized (cache) {
                    cache.remove(hash);
                    epoch++;
                }
            }
        }
    }

    /** Whether the user whose directory name is {@code hash} has a key file. */
    public boolean has(String hash) throws IOException {
        checkHash(hash);
        try (Storage sub = fanOut(hash, false)) {
            return sub != null && sub.exists(hash);
        }
    }

    private UserKey decodeKey(Storage sub, String h, UserId user) throws IOException {
        String location = sub.location(h);
        byte[] data = readAll(sub, h);
        BodyFile.Decoded d = BodyFile.decode(data, data.length, location, KEY_MAGIC, KEY_FORMAT, VERSION, VERSION);
        ByteReader in = new ByteReader(d.body(), 0, d.body().length, location + " (body)", d.bodyOffset());
        long id = in.u64();
        byte[] wrapped = in.bytes(WRAPPED_LENGTH);
        in.expectEnd("user key");
        byte[] raw = Aead.open(master.secretKey(), keyAad(user, id), wrapped, 0, wrapped.length);
        if (raw == null) {
            // The store's check passed, so the master key is right: the file was altered or moved.
            throw Corruption.of(location, 0, "user key does not unwrap (AES-GCM tag mismatch)",
                    "key file changed, or copied from another user or key store");
        }
        try {
            return new UserKey(user, id, new SecretKeySpec(raw, "AES"));
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    /** The fan-out subdirectory {@code h[0..2)} (created, its entry durable, with {@code create}); null if absent. */
    private Storage fanOut(String h, boolean create) throws IOException {
        String name = h.substring(0, 2);
        if (!dir.isDirectory(name)) {
            if (!create) return null;
            Storage sub = dir.subdirectory(name);
            try {
                dir.syncDirectory();
            } catch (IOException | RuntimeException e) {
                sub.close();
                throw e;
            }
            return sub;
        }
        return dir.subdirectory(name);
    }

    private byte[] keyAad(UserId user, long id) {
        ByteWriter w = new ByteWriter(64 + user.value().length());
        w.string("engram.userkey.v1").bytes(storeId).string(user.value()).u64(id);
        return w.toByteArray();
    }

    private static byte[] storeAad(byte[] id) {
        ByteWriter w = new ByteWriter(48);
        w.string("engram.keystore.v1").bytes(id);
        return w.toByteArray();
    }

    /** The user's directory name; the same function as the store's {@code UserDirectoryLayout.hashName}. */
    public static String hashName(UserId user) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(user.value().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }

    private static void checkHash(String hash) {
        if (hash == null || hash.length() != 32 || !hash.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            throw new IllegalArgumentException("not a user directory name: " + hash);
        }
    }

    static void writeAtomically(Storage dir, String name, byte[] bytes) throws IOException {
        String tmp = name + ".tmp";
        if (dir.exists(tmp)) dir.delete(tmp);
        boolean done = false;
        try {
            FileOutput out = dir.create(tmp);
            try {
                out.write(bytes);
                out.sync();
            } finally {
                out.close();
            }
            dir.rename(tmp, name);
            dir.syncDirectory();
            done = true;
        } finally {
            if (!done) {
                try {
                    dir.delete(tmp);
                } catch (IOException | RuntimeException ignored) {
                    // the failure being thrown matters more; a leftover .tmp is deleted by the next write
                }
            }
        }
    }

    private static byte[] readAll(Storage dir, String name) throws IOException {
        try (FileInput in = dir.openInput(name)) {
            long size = in.size();
            if (size > 1 << 20) throw new IOException(in.name() + ": " + size + " bytes is too large for a key file");
            byte[] bytes = new byte[(int) size];
            in.readFully(0, bytes, 0, bytes.length);
            return bytes;
        }
    }

    @Override
    public void close() throws IOException {
        synchronized (cache) {
            cache.clear();
        }
        dir.close();
    }
}
