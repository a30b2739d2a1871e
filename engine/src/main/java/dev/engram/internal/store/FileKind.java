package dev.engram.internal.store;

/** The kinds of file a user manifest lists; {@link #code()} is stored and never changes. Immutable; thread-safe. */
public enum FileKind {
    SEGMENT(1, "seg"),
    LEXICAL(2, "lex"),
    BITMAPS(3, "bmp"),
    /** Reserved for the user's vector index (index-hnsw). */
    VECTORS(4, "vec");

    private final int code;
    private final String extension;

    FileKind(int code, String extension) {
        this.code = code;
        this.extension = extension;
    }

    public int code() {
        return code;
    }

    /** File names of this kind are {@code <number>.<extension>}. */
    public String extension() {
        return extension;
    }

    public static FileKind ofCode(int code) {
        for (FileKind k : values()) if (k.code == code) return k;
        return null;
    }
}
