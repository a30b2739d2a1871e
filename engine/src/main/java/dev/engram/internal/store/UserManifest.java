package dev.engram.internal.store;

import dev.engram.internal.format.BodyFile;
import dev.engram.internal.format.ByteReader;
import dev.engram.internal.format.ByteWriter;
import dev.engram.io.CorruptFileException;
import dev.engram.memory.UserId;
import dev.engram.memory.ValidationException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The list of a user's live files, replaced atomically as a whole (see {@link StoreFiles#writeAtomically}):
 * a file not listed here is not part of the user's state, and is deleted on open as the leftover
 * of an interrupted write. Stored as {@value #FILE_NAME}, a {@link BodyFile} with format name
 * {@value #FORMAT}, version {@value #VERSION}. Body:
 * <pre>
 * str     userId            checked against the user being opened
 * varint  generation        +1 on every replacement
 * varint  nextFileNumber    file names are never reused
 * varint  nFiles
 * nFiles × (str name, u8 FileKind code, u8 flags (bit 0 = sealed), varint length, u32 crc32c, varint records)
 * </pre>
 * {@code length} is the committed length: for the active (unsealed) segment, bytes past it are
 * an uncommitted tail and are truncated on open. {@code crc32c} covers bytes {@code [0, length)}.
 * {@code records}: for a segment, the records it holds; for an index file, how many records (in
 * segment order) it reflects. Segments are listed in record order. Immutable and thread-safe.
 */
public record UserManifest(UserId user, long generation, long nextFileNumber, List<Entry> files) {
    public static final String FILE_NAME = "MANIFEST";
    public static final String FORMAT = "engram.manifest";
    /** "EMAN": the magic number of this file type. */
    public static final int MAGIC = 0x454D414E;
    public static final int VERSION = 1;
    private static final Pattern NAME = Pattern.compile("[0-9]{1,19}\\.[a-z]{3}");

    /** One listed file. */
    public record Entry(String name, FileKind kind, long length, int crc32c, boolean sealed, long records) {
        public Entry {
            if (!NAME.matcher(name).matches()) throw new IllegalArgumentException("bad file name " + name);
            if (length < 0 || records < 0) throw new IllegalArgumentException("negative length or records");
        }
    }

    public UserManifest {
        files = List.copyOf(files);
        Set<String> names = new HashSet<>();
        for (Entry e : files) if (!names.add(e.name())) throw new IllegalArgumentException("duplicate file " + e.name());
    }

    public static UserManifest empty(UserId user) {
        return new UserManifest(user, 0, 1, List.of());
    }

    public List<Entry> segments() {
        return files.stream().filter(e -> e.kind() == FileKind.SEGMENT).toList();
    }

    public Optional<Entry> file(FileKind kind) {
        return files.stream().filter(e -> e.kind() == kind).findFirst();
    }

    /** The name of the {@code i}-th new file (from 0) of the next generation. */
    public String newName(FileKind kind, int i) {
        return (nextFileNumber + i) + "." + kind.extension();
    }

    /** The next generation with {@code files}, having used {@code fileNumbers} new names. */
    public UserManifest next(List<Entry> newFiles, long fileNumbersUsed) {
        return new UserManifest(user, generation + 1, nextFileNumber + fileNumbersUsed, newFiles);
    }

    public byte[] encode() {
        ByteWriter w = new ByteWriter(128);
        w.string(user.value()).varlong(generation).varlong(nextFileNumber).varint(files.size());
        for (Entry e : files) {
            w.string(e.name()).u8(e.kind().code()).u8(e.sealed() ? 1 : 0).varlong(e.length()).u32(e.crc32c()).varlong(e.records());
        }
        return BodyFile.encode(MAGIC, FORMAT, VERSION, w.array(), w.size());
    }

    public static UserManifest decode(byte[] data, int length, String file) throws CorruptFileException {
        BodyFile.Decoded d = BodyFile.decode(data, length, file, MAGIC, FORMAT, VERSION, VERSION);
        ByteReader in = new ByteReader(d.body(), 0, d.body().length, file + " (body)", 0);
        try {
            UserId user = UserId.of(in.string(UserId.MAX_LENGTH));
            long generation = in.varlong();
            long next = in.varlong();
            int n = in.varint(100_000);
            List<Entry> files = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String name = in.string(64);
                FileKind kind = FileKind.ofCode(in.u8());
                if (kind == null) throw in.corrupt("unknown file kind");
                int flags = in.u8();
                if ((flags & ~1) != 0) throw in.corrupt("unknown file flags " + flags);
                files.add(new Entry(name, kind, in.varlong(), in.u32(), flags == 1, in.varlong()));
            }
            in.expectEnd("manifest body");
            return new UserManifest(user, generation, next, files);
        } catch (ValidationException | IllegalArgumentException e) {
            throw in.corrupt("manifest field out of range: " + e.getMessage());
        }
    }
}
