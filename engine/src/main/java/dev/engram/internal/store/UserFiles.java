package dev.engram.internal.store;

import dev.engram.index.CorruptIndexException;
import dev.engram.index.IndexConfig;
import dev.engram.index.VectorIndex;
import dev.engram.internal.bitmap.AttributeBitmaps;
import dev.engram.internal.bitmap.BitmapFile;
import dev.engram.internal.crypto.FileCiphers;
import dev.engram.internal.crypto.KeyDestroyedException;
import dev.engram.internal.format.BlockCipher;
import dev.engram.internal.format.BlockFileReader;
import dev.engram.internal.format.BodyFile;
import dev.engram.internal.format.Corruption;
import dev.engram.internal.format.Crc32c;
import dev.engram.internal.lexical.LexicalFile;
import dev.engram.internal.lexical.LexicalIndex;
import dev.engram.internal.lexical.TextAnalyzer;
import dev.engram.internal.segment.SegmentReader;
import dev.engram.io.CorruptFileException;
import dev.engram.io.FileInput;
import dev.engram.io.FileStorage;
import dev.engram.io.Storage;
import dev.engram.memory.UserId;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * Reads and verifies the files of one user's directory against the manifest: the manifest itself,
 * segments (length, CRC32C of the committed bytes, structure, record count), index files, and the
 * removal of unlisted leftovers. Thread-safe for reads; {@link #deleteOrphans} must run alone.
 */
final class UserFiles {
    /** A segment verified up to its committed length; {@code data} may hold an uncommitted tail. */
    record VerifiedSegment(UserManifest.Entry entry, SegmentReader.Contents contents, byte[] data) {}

    /** Index files loaded from disk and the number of records they reflect. */
    record LoadedIndexes(LexicalIndex lexical, AttributeBitmaps bitmaps, long covered) {}

    /** A vector index opened from its file, and the number of records it reflects. */
    record LoadedVectors(VectorIndex index, long covered) {}

    private final Storage dir;
    private final UserId user;
    private final FileCiphers ciphers;

    UserFiles(Storage dir, UserId user, FileCiphers ciphers) {
        this.dir = dir;
        this.user = user;
        this.ciphers = ciphers;
    }

    /**
     * The manifest (an empty one for a new user). A stale {@code MANIFEST.tmp} is left alone: it is
     * unlisted, so {@link #deleteOrphans} removes it before the first write.
     */
    UserManifest readManifest() throws IOException {
        String location = dir.location(UserManifest.FILE_NAME);
        byte[] bytes;
        try {
            bytes = StoreFiles.readAll(dir, UserManifest.FILE_NAME);
        } catch (NoSuchFileException e) {
            return UserManifest.empty(user);
        }
        UserManifest manifest = UserManifest.decode(bytes, bytes.length, location);
        if (!manifest.user().equals(user)) {
            throw Corruption.of(location, 0, "manifest belongs to user '" + manifest.user() + "', not '" + user + "'",
                    "user directory hash collision or a directory copied by hand");
        }
        return manifest;
    }

    /** Deletes every regular file the manifest does not list: leftovers of interrupted writes. */
    void deleteOrphans(UserManifest manifest) throws IOException {
        Set<String> listed = new HashSet<>();
        for (UserManifest.Entry e : manifest.files()) listed.add(e.name());
        boolean deleted = false;
        for (String n : dir.list()) {
            if (!n.equals(UserManifest.FILE_NAME) && !listed.contains(n) && !dir.isDirectory(n)) deleted |= dir.delete(n);
        }
        if (deleted) dir.syncDirectory();
    }

    /** Reads a listed segment and verifies it against its manifest entry; any mismatch is corruption. */
    VerifiedSegment readSegment(UserManifest.Entry e) throws IOException {
        String name = dir.location(e.name());
        byte[] data;
        try {
            data = StoreFiles.readAll(dir, e.name());
        } catch (NoSuchFileException missing) {
            throw Corruption.of(name, 0, "listed in the manifest but missing", "deleted by hand?");
        }
        if (data.length < e.length()) {
            throw Corruption.of(name, data.length, "file is " + data.length + " bytes, the manifest committed " + e.length(),
                    "file truncated after it was committed? disk fault?");
        }
        if (e.sealed() && data.length != e.length()) {
            throw Corruption.of(name, e.length(), "sealed segment has bytes after its committed length", "disk fault?");
        }
        int crc = Crc32c.of(data, 0, (int) e.length());
        if (crc != e.crc32c()) {
            throw new CorruptFileException(name, 0, "checksum mismatch for the committed " + e.length() + " bytes",
                    String.format("0x%08x", e.crc32c()), String.format("0x%08x", crc),
                    "file changed after it was committed? disk fault?");
        }
        SegmentReader.Contents c = SegmentReader.read(data, (int) e.length(), name, user, BlockFileReader.Mode.STRICT,
                ciphers.reading(e.name()));
        if (c.sealed() != e.sealed() || c.records().size() != e.records()) {
            throw Corruption.of(name, 0, "segment disagrees with the manifest (sealed " + c.sealed() + ", "
                    + c.records().size() + " records)", "manifest and segment from different writes?");
        }
        return new VerifiedSegment(e, c, data);
    }

    /**
     * The persisted indexes, if both are listed, match their manifest entries, decode cleanly and
     * reflect no more than {@code totalRecords}; empty otherwise (the caller rebuilds them).
     */
    Optional<LoadedIndexes> loadIndexes(UserManifest manifest, long totalRecords, TextAnalyzer analyzer) throws IOException {
        Optional<UserManifest.Entry> lex = manifest.file(FileKind.LEXICAL);
        Optional<UserManifest.Entry> bmp = manifest.file(FileKind.BITMAPS);
        if (lex.isEmpty() || bmp.isEmpty() || lex.get().records() != bmp.get().records()
                || lex.get().records() > totalRecords) {
            return Optional.empty();
        }
        try {
            byte[] l = readListed(lex.get());
            byte[] b = readListed(bmp.get());
            LexicalIndex lexical = LexicalFile.decode(l, l.length, dir.location(lex.get().name()), analyzer,
                    ciphers.reading(lex.get().name()));
            AttributeBitmaps bitmaps = BitmapFile.decode(b, b.length, dir.location(bmp.get().name()),
                    ciphers.reading(bmp.get().name()));
            return Optional.of(new LoadedIndexes(lexical, bitmaps, lex.get().records()));
        } catch (KeyDestroyedException e) {
            throw e; // not damage: the user's key is gone, and the segments cannot be read either
        } catch (CorruptFileException | NoSuchFileException e) {
            // Derived state: a damaged or missing index file costs a rebuild, never the user's data.
            return Optional.empty();
        }
    }

    /**
     * The user directory as a file-system path, or null when the storage is not a plain
     * {@link FileStorage}: {@link VectorIndex} saves and memory-maps files by path, outside the
     * storage seam, so on any other storage the vector index is kept in memory only and rebuilt
     * from the segments on every open.
     */
    Path vectorDirectory() {
        // An encrypted user's vectors never reach a file unencrypted: VectorIndex maps its file by
        // path, so the index is kept in memory only and rebuilt from the (encrypted) segments.
        if (ciphers.encrypted()) return null;
        return dir instanceof FileStorage fs ? fs.directory() : null;
    }

    /**
     * The persisted vector index, if listed, its length and CRC32C (read through the storage seam)
     * match the manifest, it opens cleanly with {@code config}'s dimension and similarity, and it
     * reflects no more than {@code totalRecords}; empty otherwise (the caller rebuilds it).
     */
    Optional<LoadedVectors> loadVectors(UserManifest manifest, long totalRecords, IndexConfig config) throws IOException {
        Optional<UserManifest.Entry> vec = manifest.file(FileKind.VECTORS);
        if (ciphers.encrypted()) return loadEncryptedVectors(vec, totalRecords, config);
        Path base = vectorDirectory();
        if (vec.isEmpty() || base == null || vec.get().records() > totalRecords) return Optional.empty();
        UserManifest.Entry e = vec.get();
        try {
            if (crcOf(e.name(), e.length()) != e.crc32c()) return Optional.empty(); // a missing file: NoSuchFileException
            VectorIndex index = VectorIndex.open(base.resolve(e.name()));
            IndexConfig c = index.config();
            if (c.dimension() != config.dimension() || c.similarity() != config.similarity()) {
                index.close(); // configured differently since it was written: stale
                return Optional.empty();
            }
            return Optional.of(new LoadedVectors(index, e.records()));
        } catch (CorruptIndexException | NoSuchFileException e2) {
            // Derived state: a damaged or missing vector file costs a rebuild, never the user's data.
            return Optional.empty();
        }
    }

    /** Magic "EVEC", format name and version of an encrypted user's vector file. */
    static final int VECTORS_MAGIC = 0x45564543;
    static final String VECTORS_FORMAT = "engram.vectors";
    static final int VECTORS_VERSION = 1;

    /**
     * An encrypted user's vector file: a body file (magic "EVEC", {@value #VECTORS_FORMAT} v1) whose
     * body is exactly the bytes of index-hnsw's file format ({@link VectorIndex#toBytes}), every DATA
     * block encrypted. Written through the storage seam like the lexical index.
     */
    static byte[] encodeEncryptedVectors(VectorIndex index, BlockCipher cipher) throws IOException {
        byte[] raw = index.toBytes();
        return BodyFile.encode(VECTORS_MAGIC, VECTORS_FORMAT, VECTORS_VERSION, raw, raw.length, cipher);
    }

    /**
     * An encrypted user's persisted vector index: read through the seam, checked against the
     * manifest, decrypted, and opened from an off-heap copy (nothing mapped). Empty (rebuild) on any
     * damage or mismatch; a destroyed key is thrown.
     */
    private Optional<LoadedVectors> loadEncryptedVectors(Optional<UserManifest.Entry> vec, long totalRecords, IndexConfig config)
            throws IOException {
        if (vec.isEmpty() || vec.get().records() > totalRecords) return Optional.empty();
        UserManifest.Entry e = vec.get();
        try {
            byte[] data = readListed(e);
            String location = dir.location(e.name());
            BodyFile.Decoded d = BodyFile.decode(data, data.length, location, VECTORS_MAGIC, VECTORS_FORMAT, VECTORS_VERSION,
                    VECTORS_VERSION, ciphers.reading(e.name()));
            data = null; // the ciphertext is garbage from here on
            VectorIndex index = VectorIndex.open(MemorySegment.ofArray(d.body()), location);
            IndexConfig c = index.config();
            if (c.dimension() != config.dimension() || c.similarity() != config.similarity()) {
                index.close();
                return Optional.empty();
            }
            return Optional.of(new LoadedVectors(index, e.records()));
        } catch (KeyDestroyedException x) {
            throw x;
        } catch (CorruptFileException | CorruptIndexException | NoSuchFileException x) {
            return Optional.empty();
        }
    }

    /** CRC32C of the file if it is exactly {@code length} bytes, else a value the caller treats as a mismatch. */
    long crcOf(String name, long length) throws IOException {
        try (FileInput in = dir.openInput(name)) {
            if (in.size() != length) return Long.MIN_VALUE; // outside the int range of any CRC
            CRC32C crc = new CRC32C();
            ByteBuffer buf = ByteBuffer.allocate((int) Math.max(1, Math.min(1 << 16, length)));
            for (long pos = 0; pos < length; ) {
                buf.clear();
                buf.limit((int) Math.min(buf.capacity(), length - pos));
                int n = in.read(pos, buf);
                if (n <= 0) throw new IOException(in.name() + ": unexpected end at " + pos);
                buf.flip();
                crc.update(buf);
                pos += n;
            }
            return (int) crc.getValue();
        }
    }

    private byte[] readListed(UserManifest.Entry e) throws IOException {
        byte[] data = StoreFiles.readAll(dir, e.name());
        if (data.length != e.length() || Crc32c.of(data) != e.crc32c()) {
            throw Corruption.of(dir.location(e.name()), 0, "length or checksum differs from the manifest", "stale file?");
        }
        return data;
    }
}
