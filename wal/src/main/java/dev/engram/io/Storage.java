package dev.engram.io;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.List;

/**
 * The storage seam: one directory of files. Every durable file of Engram (WAL segments, per-user
 * segments, manifests) is written and read through this interface, so that the production
 * implementation ({@link FileStorage}), an in-memory one and a fault-injecting wrapper (test kit) are
 * interchangeable.
 *
 * <h2>Names</h2>
 * A name is one path element: non-empty, at most 255 characters, no {@code '/'}, {@code '\\'} or NUL,
 * not {@code "."} or {@code ".."}. A bad name throws {@link IllegalArgumentException}.
 *
 * <h2>Durability (what survives a power loss)</h2>
 * <ul>
 *   <li>A file's bytes are durable once {@link FileOutput#sync()} (or {@link #sync(String)}) returned
 *       after they were written; unsynced bytes may be lost, or survive only partly (torn, garbled).</li>
 *   <li>Directory entries (a created file's name, a rename, a delete, a new subdirectory) are durable
 *       once {@link #syncDirectory()} returned after the change; before that they may be lost. Changes
 *       that are lost are lost as a suffix: they are applied in order or not at all.</li>
 *   <li>So a new file is only safe to rely on after: write, {@code sync()}, {@code syncDirectory()}.</li>
 * </ul>
 *
 * <h2>Atomicity</h2>
 * {@link #rename(String, String)} is atomic: after a crash the target holds either its old content or
 * the source's whole content. Nothing else is atomic; in particular a write may be torn.
 *
 * <h2>Errors</h2>
 * Every I/O method throws {@link IOException}; a missing file is {@link NoSuchFileException}, an
 * existing one where none may be is {@link FileAlreadyExistsException}. Messages name the file.
 * After an {@code IOException} from a sync, callers must not retry it and assume success (fail-stop).
 *
 * <h2>Thread-safety</h2>
 * Implementations are thread-safe: any thread may call any method. Concurrent changes to the
 * <em>same</em> name are the caller's business. {@link #close()} is idempotent and does not close the
 * inputs and outputs opened from this storage.
 */
public interface Storage extends Closeable {
    /** Where {@code name} lives, for messages (an absolute path for files on disk). */
    String location(String name);

    /** Creates a new, empty file and opens it for appending. Throws if the name exists. */
    FileOutput create(String name) throws IOException;

    /** Opens an existing file for appending at its end. */
    FileOutput openAppend(String name) throws IOException;

    /** Opens an existing file for positional reads. */
    FileInput openInput(String name) throws IOException;

    /** Whether a file or directory of that name exists. */
    boolean exists(String name) throws IOException;

    /** Whether {@code name} exists and is a directory. */
    boolean isDirectory(String name) throws IOException;

    /** The size of a file in bytes. */
    long size(String name) throws IOException;

    /** The names of the files and subdirectories, sorted. */
    List<String> list() throws IOException;

    /** Deletes a file; returns false if it did not exist. Durable after {@link #syncDirectory()}. */
    boolean delete(String name) throws IOException;

    /**
     * Atomically renames {@code source} to {@code target}, replacing {@code target} if it exists (the
     * usual write-temp-then-rename). Durable after {@link #syncDirectory()}.
     */
    void rename(String source, String target) throws IOException;

    /** Cuts a file to {@code size} bytes (no-op if it is not longer). Durable after {@link #sync(String)}. */
    void truncate(String name, long size) throws IOException;

    /** Makes a file's content durable, as {@link FileOutput#sync()} does. */
    void sync(String name) throws IOException;

    /** Makes the directory's entries (creations, renames, deletions) durable. */
    void syncDirectory() throws IOException;

    /**
     * Opens the subdirectory {@code name}, creating it if needed. A new subdirectory's entry is durable
     * after this storage's {@link #syncDirectory()}.
     */
    Storage subdirectory(String name) throws IOException;

    /** Deletes a subdirectory and everything in it; returns false if it did not exist. */
    boolean deleteDirectory(String name) throws IOException;

    /** Releases this handle. Idempotent. */
    @Override
    void close() throws IOException;

    /** Checks a name against the rules above. */
    static String checkName(String name) {
        if (name == null) throw new NullPointerException("name");
        if (name.isEmpty() || name.length() > 255 || name.equals(".") || name.equals("..")
                || name.indexOf('/') >= 0 || name.indexOf('\\') >= 0 || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("invalid file name '" + name
                    + "' (one path element, 1-255 chars, no '/', '\\\\' or NUL, not '.' or '..')");
        }
        return name;
    }
}
