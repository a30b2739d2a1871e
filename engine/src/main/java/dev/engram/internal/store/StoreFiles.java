package dev.engram.internal.store;

import dev.engram.io.Closeables;
import dev.engram.io.FileInput;
import dev.engram.io.FileOutput;
import dev.engram.io.Storage;
import java.io.IOException;

/**
 * The user store's file recipes on top of the storage seam ({@link Storage}): whole-file reads,
 * write-once files, atomic replacement and reopening for append. All methods throw
 * {@link IOException}; they are thread-safe for distinct names. Durability follows the seam's
 * contract: file bytes after a sync, names after {@link Storage#syncDirectory()}.
 */
final class StoreFiles {
    private StoreFiles() {}

    /** The whole file; files larger than 2 GiB - 1 are refused (user segments roll long before). */
    static byte[] readAll(Storage dir, String name) throws IOException {
        try (FileInput in = dir.openInput(name)) {
            long size = in.size();
            if (size > Integer.MAX_VALUE - 16) throw new IOException(in.name() + ": " + size + " bytes is too large to read whole");
            byte[] bytes = new byte[(int) size];
            in.readFully(0, bytes, 0, bytes.length);
            return bytes;
        }
    }

    /**
     * Replaces {@code name} atomically: writes {@code name.tmp}, syncs it, renames it over
     * {@code name} and syncs the directory. A crash leaves either the old or the new file under
     * {@code name}, never a mix; a leftover {@code .tmp} is garbage that the next open deletes.
     */
    static void writeAtomically(Storage dir, String name, byte[] bytes) throws IOException {
        String tmp = name + ".tmp";
        boolean done = false;
        IOException failure = null;
        try {
            if (dir.exists(tmp)) dir.delete(tmp);
            writeFile(dir, tmp, bytes);
            dir.rename(tmp, name);
            dir.syncDirectory();
            done = true;
        } catch (IOException e) {
            failure = e;
            throw e;
        } finally {
            if (!done) deleteQuietly(dir, tmp, failure);
        }
    }

    /** Writes a new file whole and syncs it; its name is durable after the next directory sync. */
    static void writeNew(Storage dir, String name, byte[] bytes) throws IOException {
        boolean done = false;
        IOException failure = null;
        try {
            writeFile(dir, name, bytes);
            done = true;
        } catch (IOException e) {
            failure = e;
            throw e;
        } finally {
            if (!done) deleteQuietly(dir, name, failure);
        }
    }

    private static void writeFile(Storage dir, String name, byte[] bytes) throws IOException {
        FileOutput out = dir.create(name);
        try {
            out.write(bytes);
            out.sync();
        } finally {
            out.close();
        }
    }

    /**
     * Opens {@code name} for appending at {@code length}, first cutting off (durably) anything past
     * it: the uncommitted tail of an interrupted append.
     */
    static FileOutput openForAppend(Storage dir, String name, long length) throws IOException {
        if (dir.size(name) > length) {
            dir.truncate(name, length);
            dir.sync(name);
        }
        FileOutput out = dir.openAppend(name);
        if (out.size() != length) {
            Closeables.closeQuietly(out);
            throw new IOException(dir.location(name) + " is " + out.size() + " bytes, expected " + length);
        }
        return out;
    }

    private static void deleteQuietly(Storage dir, String name, IOException failure) {
        try {
            dir.delete(name);
        } catch (IOException | RuntimeException e) {
            if (failure != null) failure.addSuppressed(e);
        }
    }
}
