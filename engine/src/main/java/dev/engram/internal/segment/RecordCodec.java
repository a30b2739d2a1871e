package dev.engram.internal.segment;

import dev.engram.internal.format.ByteReader;
import dev.engram.internal.format.ByteWriter;
import dev.engram.internal.format.Corruption;
import dev.engram.io.CorruptFileException;
import dev.engram.memory.Memory;
import dev.engram.memory.MemoryId;
import dev.engram.memory.MemoryStatus;
import dev.engram.memory.MemoryType;
import dev.engram.memory.Source;
import dev.engram.memory.UserId;
import dev.engram.memory.ValidationException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The binary encoding of {@link SegmentRecord}s, version 1 (the segment header's version). Every
 * field of a {@link Memory} round-trips exactly, instants to the nanosecond. Integers are
 * big-endian; {@code varint} is unsigned LEB128, {@code zigzag} a zig-zag varint, {@code str} a
 * varint byte length then UTF-8, {@code instant} a zigzag epoch second then a varint nanosecond.
 *
 * <pre>
 * record    := u8 kind, body              kind 1 = VERSION, 2 = TOMBSTONE, 3 = EMBEDDED_VERSION, 4 = JOURNAL
 * VERSION   := u64 idHigh, u64 idLow, str user, varint version, u8 type, u8 status,
 *              u16 presence,                       bit i set = optional field i present:
 *              str content,                        0 eventTime 1 validTo 2 supersededBy
 *              varint nCategories, str*            3 lastAccess 4 expiresAt 5 embeddingModelId
 *              u64 importance (IEEE 754 bits)      6 source.sessionId 7 source.extractorId
 *              varint nMetadata, (str key, str value)*   8 source.modelId
 *              [str sessionId], varint nTurns, str*, [str extractorId], [str modelId],
 *              instant createdAt, instant updatedAt, [instant eventTime], instant validFrom,
 *              [instant validTo], [u64 high, u64 low supersededBy], varint accessCount,
 *              [instant lastAccess], [instant expiresAt], [str embeddingModelId]
 * TOMBSTONE := u64 idHigh, u64 idLow, str user, instant deletedAt
 * EMBEDDED_VERSION := VERSION fields, varint dimension (1..16384), dimension × u32 (IEEE 754 float bits)
 * JOURNAL   := str user, u64 lsn, varint length (0..4 MiB), length × u8 payload
 * </pre>
 *
 * Kind 4 (journal entries, added with the memory store's WAL integration) was added beside the
 * others without changing them: files without journal entries are byte for byte what they were.
 *
 * A version with an embedding is written as kind 3, one without as kind 1, byte for byte as before
 * kind 3 existed: files written before embeddings stay readable, and a version without an
 * embedding costs no extra byte. Embedding components must be finite.
 *
 * Decoding checks every length and code and re-validates the memory through its builder; any
 * violation is a {@link CorruptFileException}. Stateless; thread-safe.
 */
public final class RecordCodec {
    static final int KIND_VERSION = 1;
    static final int KIND_TOMBSTONE = 2;
    static final int KIND_EMBEDDED_VERSION = 3;
    static final int KIND_JOURNAL = 4;
    /** The largest embedding dimension a record may carry (the vector index's limit). */
    public static final int MAX_DIMENSION = 16_384;
    private static final int KNOWN_PRESENCE = 0x1FF;
    private static final int MAX_STRING = 64 * 1024;

    private RecordCodec() {}

    public static void encode(SegmentRecord record, ByteWriter out) {
        switch (record) {
            case SegmentRecord.Version v -> {
                float[] e = v.embedding();
                encodeVersion(v.memory(), e == null ? KIND_VERSION : KIND_EMBEDDED_VERSION, out);
                if (e != null) {
                    if (e.length < 1 || e.length > MAX_DIMENSION) throw new IllegalArgumentException("embedding dimension " + e.length);
                    out.varint(e.length);
                    for (float f : e) out.u32(Float.floatToRawIntBits(f));
                }
            }
            case SegmentRecord.Tombstone t -> {
                out.u8(KIND_TOMBSTONE);
                id(out, t.memoryId());
                out.string(t.user().value());
                instant(out, t.deletedAt());
            }
            case SegmentRecord.Journal j -> {
                out.u8(KIND_JOURNAL);
                out.string(j.user().value());
                out.u64(j.lsn());
                out.varint(j.payload().length);
                out.bytes(j.payload());
            }
        }
    }

    private static void encodeVersion(Memory m, int kind, ByteWriter out) {
        Source s = m.source();
        int presence = bit(m.eventTime(), 0) | bit(m.validTo(), 1) | bit(m.supersededBy(), 2) | bit(m.lastAccess(), 3)
                | bit(m.expiresAt(), 4) | bit(m.embeddingModelId(), 5) | bit(s.sessionId(), 6)
                | bit(s.extractorId(), 7) | bit(s.modelId(), 8);
        out.u8(kind);
        id(out, m.id());
        out.string(m.user().value());
        out.varlong(m.version());
        out.u8(m.type().code()).u8(m.status().code());
        out.u16(presence);
        out.string(m.content());
        out.varint(m.categories().size());
        for (String c : m.categories()) out.string(c);
        out.u64(Double.doubleToRawLongBits(m.importance()));
        out.varint(m.metadata().size());
        for (Map.Entry<String, String> e : m.metadata().entrySet()) out.string(e.getKey()).string(e.getValue());
        if (s.sessionId() != null) out.string(s.sessionId());
        out.varint(s.turnIds().size());
        for (String t : s.turnIds()) out.string(t);
        if (s.extractorId() != null) out.string(s.extractorId());
        if (s.modelId() != null) out.string(s.modelId());
        instant(out, m.createdAt());
        instant(out, m.updatedAt());
        if (m.eventTime() != null) instant(out, m.eventTime());
        instant(out, m.validFrom());
        if (m.validTo() != null) instant(out, m.validTo());
        if (m.supersededBy() != null) id(out, m.supersededBy());
        out.varlong(m.accessCount());
        if (m.lastAccess() != null) instant(out, m.lastAccess());
        if (m.expiresAt() != null) instant(out, m.expiresAt());
        if (m.embeddingModelId() != null) out.string(m.embeddingModelId());
    }

    /** Decodes one record; {@code in} must hold exactly the record. */
    public static SegmentRecord decode(ByteReader in) throws CorruptFileException {
        long start = in.offset();
        int kind = in.u8();
        try {
            SegmentRecord r = switch (kind) {
                case KIND_VERSION -> new SegmentRecord.Version(decodeVersion(in));
                case KIND_EMBEDDED_VERSION -> {
                    Memory m = decodeVersion(in);
                    int dim = in.varint(MAX_DIMENSION);
                    if (dim < 1) throw in.corrupt("embedding dimension 0");
                    float[] e = new float[dim];
                    for (int i = 0; i < dim; i++) {
                        e[i] = Float.intBitsToFloat(in.u32());
                        if (!Float.isFinite(e[i])) throw in.corrupt("embedding component " + i + " is not finite");
                    }
                    yield new SegmentRecord.Version(m, e);
                }
                case KIND_TOMBSTONE -> {
                    MemoryId id = readId(in);
                    UserId user = UserId.of(in.string(MAX_STRING));
                    yield new SegmentRecord.Tombstone(user, id, readInstant(in));
                }
                case KIND_JOURNAL -> {
                    UserId user = UserId.of(in.string(MAX_STRING));
                    long lsn = in.u64();
                    if (lsn < 0) throw in.corrupt("negative journal LSN " + lsn);
                    int n = in.varint(SegmentRecord.Journal.MAX_PAYLOAD);
                    yield new SegmentRecord.Journal(user, lsn, in.bytes(n));
                }
                default -> throw in.corrupt("unknown record kind " + kind);
            };
            in.expectEnd("record");
            return r;
        } catch (ValidationException e) {
            throw Corruption.of(in.file(), start, "record violates a bound: " + e.getMessage(),
                    "file damaged or written by an incompatible version?");
        }
    }

    private static Memory decodeVersion(ByteReader in) throws CorruptFileException {
        Memory.Builder b = Memory.builder();
        b.id(readId(in));
        b.user(UserId.of(in.string(MAX_STRING)));
        long version = in.varlong();
        b.version(version);
        int typeCode = in.u8();
        MemoryType type = MemoryType.ofCode(typeCode);
        if (type == null) throw in.corrupt("unknown memory type code " + typeCode);
        int statusCode = in.u8();
        MemoryStatus status = MemoryStatus.ofCode(statusCode);
        if (status == null) throw in.corrupt("unknown memory status code " + statusCode);
        b.type(type).status(status);
        int presence = in.u16();
        if ((presence & ~KNOWN_PRESENCE) != 0) throw in.corrupt("unknown presence bits 0x" + Integer.toHexString(presence));
        b.content(in.string(Memory.MAX_CONTENT_BYTES));
        int nc = in.varint(Memory.MAX_CATEGORIES);
        Set<String> categories = new LinkedHashSet<>();
        for (int i = 0; i < nc; i++) categories.add(in.string(MAX_STRING));
        if (categories.size() != nc) throw in.corrupt("duplicate category");
        b.categories(categories);
        b.importance(Double.longBitsToDouble(in.u64()));
        int nm = in.varint(Memory.MAX_METADATA_ENTRIES);
        Map<String, String> metadata = new LinkedHashMap<>();
        for (int i = 0; i < nm; i++) metadata.put(in.string(MAX_STRING), in.string(MAX_STRING));
        if (metadata.size() != nm) throw in.corrupt("duplicate metadata key");
        b.metadata(metadata);
        String session = has(presence, 6) ? in.string(MAX_STRING) : null;
        int nt = in.varint(Source.MAX_TURNS);
        List<String> turns = new ArrayList<>(nt);
        for (int i = 0; i < nt; i++) turns.add(in.string(MAX_STRING));
        String extractor = has(presence, 7) ? in.string(MAX_STRING) : null;
        String model = has(presence, 8) ? in.string(MAX_STRING) : null;
        b.source(new Source(session, turns, extractor, model));
        b.createdAt(readInstant(in));
        b.updatedAt(readInstant(in));
        if (has(presence, 0)) b.eventTime(readInstant(in));
        b.validFrom(readInstant(in));
        if (has(presence, 1)) b.validTo(readInstant(in));
        if (has(presence, 2)) b.supersededBy(readId(in));
        b.accessCount(in.varlong());
        if (has(presence, 3)) b.lastAccess(readInstant(in));
        if (has(presence, 4)) b.expiresAt(readInstant(in));
        if (has(presence, 5)) b.embeddingModelId(in.string(MAX_STRING));
        return b.build();
    }

    private static int bit(Object o, int i) {
        return o == null ? 0 : 1 << i;
    }

    private static boolean has(int presence, int i) {
        return (presence & (1 << i)) != 0;
    }

    private static void id(ByteWriter out, MemoryId id) {
        out.u64(id.mostSignificantBits()).u64(id.leastSignificantBits());
    }

    private static MemoryId readId(ByteReader in) throws CorruptFileException {
        return new MemoryId(in.u64(), in.u64());
    }

    private static void instant(ByteWriter out, Instant t) {
        out.zigzag(t.getEpochSecond()).varint(t.getNano());
    }

    private static Instant readInstant(ByteReader in) throws CorruptFileException {
        long seconds = in.zigzag();
        int nanos = in.varint(999_999_999);
        if (seconds < Instant.MIN.getEpochSecond() || seconds > Instant.MAX.getEpochSecond()) {
            throw in.corrupt("instant out of range: " + seconds + " s");
        }
        return Instant.ofEpochSecond(seconds, nanos);
    }
}
