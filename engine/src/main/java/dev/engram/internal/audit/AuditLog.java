package dev.engram.internal.audit;

import dev.engram.internal.audit.AuditEntry.Action;
import dev.engram.io.CorruptFileException;
import dev.engram.io.FileInput;
import dev.engram.io.FileOutput;
import dev.engram.io.Framing;
import dev.engram.io.Storage;
import dev.engram.memory.UserId;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The append-only, hash-chained audit log ({@code audit.log} in its own directory).
 *
 * <h2>Format</h2>
 * A {@link Framing} header (magic {@code 0x45415544} "EAUD", name {@code engram-audit}, version 1),
 * then entries, big-endian:
 * <pre>
 * u32 length of the rest | u32 CRC32C of the rest |
 * u64 seq | i64 epoch millis | 32 B previous entry's hash | 32 B SHA-256 of the body | 32 B this entry's hash |
 * u8 redacted | body (absent when redacted): actor, action, subject as (u16 length + UTF-8), u16 n × (name, i64 value)
 * </pre>
 * An entry's hash is HMAC-SHA256, under the installation's audit key, of
 * {@code seq | millis | previous hash | body hash}; the first entry's previous hash is 32 zero
 * bytes. {@link #verify()} recomputes every link and every present body's hash, so an altered,
 * removed, inserted or reordered entry is detected, and forging a consistent chain needs the key
 * file; a redacted entry still verifies through its kept body hash. Cutting whole entries off the
 * end is only detectable against a copy of a later {@link #head()} kept elsewhere.
 *
 * <h2>Privacy</h2>
 * Entries never hold memory content, and name users only by a pseudonym: HMAC-SHA256 of the user
 * id under a per-installation key ({@code audit.key}, 32 random bytes), first 16 bytes in hex.
 * {@link #redact(UserId)} rewrites the log with the bodies of a purged user's entries removed,
 * except the PURGE entries themselves.
 *
 * <h2>Durability</h2>
 * Every append is written at once. Entries of actions that change or reveal a user's data (add,
 * update, delete, purge, export, import, archive, consolidate) are fsynced before {@link #append}
 * returns. Search entries (which include context) and ingest entries are {@linkplain #deferred
 * deferred}: they are fsynced with the next synced entry, by {@link #syncPending()} (the engine
 * calls it every second) or at {@link #close()} — a power cut may lose the last second of them.
 * An ingestion is itself durable in the WAL before it is acknowledged, and its memories' ADD or
 * UPDATE effects are applied later by the pipeline, so the ingest entry only says who sent it:
 * keeping its fsync off the acknowledgment path halves the fsyncs an ingest waits for. A torn
 * last entry is cut off at open; damage before it refuses to open. The fsync of a mutating entry
 * runs outside the log's lock and is shared (group commit): one fsync covers every entry written
 * before it started, so concurrent callers (ingestions from many clients) wait for about one
 * fsync instead of queueing behind each other's. A failed fsync is never retried: every later
 * append that needs one throws with the original cause.
 *
 * <p>Thread-safe: methods synchronize on the log; fsyncs are serialized by a second lock, always
 * taken before the log's own.
 */
public final class AuditLog implements AutoCloseable {
    static final String FILE = "audit.log";
    static final String KEY = "audit.key";
    private static final int MAGIC = 0x45415544;
    private static final String FORMAT = "engram-audit";
    private static final int VERSION = 1;
    private static final int FIXED = 8 + 8 + 32 + 32 + 32 + 1;

    private final Storage dir;
    private final Clock clock;
    private final byte[] key;
    private FileOutput out;
    private long nextSeq;
    private byte[] lastHash = new byte[32];
    private long size;
    private boolean unsynced;
    private boolean closed;
    // Group commit. Lock order: syncLock, then this.
    private final Object syncLock = new Object();
    private long syncedSeq; // guarded by syncLock: every entry up to this sequence number is durable
    private IOException syncFailure; // guarded by syncLock

    private AuditLog(Storage dir, Clock clock, byte[] key) {
        this.dir = dir;
        this.clock = clock;
        this.key = key;
    }

    /** Opens (creating) the audit log in {@code dir}, which it then owns and closes; cuts a torn last entry. */
    public static AuditLog open(Storage dir, Clock clock) throws IOException {
        try {
            AuditLog log = new AuditLog(dir, clock, loadKey(dir));
            log.load();
            return log;
        } catch (IOException | RuntimeException e) {
            dev.engram.io.Closeables.closeQuietly(dir);
            throw e;
        }
    }

    private static byte[] loadKey(Storage dir) throws IOException {
        if (dir.exists(KEY)) {
            byte[] k = readAll(dir, KEY);
            if (k.length != 32) throw new CorruptFileException(dir.location(KEY), 0, "bad key length", "32", Integer.toString(k.length), "file damaged?");
            return k;
        }
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        try (FileOutput o = dir.create(KEY + ".tmp")) {
            o.write(k);
            o.sync();
        }
        dir.rename(KEY + ".tmp", KEY);
        dir.syncDirectory();
        return k;
    }

    private void load() throws IOException {
        int headerLength = Framing.headerLength(FORMAT);
        if (!dir.exists(FILE)) {
            ByteBuffer h = ByteBuffer.allocate(headerLength);
            Framing.writeHeader(h, MAGIC, FORMAT, VERSION);
            try (FileOutput o = dir.create(FILE + ".tmp")) {
                o.write(h.array());
                o.sync();
            }
            dir.rename(FILE + ".tmp", FILE);
            dir.syncDirectory();
        }
        Scan scan = scan(readAll(dir, FILE), true);
        nextSeq = scan.entries.size() + 1;
        if (!scan.entries.isEmpty()) lastHash = scan.entries.getLast().hash();
        size = scan.validLength;
        if (scan.validLength < dir.size(FILE)) { // torn tail from a crash: cut it off
            dir.truncate(FILE, scan.validLength);
            dir.sync(FILE);
        }
        out = dir.openAppend(FILE);
    }

    /** The pseudonym of a user in this installation's audit entries. */
    public String pseudonym(UserId user) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(Arrays.copyOf(mac.doFinal(user.value().getBytes(StandardCharsets.UTF_8)), 16));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** Appends an entry; {@code user} may be null. Entries not {@linkplain #deferred deferred} are durable on return. */
    public AuditEntry append(String actor, Action action, UserId user, Map<String, Long> counts) throws IOException {
        AuditEntry entry = write(actor, action, user, counts);
        if (!deferred(action)) syncThrough(entry.seq());
        return entry;
    }

    /** Whether entries of {@code action} are written without waiting for their fsync (see Durability above). */
    public static boolean deferred(Action action) {
        return action == Action.SEARCH || action == Action.INGEST;
    }

    /**
     * Makes every entry written so far durable; nothing to do when none is pending. Shares the
     * group commit of {@link #append}; after a failed fsync it throws, as appends do.
     */
    public void syncPending() throws IOException {
        long through;
        synchronized (this) {
            if (closed || !unsynced) return;
            through = nextSeq - 1;
        }
        syncThrough(through);
    }

    /** Writes an entry (not synced). */
    private synchronized AuditEntry write(String actor, Action action, UserId user, Map<String, Long> counts) throws IOException {
        if (closed) throw new IOException("audit log is closed");
        String subject = user == null ? "" : pseudonym(user);
        byte[] body = body(actor, action, subject, counts);
        long seq = nextSeq;
        Instant at = clock.instant();
        byte[] bodyHash = sha256(body);
        byte[] hash = link(seq, at.toEpochMilli(), lastHash, bodyHash);
        byte[] entry = encode(seq, at.toEpochMilli(), lastHash, bodyHash, hash, false, body);
        out.write(entry);
        unsynced = true;
        nextSeq++;
        lastHash = hash;
        size += entry.length;
        return new AuditEntry(seq, at, actor, action, subject, counts, false, hash);
    }

    /** Makes every entry up to {@code seq} durable, with one fsync for all callers waiting meanwhile. */
    private void syncThrough(long seq) throws IOException {
        synchronized (syncLock) {
            if (syncFailure != null) throw new IOException("audit log fsync failed earlier; not retried", syncFailure);
            if (syncedSeq >= seq) return; // an fsync that started after our write covered it
            long through;
            FileOutput o;
            synchronized (this) {
                if (closed) {
                    if (syncedSeq >= seq) return;
                    throw new IOException("audit log is closed");
                }
                through = nextSeq - 1;
                o = out;
                unsynced = false;
            }
            try {
                o.sync(); // outside the log's lock: appends go on meanwhile
            } catch (IOException | RuntimeException e) {
                syncFailure = e instanceof IOException io ? io : new IOException(e);
                throw e;
            }
            syncedSeq = through;
        }
    }

    /** The hash of the last entry (all zeros when empty): keep a copy elsewhere to detect a cut-off tail. */
    public synchronized byte[] head() {
        return lastHash.clone();
    }

    /** Entries matching {@code filter}, oldest first. */
    public synchronized List<AuditEntry> entries(Predicate<AuditEntry> filter) throws IOException {
        flush();
        return scan(readAll(dir, FILE), false).entries.stream().filter(filter).toList();
    }

    /** The outcome of {@link #verify()}. */
    public record Verification(boolean ok, long entries, String problem) {}

    /** Recomputes the hash chain and every present body's hash. */
    public synchronized Verification verify() throws IOException {
        flush();
        try {
            Scan s = scan(readAll(dir, FILE), false);
            return new Verification(true, s.entries.size(), null);
        } catch (CorruptFileException e) {
            return new Verification(false, -1, e.getMessage());
        }
    }

    /**
     * Removes the bodies of every entry about {@code user} except its PURGE entries (which keep
     * the pseudonym only), by rewriting the log (write a copy, fsync, rename, fsync the directory).
     * The chain still verifies: redacted entries keep their body hashes.
     */
    public int redact(UserId user) throws IOException {
        synchronized (syncLock) { // no fsync of the old file may run while it is replaced
            synchronized (this) {
                return redactLocked(user);
            }
        }
    }

    private int redactLocked(UserId user) throws IOException {
        flush();
        String subject = pseudonym(user);
        byte[] all = readAll(dir, FILE);
        Scan s = scan(all, false);
        int headerLength = Framing.headerLength(FORMAT);
        ByteArrayOutputStream copy = new ByteArrayOutputStream(all.length);
        copy.write(all, 0, headerLength);
        int redacted = 0;
        for (int i = 0; i < s.entries.size(); i++) {
            AuditEntry e = s.entries.get(i);
            Raw r = s.raw.get(i);
            if (!e.redacted() && e.subject().equals(subject) && e.action() != Action.PURGE) {
                copy.writeBytes(encode(e.seq(), e.at().toEpochMilli(), r.prev, r.bodyHash, e.hash(), true, new byte[0]));
                redacted++;
            } else {
                copy.write(all, r.offset, r.length);
            }
        }
        if (redacted == 0) return 0;
        out.close();
        dir.delete(FILE + ".tmp");
        try (FileOutput o = dir.create(FILE + ".tmp")) {
            o.write(copy.toByteArray());
            o.sync();
        }
        dir.rename(FILE + ".tmp", FILE);
        dir.syncDirectory();
        size = copy.size();
        out = dir.openAppend(FILE);
        return redacted;
    }

    private void flush() throws IOException {
        if (unsynced) {
            out.sync();
            unsynced = false;
        }
    }

    @Override
    public void close() throws IOException {
        synchronized (syncLock) {
            synchronized (this) {
                if (closed) return;
                closed = true;
                try {
                    flush();
                    syncedSeq = nextSeq - 1;
                } finally {
                    dev.engram.io.Closeables.closeAll(out, dir);
                }
            }
        }
    }

    // ------------------------------------------------------------------ encoding

    private record Raw(int offset, int length, byte[] prev, byte[] bodyHash) {}

    private static final class Scan {
        final List<AuditEntry> entries = new ArrayList<>();
        final List<Raw> raw = new ArrayList<>();
        long validLength;
    }

    /** Parses and verifies; with {@code tolerateTornTail}, an incomplete or bad last entry ends the scan instead of failing. */
    private Scan scan(byte[] all, boolean tolerateTornTail) throws CorruptFileException {
        String file = dir.location(FILE);
        int pos = Framing.headerLength(FORMAT);
        Framing.checkHeader(file, all, 0, MAGIC, FORMAT, VERSION, VERSION);
        Scan s = new Scan();
        byte[] prev = new byte[32];
        long expectSeq = 1;
        while (pos < all.length) {
            ByteBuffer b = ByteBuffer.wrap(all, pos, all.length - pos);
            int length = b.remaining() >= 8 ? b.getInt() : -1;
            int crc = length >= 0 ? b.getInt() : 0;
            boolean complete = length >= FIXED && length <= b.remaining();
            if (!complete || Framing.crc32c(all, pos + 8, length) != crc) {
                boolean last = !complete || pos + 8 + length == all.length;
                if (tolerateTornTail && last) break;
                throw new CorruptFileException(file, pos, complete ? "audit entry checksum mismatch" : "truncated audit entry",
                        "a valid entry", "damage", "the audit log was altered or damaged");
            }
            long seq = b.getLong();
            long millis = b.getLong();
            byte[] p = new byte[32];
            b.get(p);
            byte[] bodyHash = new byte[32];
            b.get(bodyHash);
            byte[] stored = new byte[32];
            b.get(stored);
            boolean redacted = b.get() != 0;
            byte[] body = new byte[length - FIXED];
            b.get(body);
            if (seq != expectSeq) throw chain(file, pos, "sequence " + expectSeq, "sequence " + seq);
            if (!Arrays.equals(p, prev)) throw chain(file, pos, "the previous entry's hash", "another hash");
            byte[] hash = link(seq, millis, p, bodyHash);
            if (!MessageDigest.isEqual(hash, stored)) throw chain(file, pos, "the entry's own hash", "another hash");
            AuditEntry e;
            if (redacted) {
                if (body.length != 0) throw chain(file, pos, "no body in a redacted entry", body.length + " bytes");
                e = new AuditEntry(seq, Instant.ofEpochMilli(millis), "", Action.REDACTED, "", Map.of(), true, hash);
            } else {
                if (!Arrays.equals(sha256(body), bodyHash)) throw chain(file, pos, "the body's hash", "a different body");
                e = decodeBody(file, pos, seq, millis, body, hash);
            }
            s.entries.add(e);
            s.raw.add(new Raw(pos, 8 + length, p, bodyHash));
            prev = e.hash();
            expectSeq++;
            pos += 8 + length;
            s.validLength = pos;
        }
        if (s.entries.isEmpty()) s.validLength = Framing.headerLength(FORMAT);
        return s;
    }

    private static CorruptFileException chain(String file, long pos, String expected, String actual) {
        return new CorruptFileException(file, pos, "audit chain broken", expected, actual, "an entry was altered, removed or reordered");
    }

    private static byte[] encode(long seq, long millis, byte[] prev, byte[] bodyHash, byte[] hash, boolean redacted, byte[] body) {
        int length = FIXED + body.length;
        ByteBuffer b = ByteBuffer.allocate(8 + length);
        b.putInt(length).putInt(0).putLong(seq).putLong(millis).put(prev).put(bodyHash).put(hash).put((byte) (redacted ? 1 : 0))
                .put(body);
        byte[] a = b.array();
        ByteBuffer.wrap(a, 4, 4).putInt(Framing.crc32c(a, 8, length));
        return a;
    }

    private static byte[] body(String actor, Action action, String subject, Map<String, Long> counts) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream o = new DataOutputStream(bytes)) {
            o.writeUTF(actor);
            o.writeUTF(action.name());
            o.writeUTF(subject);
            TreeMap<String, Long> sorted = new TreeMap<>(counts);
            o.writeShort(sorted.size());
            for (Map.Entry<String, Long> c : sorted.entrySet()) {
                o.writeUTF(c.getKey());
                o.writeLong(c.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static AuditEntry decodeBody(String file, long pos, long seq, long millis, byte[] body, byte[] hash)
            throws CorruptFileException {
        try (var in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(body))) {
            String actor = in.readUTF();
            Action action = Action.valueOf(in.readUTF());
            String subject = in.readUTF();
            int n = in.readUnsignedShort();
            Map<String, Long> counts = new TreeMap<>();
            for (int i = 0; i < n; i++) counts.put(in.readUTF(), in.readLong());
            return new AuditEntry(seq, Instant.ofEpochMilli(millis), actor, action, subject, counts, false, hash);
        } catch (IOException | IllegalArgumentException e) {
            throw new CorruptFileException(file, pos, "undecodable audit entry body", "a body", "garbage", "written by a newer Engram?");
        }
    }

    private byte[] link(long seq, long millis, byte[] prev, byte[] bodyHash) {
        ByteBuffer b = ByteBuffer.allocate(16 + 64).putLong(seq).putLong(millis).put(prev).put(bodyHash);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(b.array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    private static byte[] readAll(Storage dir, String name) throws IOException {
        long n = dir.size(name);
        if (n > Integer.MAX_VALUE - 16) throw new IOException(dir.location(name) + " is too large to read at once");
        byte[] b = new byte[(int) n];
        try (FileInput in = dir.openInput(name)) {
            in.readFully(0, b, 0, b.length);
        }
        return b;
    }
}
