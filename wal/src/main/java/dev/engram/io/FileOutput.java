package dev.engram.io;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * An append-only output to one file of a {@link Storage}.
 *
 * <p><b>Durability:</b> written bytes reach the operating system when {@code write} returns; they are
 * durable (survive power loss) only once {@link #sync()} returns. A new file's <em>name</em> is durable
 * only after {@link Storage#syncDirectory()} of its directory.
 *
 * <p><b>Thread-safety:</b> not thread-safe; one thread writes at a time (callers that hand an output
 * between threads must publish it safely). {@link #close()} is idempotent.
 */
public interface FileOutput extends Closeable {
    /** Appends all remaining bytes of {@code src} at the end of the file. */
    void write(ByteBuffer src) throws IOException;

    /** Appends {@code length} bytes of {@code b} from {@code offset}. */
    default void write(byte[] b, int offset, int length) throws IOException {
        write(ByteBuffer.wrap(b, offset, length));
    }

    /** Appends all of {@code b}. */
    default void write(byte[] b) throws IOException {
        write(b, 0, b.length);
    }

    /** The file's size, that is the position of the next appended byte. */
    long size() throws IOException;

    /**
     * Makes every byte written so far durable (an {@code fdatasync}). If it throws, the state of the
     * unsynced bytes is unknown: callers must not retry and assume success (a second fsync can
     * report success after the kernel dropped the dirty pages); they should fail-stop instead.
     */
    void sync() throws IOException;

    /** Closes the output without syncing it. Idempotent. */
    @Override
    void close() throws IOException;
}
