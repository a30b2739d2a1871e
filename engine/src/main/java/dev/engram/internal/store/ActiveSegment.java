package dev.engram.internal.store;

import dev.engram.internal.format.BlockCipher;
import dev.engram.internal.segment.SegmentRecord;
import dev.engram.internal.segment.SegmentWriter;
import dev.engram.io.Closeables;
import dev.engram.io.FileOutput;
import dev.engram.io.Storage;
import dev.engram.memory.UserId;
import java.io.IOException;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The user's unsealed segment being appended to: its writer, its open output and the running
 * CRC32C of every byte written, which the manifest records as the committed checksum.
 * Not thread-safe (the user store's write lock guards it). {@link #close()} is idempotent.
 */
final class ActiveSegment implements AutoCloseable {
    private final String name;
    private final SegmentWriter writer;
    private final FileOutput out;
    private final CRC32C crc = new CRC32C();
    private boolean sealed;

    private ActiveSegment(String name, SegmentWriter writer, FileOutput out) {
        this.name = name;
        this.writer = writer;
        this.out = out;
    }

    /** Creates the file {@code name} and writes its header (not yet synced). */
    static ActiveSegment create(Storage dir, String name, UserId user, int targetBlockBytes, BlockCipher cipher)
            throws IOException {
        FileOutput out = dir.create(name);
        try {
            ActiveSegment a = new ActiveSegment(name, SegmentWriter.create(user, targetBlockBytes, cipher), out);
            a.write(a.writer.header());
            return a;
        } catch (IOException | RuntimeException e) {
            Closeables.closeQuietly(out);
            throw e;
        }
    }

    /** Reopens a verified unsealed segment for appending, cutting it back to its committed length. */
    static ActiveSegment resume(Storage dir, UserFiles.VerifiedSegment s, UserId user, int targetBlockBytes, BlockCipher cipher)
            throws IOException {
        long length = s.entry().length();
        FileOutput out = StoreFiles.openForAppend(dir, s.entry().name(), length);
        ActiveSegment a = new ActiveSegment(s.entry().name(), SegmentWriter.resume(user, s.contents(), targetBlockBytes, cipher),
                out);
        a.crc.update(s.data(), 0, (int) length);
        return a;
    }

    /** Appends the records as blocks, then footer and trailer if the segment reached {@code rollBytes}. */
    void append(List<SegmentRecord> records, long rollBytes) throws IOException {
        for (SegmentRecord r : records) writer.add(r);
        write(writer.flush());
        if (writer.position() >= rollBytes) {
            write(writer.seal());
            sealed = true;
        }
    }

    /** Makes everything appended durable. */
    void sync() throws IOException {
        out.sync();
    }

    /** The manifest entry for what has been appended. */
    UserManifest.Entry entry() {
        return new UserManifest.Entry(name, FileKind.SEGMENT, writer.position(), (int) crc.getValue(), sealed,
                writer.recordCount());
    }

    String name() {
        return name;
    }

    boolean sealed() {
        return sealed;
    }

    private void write(byte[] bytes) throws IOException {
        out.write(bytes);
        crc.update(bytes, 0, bytes.length);
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
