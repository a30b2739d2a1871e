package dev.engram.wal;

import dev.engram.io.Storage;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.LongConsumer;

/**
 * How to open a {@link Wal}: where (a directory, or any {@link Storage}), segment size, maximum
 * record size, {@link Durability} and salvage mode. Immutable and thread-safe; build with
 * {@link #builder(Path)} or {@link #builder(Storage)}.
 */
public final class WalOptions {
    /** Default segment size: 64 MiB. */
    public static final long DEFAULT_SEGMENT_SIZE = 64L << 20;
    /** Default maximum record payload: 4 MiB. */
    public static final int DEFAULT_MAX_RECORD_SIZE = 4 << 20;
    /** Smallest allowed segment size (small segments are for tests). */
    public static final long MIN_SEGMENT_SIZE = 1024;
    /** Largest allowed segment size. */
    public static final long MAX_SEGMENT_SIZE = 1L << 30;

    private final Path directory;
    private final Storage storage;
    private final long segmentSize;
    private final int maxRecordSize;
    private final Durability durability;
    private final boolean salvage;
    private final LongConsumer syncListener;

    private WalOptions(Builder b) {
        this.directory = b.directory;
        this.storage = b.storage;
        this.segmentSize = b.segmentSize;
        this.maxRecordSize = b.maxRecordSize;
        this.durability = b.durability;
        this.salvage = b.salvage;
        this.syncListener = b.syncListener;
    }

    /** Options for a log in {@code directory} (created if needed; the log owns and closes its storage). */
    public static Builder builder(Path directory) {
        return new Builder(Objects.requireNonNull(directory, "directory"), null);
    }

    /** Options for a log in {@code storage} (the caller keeps ownership: the log does not close it). */
    public static Builder builder(Storage storage) {
        return new Builder(null, Objects.requireNonNull(storage, "storage"));
    }

    /** The directory, or null when a {@link #storage()} was given. */
    public Path directory() {
        return directory;
    }

    /** The storage, or null when a {@link #directory()} was given. */
    public Storage storage() {
        return storage;
    }

    /** A segment file is rolled when the next record would make it larger than this. */
    public long segmentSize() {
        return segmentSize;
    }

    /** The largest payload an append accepts. */
    public int maxRecordSize() {
        return maxRecordSize;
    }

    public Durability durability() {
        return durability;
    }

    /** Whether recovery keeps the records before mid-log damage and drops the rest instead of refusing to open. */
    public boolean salvage() {
        return salvage;
    }

    /**
     * Called after each fsync of a segment file with its duration in nanoseconds (for a latency
     * histogram), or null. See {@link Builder#syncListener}.
     */
    public LongConsumer syncListener() {
        return syncListener;
    }

    @Override
    public String toString() {
        return "WalOptions[" + (directory != null ? directory : storage) + ", segmentSize=" + segmentSize
                + ", maxRecordSize=" + maxRecordSize + ", durability=" + durability + ", salvage=" + salvage + "]";
    }

    /** Builder for {@link WalOptions}; not thread-safe. */
    public static final class Builder {
        private final Path directory;
        private final Storage storage;
        private long segmentSize = DEFAULT_SEGMENT_SIZE;
        private int maxRecordSize = DEFAULT_MAX_RECORD_SIZE;
        private Durability durability = Durability.SYNC;
        private boolean salvage;
        private LongConsumer syncListener;

        private Builder(Path directory, Storage storage) {
            this.directory = directory;
            this.storage = storage;
        }

        /** Segment size in bytes, in [{@value #MIN_SEGMENT_SIZE}, 1 GiB]. */
        public Builder segmentSize(long bytes) {
            if (bytes < MIN_SEGMENT_SIZE || bytes > MAX_SEGMENT_SIZE) {
                throw new IllegalArgumentException("segment size must be in [" + MIN_SEGMENT_SIZE + ", " + MAX_SEGMENT_SIZE + "]: " + bytes);
            }
            this.segmentSize = bytes;
            return this;
        }

        /** Maximum payload size in bytes (at least 1; a record and its headers must fit in one segment). */
        public Builder maxRecordSize(int bytes) {
            if (bytes < 1) throw new IllegalArgumentException("max record size must be positive: " + bytes);
            this.maxRecordSize = bytes;
            return this;
        }

        public Builder durability(Durability durability) {
            this.durability = Objects.requireNonNull(durability, "durability");
            return this;
        }

        /** Salvage mode: open a log with mid-log damage by dropping everything from the damage on (reported). */
        public Builder salvage(boolean salvage) {
            this.salvage = salvage;
            return this;
        }

        /**
         * Observes fsync latency: {@code listener} is called on the log's writer thread (or an
         * appending thread leading a group commit) after each fsync of a segment file that
         * succeeded, with its duration in nanoseconds. It must be fast and thread-safe; what it
         * throws is ignored. Null (the default): nothing is called.
         */
        public Builder syncListener(LongConsumer listener) {
            this.syncListener = listener;
            return this;
        }

        public WalOptions build() {
            // Header sizes are the format's: 31-byte segment header, 24-byte record header.
            if ((long) maxRecordSize + 24 + 31 > segmentSize) {
                throw new IllegalArgumentException("max record size " + maxRecordSize + " does not fit in a segment of "
                        + segmentSize + " bytes (plus 55 bytes of headers)");
            }
            return new WalOptions(this);
        }
    }
}
