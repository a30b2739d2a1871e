package dev.engram.internal.pipeline;

import dev.engram.extraction.extract.Role;
import dev.engram.extraction.extract.Turn;
import dev.engram.memory.Memory;
import dev.engram.memory.MemoryId;
import dev.engram.memory.UserId;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The bytes of the pipeline's WAL events and journal notes (their framing and checksums are the
 * WAL's and the segments'). Layout, big-endian, strings as {@code int length + UTF-8}, optional
 * fields behind a {@code 0/1} byte, instants as {@code long seconds + int nanos}:
 *
 * <pre>
 * accepted event  'A' u8 version=2 | id | user | opt sessionId | opt idempotencyKey | acceptedAt
 *                 | int turns × (id | u8 role | opt speaker | content | timestamp)
 *                 | int metadata × (key | value)                      (keys ascending, at most 64)
 *   version 1     as version 2 without the metadata (written before ingestion metadata existed;
 *                 still read, as an ingestion without metadata)
 * applied note    'P' u8 version=1 | id | opt idempotencyKey | acceptedAt | finishedAt | int attempts
 *                 | int duplicates | int memories × (long msb, long lsb) | int turns × (long hash, long epochMillis)
 * failed note     'F' u8 version=1 | id | opt idempotencyKey | acceptedAt | finishedAt | int attempts | error
 * </pre>
 *
 * Decoding checks every length against what remains and raises {@link IOException} on anything
 * malformed. Stateless.
 */
final class IngestionCodec {
    static final byte ACCEPTED = 'A';
    static final byte APPLIED = 'P';
    static final byte FAILED = 'F';
    private static final int VERSION = 1;
    /** The accepted event's current version (2: with metadata); version 1 is still read. */
    static final int ACCEPTED_VERSION = 2;

    /** A journal note: the outcome of one ingestion. {@code turnHashes}/{@code turnTimes} only for applied. */
    record Note(byte kind, String id, String idempotencyKey, Instant acceptedAt, Instant finishedAt, int attempts,
                int duplicates, List<MemoryId> memories, long[] turnHashes, long[] turnTimes, String error) {}

    private IngestionCodec() {}

    static byte[] accepted(Ingestion in) {
        return write(out -> {
            out.writeByte(ACCEPTED);
            out.writeByte(ACCEPTED_VERSION);
            str(out, in.id());
            str(out, in.user().value());
            opt(out, in.sessionId());
            opt(out, in.idempotencyKey());
            instant(out, in.acceptedAt());
            out.writeInt(in.turns().size());
            for (Turn t : in.turns()) {
                str(out, t.id());
                out.writeByte(t.role().ordinal());
                opt(out, t.speaker());
                str(out, t.content());
                instant(out, t.timestamp());
            }
            out.writeInt(in.metadata().size());
            for (Map.Entry<String, String> e : in.metadata().entrySet()) {
                str(out, e.getKey());
                str(out, e.getValue());
            }
        });
    }

    static Ingestion readAccepted(byte[] bytes, long lsn) throws IOException {
        DataInputStream in = input(bytes);
        if (in.readByte() != ACCEPTED) throw new IOException("ingestion event: wrong kind");
        int version = in.readUnsignedByte();
        if (version != 1 && version != ACCEPTED_VERSION) throw new IOException("accepted event: unknown version " + version);
        String id = str(in);
        UserId user;
        try {
            user = UserId.of(str(in));
        } catch (RuntimeException e) {
            throw new IOException("accepted event: bad user id", e);
        }
        String session = opt(in);
        String key = opt(in);
        Instant at = instant(in);
        int n = count(in, bytes.length);
        List<Turn> turns = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String tid = str(in);
            int role = in.readUnsignedByte();
            if (role >= Role.values().length) throw new IOException("accepted event: bad role " + role);
            String speaker = opt(in);
            String content = str(in);
            Instant ts = instant(in);
            try {
                turns.add(new Turn(tid, Role.values()[role], speaker, content, ts));
            } catch (RuntimeException e) {
                throw new IOException("accepted event: bad turn", e);
            }
        }
        Map<String, String> metadata = new TreeMap<>();
        if (version >= 2) {
            int m = count(in, Memory.MAX_METADATA_ENTRIES);
            for (int i = 0; i < m; i++) {
                String k = str(in);
                if (metadata.put(k, str(in)) != null) throw new IOException("accepted event: metadata key twice");
            }
        }
        if (in.available() > 0) throw new IOException("accepted event: " + in.available() + " bytes after its end");
        return new Ingestion(id, user, session, turns, key, at, lsn, metadata);
    }

    static byte[] note(Note n) {
        return write(out -> {
            out.writeByte(n.kind());
            out.writeByte(VERSION);
            str(out, n.id());
            opt(out, n.idempotencyKey());
            instant(out, n.acceptedAt());
            instant(out, n.finishedAt());
            out.writeInt(n.attempts());
            if (n.kind() == APPLIED) {
                out.writeInt(n.duplicates());
                out.writeInt(n.memories().size());
                for (MemoryId m : n.memories()) {
                    out.writeLong(m.mostSignificantBits());
                    out.writeLong(m.leastSignificantBits());
                }
                out.writeInt(n.turnHashes().length);
                for (int i = 0; i < n.turnHashes().length; i++) {
                    out.writeLong(n.turnHashes()[i]);
                    out.writeLong(n.turnTimes()[i]);
                }
            } else {
                str(out, n.error() == null ? "" : n.error());
            }
        });
    }

    /** Decodes a journal note, or returns null for a journal payload that is not the pipeline's. */
    static Note readNote(byte[] bytes) throws IOException {
        if (bytes.length < 2 || (bytes[0] != APPLIED && bytes[0] != FAILED)) return null;
        DataInputStream in = input(bytes);
        byte kind = in.readByte();
        if (in.readUnsignedByte() != VERSION) throw new IOException("ingestion note: unknown version");
        String id = str(in);
        String key = opt(in);
        Instant accepted = instant(in);
        Instant finished = instant(in);
        int attempts = in.readInt();
        if (kind == FAILED) {
            return new Note(kind, id, key, accepted, finished, attempts, 0, List.of(), new long[0], new long[0], str(in));
        }
        int duplicates = in.readInt();
        int m = count(in, bytes.length / 16);
        List<MemoryId> memories = new ArrayList<>(m);
        for (int i = 0; i < m; i++) {
            try {
                memories.add(new MemoryId(in.readLong(), in.readLong()));
            } catch (RuntimeException e) {
                throw new IOException("ingestion note: bad memory id", e);
            }
        }
        int t = count(in, bytes.length / 16);
        long[] hashes = new long[t];
        long[] times = new long[t];
        for (int i = 0; i < t; i++) {
            hashes[i] = in.readLong();
            times[i] = in.readLong();
        }
        return new Note(kind, id, key, accepted, finished, attempts, duplicates, memories, hashes, times, null);
    }

    private interface Body {
        void write(DataOutputStream out) throws IOException;
    }

    private static byte[] write(Body body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            body.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return bytes.toByteArray();
    }

    private static DataInputStream input(byte[] bytes) {
        return new DataInputStream(new ByteArrayInputStream(bytes));
    }

    private static int count(DataInputStream in, int max) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > max) throw new IOException("ingestion event: bad count " + n);
        return n;
    }

    private static void str(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String str(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > in.available()) throw new IOException("ingestion event: bad string length " + n);
        return new String(in.readNBytes(n), StandardCharsets.UTF_8);
    }

    private static void opt(DataOutputStream out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) str(out, s);
    }

    private static String opt(DataInputStream in) throws IOException {
        return in.readBoolean() ? str(in) : null;
    }

    private static void instant(DataOutputStream out, Instant t) throws IOException {
        out.writeLong(t.getEpochSecond());
        out.writeInt(t.getNano());
    }

    private static Instant instant(DataInputStream in) throws IOException {
        long s = in.readLong();
        int n = in.readInt();
        try {
            return Instant.ofEpochSecond(s, n);
        } catch (RuntimeException e) {
            throw new IOException("ingestion event: bad instant", e);
        }
    }
}
