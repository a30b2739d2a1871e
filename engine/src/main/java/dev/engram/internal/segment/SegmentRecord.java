package dev.engram.internal.segment;

import dev.engram.memory.Memory;
import dev.engram.memory.MemoryId;
import dev.engram.memory.UserId;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/** One record of a user's segment: a memory version, a tombstone, or a journal entry. Immutable. */
public sealed interface SegmentRecord {
    /** The user the record belongs to; must be the segment's user. */
    UserId user();

    /** The memory the record is about, or null for a {@link Journal} entry (about no memory). */
    MemoryId memoryId();

    /**
     * A stored version of a memory, with its embedding if it has one ({@code null}: none). The
     * embedding is copied in; callers must not modify the array {@link #embedding()} returns.
     */
    record Version(Memory memory, float[] embedding) implements SegmentRecord {
        public Version {
            Objects.requireNonNull(memory, "memory");
            if (embedding != null) embedding = embedding.clone();
        }

        /** A version without an embedding. */
        public Version(Memory memory) {
            this(memory, null);
        }

        // Records compare arrays by identity; a version is its memory plus the embedding's values.
        @Override
        public boolean equals(Object o) {
            return o instanceof Version v && memory.equals(v.memory) && Arrays.equals(embedding, v.embedding);
        }

        @Override
        public int hashCode() {
            return memory.hashCode() * 31 + Arrays.hashCode(embedding);
        }

        @Override
        public String toString() {
            return "Version[" + memory + (embedding == null ? "" : ", embedding dim " + embedding.length) + "]";
        }

        @Override
        public UserId user() {
            return memory.user();
        }

        @Override
        public MemoryId memoryId() {
            return memory.id();
        }
    }

    /**
     * The deletion of a memory: every version of {@code memoryId} stops being served, and
     * compaction drops their content. Tombstones carry no content and are kept by compaction, so
     * an older copy of the memory can never come back.
     */
    record Tombstone(UserId user, MemoryId memoryId, Instant deletedAt) implements SegmentRecord {
        public Tombstone {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(memoryId, "memoryId");
            Objects.requireNonNull(deletedAt, "deletedAt");
        }
    }

    /**
     * An opaque per-user note (the pipeline's journal), written with the LSN of the write-ahead log
     * record that carried it. Kept forever: compaction never drops it; it leaves with the user's
     * directory. The payload is copied in; callers must not modify the array {@link #payload()} returns.
     */
    record Journal(UserId user, long lsn, byte[] payload) implements SegmentRecord {
        /** The largest journal payload (the write-ahead log's default record limit is 4 MiB). */
        public static final int MAX_PAYLOAD = 4 << 20;

        public Journal {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(payload, "payload");
            if (lsn < 0) throw new IllegalArgumentException("negative LSN " + lsn);
            if (payload.length > MAX_PAYLOAD) throw new IllegalArgumentException("journal payload of " + payload.length + " bytes");
            payload = payload.clone();
        }

        @Override
        public MemoryId memoryId() {
            return null;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Journal j && user.equals(j.user) && lsn == j.lsn && Arrays.equals(payload, j.payload);
        }

        @Override
        public int hashCode() {
            return (user.hashCode() * 31 + Long.hashCode(lsn)) * 31 + Arrays.hashCode(payload);
        }

        @Override
        public String toString() {
            return "Journal[" + user + ", lsn " + lsn + ", " + payload.length + " bytes]";
        }
    }
}
