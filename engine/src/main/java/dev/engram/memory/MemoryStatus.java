package dev.engram.memory;

/**
 * The lifecycle state of one version of a memory. The numeric {@link #code()} is what files
 * store, so it never changes for an existing constant. Immutable; thread-safe.
 */
public enum MemoryStatus {
    /** Current and served by default. */
    ACTIVE(1),
    /** Replaced by a conflicting newer memory; kept for history and as-of queries. */
    SUPERSEDED(2),
    /** Judged low-value: kept and exportable, excluded from default retrieval. */
    ARCHIVED(3),
    /** Deleted by request; its content is dropped physically at the next compaction. */
    DELETED(4);

    private final int code;

    MemoryStatus(int code) {
        this.code = code;
    }

    /** The stable code stored in files. */
    public int code() {
        return code;
    }

    /** The constant for a stored code, or {@code null} if no constant has that code. */
    public static MemoryStatus ofCode(int code) {
        for (MemoryStatus s : values()) if (s.code == code) return s;
        return null;
    }
}
