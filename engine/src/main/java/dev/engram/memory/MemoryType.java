package dev.engram.memory;

/**
 * What kind of knowledge a memory holds. The numeric {@link #code()} is what files store, so it
 * never changes for an existing constant; new kinds get new codes. Immutable; thread-safe.
 */
public enum MemoryType {
    /** A statement about the user or the world ("lives in Lisbon"). */
    FACT(1),
    /** A like, dislike or way the user wants things done ("prefers metric units"). */
    PREFERENCE(2),
    /** Something that happened at a time ("moved house in May 2025"). */
    EVENT(3),
    /** How to do something for this user ("deploys with make release"). */
    PROCEDURAL(4);

    private final int code;

    MemoryType(int code) {
        this.code = code;
    }

    /** The stable code stored in files. */
    public int code() {
        return code;
    }

    /** The constant for a stored code, or {@code null} if no constant has that code. */
    public static MemoryType ofCode(int code) {
        for (MemoryType t : values()) if (t.code == code) return t;
        return null;
    }
}
