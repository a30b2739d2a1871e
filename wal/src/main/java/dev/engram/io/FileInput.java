package dev.engram.io;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Positional read access to one file of a {@link Storage}.
 *
 * <p>An input sees bytes appended after it was opened (it reads the live file), and it stays
 * readable after the file is deleted or renamed (as an open file descriptor does on POSIX).
 *
 * <p><b>Thread-safety:</b> thread-safe; reads carry their own position. {@link #close()} is
 * idempotent; reading a closed input throws {@link java.nio.channels.ClosedChannelException} or
 * another {@link IOException}.
 */
public interface FileInput extends Closeable {
    /**
     * Reads up to {@code dst.remaining()} bytes at {@code position}; returns the number read, or -1 at
     * end of file. May read fewer bytes than asked.
     */
    int read(long position, ByteBuffer dst) throws IOException;

    /** Reads exactly {@code length} bytes at {@code position}, or throws {@link EOFException}. */
    default void readFully(long position, byte[] b, int offset, int length) throws IOException {
        ByteBuffer dst = ByteBuffer.wrap(b, offset, length);
        while (dst.hasRemaining()) {
            int n = read(position + (dst.position() - offset), dst);
            if (n < 0) {
                throw new EOFException(name() + ": end of file at offset " + (position + dst.position() - offset)
                        + " while reading " + length + " bytes at offset " + position);
            }
        }
    }

    /** The file's current size. */
    long size() throws IOException;

    /** The file's location, for messages. */
    String name();

    @Override
    void close() throws IOException;
}
