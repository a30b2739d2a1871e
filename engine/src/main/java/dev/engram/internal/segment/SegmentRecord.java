package dev.engram.internal.segment;

import dev.engram.memory.Memory;
import dev.engram.memory.MemoryId;
import dev.engram.memory.UserId;
import java.time.Instant;
import java.util.Objects;

/** One record of a user's segment: a memory version, or a tombstone. Immutable. */
public sealed interface SegmentRecord {
    /** The user the record belongs to; must be the segment's user. */
    UserId user();

    /** The memory the record is about. */
    MemoryId memoryId();

    /** A stored version of a memory. */
    record Version(Memory memory) implements SegmentRecord {
        public Version {
            Objects.requireNonNull(memory, "memory");
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
}
