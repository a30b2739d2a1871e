package dev.engram.memory;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One version of one memory of one user. A memory is never overwritten: an update, a supersede or
 * an archive writes a new {@code Memory} with the same {@link #id()} and a higher
 * {@link #version()}; the older versions stay readable for history and as-of queries.
 *
 * <p>Times: {@link #createdAt()} is when the memory (version 1) was first stored,
 * {@link #updatedAt()} when this version was stored; {@link #eventTime()} is when the described
 * thing happened (if known); {@link #validFrom()}/{@link #validTo()} bound when the content was
 * true in the world ({@code validTo == null}: still true). Every instant round-trips exactly
 * (nanoseconds included) through the store.
 *
 * <p>Bounds (violations raise {@link ValidationException} naming the field): content
 * 1 to {@value #MAX_CONTENT_BYTES} UTF-8 bytes, non-blank, no NUL or unpaired surrogate; at most
 * {@value #MAX_CATEGORIES} categories of at most {@value #MAX_CATEGORY_LENGTH} characters;
 * importance in [0, 1]; at most {@value #MAX_METADATA_ENTRIES} metadata entries, keys at most
 * {@value #MAX_METADATA_KEY_LENGTH} characters, keys and values together at most
 * {@value #MAX_METADATA_BYTES} UTF-8 bytes; {@code version >= 1}; {@code accessCount >= 0};
 * {@code createdAt <= updatedAt}; {@code validTo}, when set, not before {@code validFrom}.
 * Categories are kept as a sorted set (they double as tags), metadata as a sorted map, so equal
 * memories encode to equal bytes.
 *
 * <p>Immutable and thread-safe; build one with {@link #builder()} or {@link #toBuilder()}.
 */
public final class Memory {
    public static final int MAX_CONTENT_BYTES = 32 * 1024;
    public static final int MAX_CATEGORIES = 32;
    public static final int MAX_CATEGORY_LENGTH = 64;
    public static final int MAX_METADATA_ENTRIES = 64;
    public static final int MAX_METADATA_KEY_LENGTH = 128;
    public static final int MAX_METADATA_BYTES = 8 * 1024;
    public static final int MAX_MODEL_ID_LENGTH = 256;

    private final MemoryId id;
    private final UserId user;
    private final long version;
    private final String content;
    private final MemoryType type;
    private final Set<String> categories;
    private final double importance;
    private final Map<String, String> metadata;
    private final Source source;
    private final Instant createdAt;
    private final Instant updatedAt;
    private final Instant eventTime;
    private final Instant validFrom;
    private final Instant validTo;
    private final MemoryId supersededBy;
    private final MemoryStatus status;
    private final long accessCount;
    private final Instant lastAccess;
    private final Instant expiresAt;
    private final String embeddingModelId;

    private Memory(Builder b) {
        id = require("id", b.id);
        user = require("user", b.user);
        if (b.version < 1) throw new ValidationException("version", "must be >= 1, was " + b.version);
        version = b.version;
        content = checkContent(b.content);
        type = require("type", b.type);
        categories = checkCategories(b.categories);
        if (!(b.importance >= 0.0 && b.importance <= 1.0)) {
            throw new ValidationException("importance", "must be in [0, 1], was " + b.importance);
        }
        importance = b.importance;
        metadata = checkMetadata(b.metadata);
        source = b.source == null ? Source.NONE : b.source;
        createdAt = require("createdAt", b.createdAt);
        updatedAt = b.updatedAt == null ? createdAt : b.updatedAt;
        if (updatedAt.isBefore(createdAt)) throw new ValidationException("updatedAt", "is before createdAt");
        eventTime = b.eventTime;
        validFrom = b.validFrom == null ? createdAt : b.validFrom;
        validTo = b.validTo;
        if (validTo != null && validTo.isBefore(validFrom)) {
            throw new ValidationException("validTo", "is before validFrom");
        }
        supersededBy = b.supersededBy;
        if (id.equals(supersededBy)) throw new ValidationException("supersededBy", "a memory cannot supersede itself");
        status = require("status", b.status);
        if (b.accessCount < 0) throw new ValidationException("accessCount", "must be >= 0, was " + b.accessCount);
        accessCount = b.accessCount;
        lastAccess = b.lastAccess;
        expiresAt = b.expiresAt;
        embeddingModelId = Strings.checkOptional("embeddingModelId", b.embeddingModelId, MAX_MODEL_ID_LENGTH);
    }

    private static <T> T require(String field, T value) {
        if (value == null) throw new ValidationException(field, "is missing");
        return value;
    }

    private static String checkContent(String content) {
        if (content == null) throw new ValidationException("content", "is missing");
        if (content.isBlank()) throw new ValidationException("content", "is blank");
        if (content.length() > MAX_CONTENT_BYTES || Strings.utf8Length(content) > MAX_CONTENT_BYTES) {
            throw new ValidationException("content", "is longer than " + MAX_CONTENT_BYTES + " UTF-8 bytes");
        }
        Strings.checkText("content", content);
        return content;
    }

    private static Set<String> checkCategories(Set<String> in) {
        if (in == null || in.isEmpty()) return Set.of();
        if (in.size() > MAX_CATEGORIES) {
            throw new ValidationException("categories", in.size() + " categories, at most " + MAX_CATEGORIES);
        }
        TreeSet<String> out = new TreeSet<>();
        for (String c : in) out.add(Strings.checkRequired("categories", c, MAX_CATEGORY_LENGTH));
        return Collections.unmodifiableSortedSet(out);
    }

    private static Map<String, String> checkMetadata(Map<String, String> in) {
        if (in == null || in.isEmpty()) return Map.of();
        if (in.size() > MAX_METADATA_ENTRIES) {
            throw new ValidationException("metadata", in.size() + " entries, at most " + MAX_METADATA_ENTRIES);
        }
        TreeMap<String, String> out = new TreeMap<>();
        long bytes = 0;
        for (Map.Entry<String, String> e : in.entrySet()) {
            String k = Strings.checkRequired("metadata.key", e.getKey(), MAX_METADATA_KEY_LENGTH);
            String v = e.getValue();
            if (v == null) throw new ValidationException("metadata." + k, "value is missing");
            if (v.length() > MAX_METADATA_BYTES) {
                throw new ValidationException("metadata", "keys and values exceed " + MAX_METADATA_BYTES + " UTF-8 bytes");
            }
            Strings.checkText("metadata." + k, v);
            bytes += Strings.utf8Length(k) + Strings.utf8Length(v);
            out.put(k, v);
        }
        if (bytes > MAX_METADATA_BYTES) {
            throw new ValidationException("metadata", "keys and values take " + bytes + " UTF-8 bytes, at most " + MAX_METADATA_BYTES);
        }
        return Collections.unmodifiableSortedMap(out);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding every field of this version, to make the next version from. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.id = id; b.user = user; b.version = version; b.content = content; b.type = type;
        b.categories = categories; b.importance = importance; b.metadata = metadata; b.source = source;
        b.createdAt = createdAt; b.updatedAt = updatedAt; b.eventTime = eventTime; b.validFrom = validFrom;
        b.validTo = validTo; b.supersededBy = supersededBy; b.status = status; b.accessCount = accessCount;
        b.lastAccess = lastAccess; b.expiresAt = expiresAt; b.embeddingModelId = embeddingModelId;
        return b;
    }

    public MemoryId id() { return id; }
    public UserId user() { return user; }
    public long version() { return version; }
    public String content() { return content; }
    public MemoryType type() { return type; }
    /** Sorted, unmodifiable. */
    public Set<String> categories() { return categories; }
    public double importance() { return importance; }
    /** Sorted by key, unmodifiable. */
    public Map<String, String> metadata() { return metadata; }
    public Source source() { return source; }
    public Instant createdAt() { return createdAt; }
    public Instant updatedAt() { return updatedAt; }
    /** When the described thing happened, or {@code null}. */
    public Instant eventTime() { return eventTime; }
    public Instant validFrom() { return validFrom; }
    /** When the content stopped being true, or {@code null} while it still is. */
    public Instant validTo() { return validTo; }
    /** The memory that replaced this one, or {@code null}. */
    public MemoryId supersededBy() { return supersededBy; }
    public MemoryStatus status() { return status; }
    public long accessCount() { return accessCount; }
    /** {@code null} if never retrieved. */
    public Instant lastAccess() { return lastAccess; }
    /** {@code null} if it never expires. */
    public Instant expiresAt() { return expiresAt; }
    /** The model that embedded the content, or {@code null} if not embedded. */
    public String embeddingModelId() { return embeddingModelId; }

    /** Whether the content was true at {@code t}: {@code validFrom <= t < validTo}. */
    public boolean validAt(Instant t) {
        return !t.isBefore(validFrom) && (validTo == null || t.isBefore(validTo));
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof Memory m)) return false;
        return version == m.version && Double.compare(importance, m.importance) == 0 && accessCount == m.accessCount
                && id.equals(m.id) && user.equals(m.user) && content.equals(m.content) && type == m.type
                && categories.equals(m.categories) && metadata.equals(m.metadata) && source.equals(m.source)
                && createdAt.equals(m.createdAt) && updatedAt.equals(m.updatedAt)
                && Objects.equals(eventTime, m.eventTime) && validFrom.equals(m.validFrom)
                && Objects.equals(validTo, m.validTo) && Objects.equals(supersededBy, m.supersededBy)
                && status == m.status && Objects.equals(lastAccess, m.lastAccess)
                && Objects.equals(expiresAt, m.expiresAt) && Objects.equals(embeddingModelId, m.embeddingModelId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, version, content, status, updatedAt);
    }

    /** Names the memory and version but not the content, so logs never carry user text. */
    @Override
    public String toString() {
        return "Memory[id=" + id + ", user=" + user + ", version=" + version + ", type=" + type + ", status=" + status + "]";
    }

    /** Collects fields; {@link #build()} validates them all. Not thread-safe. */
    public static final class Builder {
        private MemoryId id;
        private UserId user;
        private long version = 1;
        private String content;
        private MemoryType type;
        private Set<String> categories = Set.of();
        private double importance = 0.5;
        private Map<String, String> metadata = Map.of();
        private Source source = Source.NONE;
        private Instant createdAt;
        private Instant updatedAt;
        private Instant eventTime;
        private Instant validFrom;
        private Instant validTo;
        private MemoryId supersededBy;
        private MemoryStatus status = MemoryStatus.ACTIVE;
        private long accessCount;
        private Instant lastAccess;
        private Instant expiresAt;
        private String embeddingModelId;

        private Builder() {}

        public Builder id(MemoryId v) { id = v; return this; }
        public Builder user(UserId v) { user = v; return this; }
        public Builder version(long v) { version = v; return this; }
        public Builder content(String v) { content = v; return this; }
        public Builder type(MemoryType v) { type = v; return this; }
        public Builder categories(Set<String> v) { categories = v; return this; }
        public Builder importance(double v) { importance = v; return this; }
        public Builder metadata(Map<String, String> v) { metadata = v; return this; }
        public Builder source(Source v) { source = v; return this; }
        public Builder createdAt(Instant v) { createdAt = v; return this; }
        /** Defaults to {@code createdAt}. */
        public Builder updatedAt(Instant v) { updatedAt = v; return this; }
        public Builder eventTime(Instant v) { eventTime = v; return this; }
        /** Defaults to {@code createdAt}. */
        public Builder validFrom(Instant v) { validFrom = v; return this; }
        public Builder validTo(Instant v) { validTo = v; return this; }
        public Builder supersededBy(MemoryId v) { supersededBy = v; return this; }
        public Builder status(MemoryStatus v) { status = v; return this; }
        public Builder accessCount(long v) { accessCount = v; return this; }
        public Builder lastAccess(Instant v) { lastAccess = v; return this; }
        public Builder expiresAt(Instant v) { expiresAt = v; return this; }
        public Builder embeddingModelId(String v) { embeddingModelId = v; return this; }

        /** Validates every field and returns the immutable memory. */
        public Memory build() {
            return new Memory(this);
        }
    }
}
