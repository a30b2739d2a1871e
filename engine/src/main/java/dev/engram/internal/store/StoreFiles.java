package dev.engram.internal.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Every file operation of the user store, in one place, so that moving onto the project's
 * storage seam (package {@code dev.engram.io} in module {@code wal}, with its fault-injecting
 * implementation) is one class's change. All methods throw {@link IOException} and are
 * thread-safe for distinct files. Durability: data is durable only after {@link #sync} (file
 * content and size) and, for a new or renamed name, after {@link #syncDirectory} of its parent.
 */
public final class StoreFiles {
    private StoreFiles() {}

    /** The whole file; files larger than 2 GiB - 1 are refused (user segments roll long before). */
    public static byte[] readAll(Path file) throws IOException {
        long size = Files.size(file);
        if (size > Integer.MAX_VALUE - 16) throw new IOException(file + ": " + size + " bytes is too large to read whole");
        return Files.readAllBytes(file);
    }

    /**
     * Replaces {@code dir/name} atomically: writes {@code name.tmp}, fsyncs it, renames it over
     * {@code name} (an atomic move), and fsyncs the directory. A crash leaves either the old or
     * the new file under {@code name}, never a mix; a leftover {@code .tmp} is garbage.
     */
    public static void writeAtomically(Path dir, String name, byte[] bytes) throws IOException {
        Path tmp = dir.resolve(name + ".tmp");
        boolean done = false;
        IOException failure = null;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE)) {
                writeFully(ch, bytes);
                ch.force(true);
            }
            try {
                Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException(dir + ": the file system cannot rename atomically, which the store requires", e);
            }
            syncDirectory(dir);
            done = true;
        } catch (IOException e) {
            failure = e;
            throw e;
        } finally {
            if (!done) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    if (failure != null) failure.addSuppressed(e);
                }
            }
        }
    }

    /** Writes a new file whole and fsyncs it (its name becomes durable with the next directory sync). */
    public static void writeNew(Path file, byte[] bytes) throws IOException {
        boolean done = false;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            writeFully(ch, bytes);
            ch.force(true);
            done = true;
        } finally {
            if (!done) Files.deleteIfExists(file);
        }
    }

    /** Opens a file for appending at {@code length}, cutting off anything past it. */
    public static FileChannel openForAppend(Path file, long length, boolean create) throws IOException {
        FileChannel ch = create
                ? FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)
                : FileChannel.open(file, StandardOpenOption.WRITE);
        try {
            if (ch.size() > length) ch.truncate(length);
            if (ch.size() != length) throw new IOException(file + " is " + ch.size() + " bytes, expected " + length);
            ch.position(length);
            return ch;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    public static void append(FileChannel ch, byte[] bytes) throws IOException {
        writeFully(ch, bytes);
    }

    /** Makes the file's content and size durable. Never retried by callers: a failure is final. */
    public static void sync(FileChannel ch) throws IOException {
        ch.force(true);
    }

    /** Makes the directory's entries (creations, renames, deletions) durable. */
    public static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /** Creates {@code dir} and missing parents up to {@code root}, syncing each parent that gained an entry. */
    public static void createDirectories(Path root, Path dir) throws IOException {
        if (Files.isDirectory(dir)) return;
        Path parent = dir.getParent();
        if (parent != null && !parent.equals(root)) createDirectories(root, parent);
        else if (parent != null) Files.createDirectories(parent);
        try {
            Files.createDirectory(dir);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir)) throw e;
            return;
        }
        if (parent != null) syncDirectory(parent);
    }

    public static boolean deleteIfExists(Path file) throws IOException {
        try {
            return Files.deleteIfExists(file);
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    private static void writeFully(FileChannel ch, byte[] bytes) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) ch.write(buf);
    }
}
