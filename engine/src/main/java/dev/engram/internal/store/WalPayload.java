package dev.engram.internal.store;

import dev.engram.internal.format.ByteReader;
import dev.engram.internal.format.ByteWriter;
import dev.engram.internal.format.Corruption;
import dev.engram.internal.segment.RecordCodec;
import dev.engram.internal.segment.SegmentRecord;
import dev.engram.io.CorruptFileException;
import dev.engram.memory.UserId;
import dev.engram.memory.ValidationException;
import dev.engram.internal.crypto.UserKey;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The payload of the memory store's write-ahead log records: one user's mutations, written and
 * applied atomically. The one place that encodes and decodes them, including the per-user
 * encryption of the body (crypto-shredding): the user id stays outside the body, so recovery knows
 * whose key to use and a purge can find the user's records.
 * Integers big-endian, {@code varint} unsigned LEB128, {@code str} a varint length then UTF-8.
 * <pre>
 * WAL record type {@value #TYPE} (0x454D5331, "EMS1")
 * payload := u8 version (1), u8 flags, str userId, then
 *              flags 0: body                         (unencrypted store)
 *              flags 1: u64 keyId, sealed            (bit 0: body encrypted with the user's data key)
 * sealed  := nonce (12) | AES-256-GCM(body) | tag (16),
 *            AAD = str "engram.wal.v1" | u8 version | u8 flags | str userId | u64 keyId
 * body    := varint count (1..65,536), count × mutation
 * mutation:= u8 tag, varint length, length bytes
 *   tag 1 PUT      bytes = a {@link RecordCodec} VERSION (kind 1) or EMBEDDED_VERSION (kind 3) record
 *   tag 2 DELETE   bytes = a {@link RecordCodec} TOMBSTONE (kind 2) record
 *   tag 3 EVENT    bytes = the pipeline's opaque event
 *   tag 4 JOURNAL  bytes = the opaque journal entry (stored as a JOURNAL segment record with the LSN)
 * </pre>
 * Versions and tombstones must belong to the header's user; anything else is corruption.
 * Stateless; thread-safe.
 */
final class WalPayload {
    /** The WAL record type of a user's mutations. */
    static final int TYPE = 0x454D5331;
    static final int VERSION = 1;
    static final int MAX_MUTATIONS = 65_536;
    private static final int TAG_PUT = 1;
    private static final int TAG_DELETE = 2;
    private static final int TAG_EVENT = 3;
    private static final int TAG_JOURNAL = 4;

    private WalPayload() {}

    static final int FLAG_ENCRYPTED = 1;

    /**
     * A decoded record: the user and the mutations, in order. {@code keyDestroyed}: the body was
     * encrypted under a data key that no longer exists (the user was purged); {@code mutations} is
     * then empty and the record is skipped as purged.
     */
    record Decoded(UserId user, List<MemoryStore.Mutation> mutations, boolean keyDestroyed) {
        Decoded(UserId user, List<MemoryStore.Mutation> mutations) {
            this(user, mutations, false);
        }
    }

    /** How decoding finds a user's current data key (empty: none, or destroyed). */
    interface Keys {
        Optional<UserKey> get(UserId user) throws IOException;
    }

    static byte[] encode(UserId user, List<MemoryStore.Mutation> mutations) {
        return encode(user, mutations, null);
    }

    /** The payload, its body encrypted with {@code key} (null: unencrypted, flags 0). */
    static byte[] encode(UserId user, List<MemoryStore.Mutation> mutations, UserKey key) {
        if (mutations.isEmpty() || mutations.size() > MAX_MUTATIONS) {
            throw new IllegalArgumentException("a write holds 1.." + MAX_MUTATIONS + " mutations, got " + mutations.size());
        }
        if (key != null && !key.user().equals(user)) throw new IllegalArgumentException("key of another user");
        ByteWriter out = new ByteWriter(256);
        out.u8(VERSION).u8(key == null ? 0 : FLAG_ENCRYPTED).string(user.value());
        if (key != null) out.u64(key.id());
        int headerLength = out.size();
        out.varint(mutations.size());
        ByteWriter item = new ByteWriter(256);
        for (MemoryStore.Mutation m : mutations) {
            item.reset();
            int tag = switch (m) {
                case MemoryStore.Mutation.Put p -> {
                    RecordCodec.encode(new SegmentRecord.Version(p.memory(), p.embedding()), item);
                    yield TAG_PUT;
                }
                case MemoryStore.Mutation.Delete d -> {
                    RecordCodec.encode(new SegmentRecord.Tombstone(user, d.id(), d.at()), item);
                    yield TAG_DELETE;
                }
                case MemoryStore.Mutation.Event e -> {
                    item.bytes(e.payload());
                    yield TAG_EVENT;
                }
                case MemoryStore.Mutation.Journal j -> {
                    item.bytes(j.payload());
                    yield TAG_JOURNAL;
                }
            };
            out.u8(tag).varint(item.size()).bytes(item.array(), 0, item.size());
        }
        if (key == null) return out.toByteArray();
        byte[] aad = aad(out.array(), headerLength);
        byte[] sealed = key.seal(aad, out.array(), headerLength, out.size() - headerLength);
        byte[] payload = new byte[headerLength + sealed.length];
        System.arraycopy(out.array(), 0, payload, 0, headerLength);
        System.arraycopy(sealed, 0, payload, headerLength, sealed.length);
        return payload;
    }

    private static byte[] aad(byte[] header, int length) {
        ByteWriter w = new ByteWriter(length + 16);
        w.string("engram.wal.v1").bytes(header, 0, length);
        return w.toByteArray();
    }

    /** Decodes an unencrypted store's payload (an encrypted one is corruption here). */
    static Decoded decode(byte[] payload, long lsn, String log) throws CorruptFileException {
        try {
            return decode(payload, lsn, log, null);
        } catch (CorruptFileException e) {
            throw e;
        } catch (IOException e) {
            throw new IllegalStateException("no key store was consulted", e);
        }
    }

    /**
     * Decodes the payload of the record at {@code lsn}; damage (including a body that does not
     * authenticate) is a {@link CorruptFileException} naming the LSN. {@code keys} null: the store is
     * unencrypted and every record must be too; otherwise every record must be encrypted, and one
     * whose key is gone decodes as {@link Decoded#keyDestroyed()}.
     */
    static Decoded decode(byte[] payload, long lsn, String log, Keys keys) throws IOException {
        String where = log + " (record LSN " + lsn + ")";
        ByteReader in = new ByteReader(payload, 0, payload.length, where, 0);
        int version = in.u8();
        if (version != VERSION) throw in.corrupt("unknown memory-store payload version " + version);
        int flags = in.u8();
        if (flags != 0 && flags != FLAG_ENCRYPTED) throw in.corrupt("unknown payload flags 0x" + Integer.toHexString(flags));
        if ((flags == FLAG_ENCRYPTED) != (keys != null)) {
            throw in.corrupt(keys == null ? "encrypted record in an unencrypted store" : "unencrypted record in an encrypted store");
        }
        UserId user;
        try {
            user = UserId.of(in.string(UserId.MAX_LENGTH));
        } catch (ValidationException e) {
            throw in.corrupt("invalid user id: " + e.getMessage());
        }
        if (keys != null) {
            long keyId = in.u64();
            int headerLength = in.position();
            Optional<UserKey> key = keys.get(user);
            if (key.isEmpty() || key.get().id() != keyId) return new Decoded(user, List.of(), true);
            byte[] body = key.get().open(aad(payload, headerLength), payload, headerLength, payload.length - headerLength);
            if (body == null) {
                throw Corruption.of(where, headerLength, "encrypted body does not authenticate (AES-GCM tag mismatch)",
                        "log damaged, or a record altered or moved from another user");
            }
            return decodeBody(new ByteReader(body, 0, body.length, where + " (decrypted body)", headerLength), user, where);
        }
        return decodeBody(in, user, where);
    }

    private static Decoded decodeBody(ByteReader in, UserId user, String where) throws CorruptFileException {
        byte[] payload = in.array();
        int count = in.varint(MAX_MUTATIONS);
        if (count < 1) throw in.corrupt("a write with no mutations");
        List<MemoryStore.Mutation> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int tag = in.u8();
            int length = in.varint(payload.length);
            long at = in.offset();
            byte[] bytes = in.bytes(length);
            out.add(switch (tag) {
                case TAG_PUT, TAG_DELETE -> {
                    SegmentRecord r = RecordCodec.decode(new ByteReader(bytes, 0, bytes.length, where, at));
                    if (!r.user().equals(user)) throw Corruption.of(where, at, "mutation of user " + r.user() + " in a record of " + user, "log damaged?");
                    yield switch (r) {
                        case SegmentRecord.Version v when tag == TAG_PUT -> new MemoryStore.Mutation.Put(v.memory(), v.embedding());
                        case SegmentRecord.Tombstone t when tag == TAG_DELETE -> new MemoryStore.Mutation.Delete(t.memoryId(), t.deletedAt());
                        default -> throw Corruption.of(where, at, "tag " + tag + " holds a " + r.getClass().getSimpleName(), "log damaged?");
                    };
                }
                case TAG_EVENT -> new MemoryStore.Mutation.Event(bytes);
                case TAG_JOURNAL -> new MemoryStore.Mutation.Journal(bytes);
                default -> throw Corruption.of(where, at - 1, "unknown mutation tag " + tag, "written by a newer version?");
            });
        }
        in.expectEnd("memory-store payload");
        return new Decoded(user, out);
    }

    /**
     * The segment records of a write: puts, deletes and journal entries (with {@code lsn}, the LSN
     * of the WAL record carrying them); events are not stored in segments.
     */
    static List<SegmentRecord> records(UserId user, List<MemoryStore.Mutation> mutations, long lsn) {
        List<SegmentRecord> out = new ArrayList<>(mutations.size());
        for (MemoryStore.Mutation m : mutations) {
            switch (m) {
                case MemoryStore.Mutation.Put p -> out.add(new SegmentRecord.Version(p.memory(), p.embedding()));
                case MemoryStore.Mutation.Delete d -> out.add(new SegmentRecord.Tombstone(user, d.id(), d.at()));
                case MemoryStore.Mutation.Journal j -> out.add(new SegmentRecord.Journal(user, lsn, j.payload()));
                case MemoryStore.Mutation.Event e -> { }
            }
        }
        return out;
    }
}
