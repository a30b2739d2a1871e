package dev.engram.internal.store;

import dev.engram.io.Closeables;
import dev.engram.io.Storage;
import dev.engram.memory.UserId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Where each user's files live under a data directory:
 * <pre>
 * &lt;root&gt;/users/&lt;h[0..2)&gt;/&lt;h[2..4)&gt;/&lt;h&gt;/
 * </pre>
 * where {@code h} is the first 16 bytes of SHA-256 of the user id's UTF-8 bytes, as 32 lower-case
 * hex digits. Two levels of 256-way fan-out give 65,536 leaf directories: at ten million users
 * that is about 150 user directories per leaf, small enough for any file system. The user id is
 * never part of a path (so no id can traverse or collide with a reserved name); it is stored in
 * the user's manifest, which is checked on open, so even a 128-bit hash collision would be
 * detected rather than mix two users. A user's directory holds all of that user's files and
 * nothing else, so purge deletes it whole.
 *
 * <p>Stateless; thread-safe.
 */
public final class UserDirectoryLayout {
    public static final String USERS = "users";

    private UserDirectoryLayout() {}

    /** The path elements of {@code user}'s directory below the data directory. */
    public static List<String> pathElements(UserId user) {
        return pathElements(hashName(user));
    }

    /** The path elements of the user directory named {@code hash} (a {@link #hashName}). */
    public static List<String> pathElements(String hash) {
        return List.of(USERS, hash.substring(0, 2), hash.substring(2, 4), hash);
    }

    /** The directory of {@code user} under a data directory on disk (for tools and tests). */
    public static Path resolve(Path root, UserId user) {
        Path p = root;
        for (String e : pathElements(user)) p = p.resolve(e);
        return p;
    }

    /**
     * Opens {@code user}'s directory under {@code root}, creating missing levels; each new level's
     * entry is made durable by syncing its parent. The caller owns (closes) the returned storage.
     */
    public static Storage open(Storage root, UserId user) throws IOException {
        Storage current = root;
        for (String e : pathElements(user)) {
            boolean existed = current.isDirectory(e);
            Storage next = current.subdirectory(e);
            try {
                if (!existed) current.syncDirectory();
            } catch (IOException | RuntimeException ex) {
                Closeables.closeQuietly(next);
                throw ex;
            } finally {
                if (current != root) Closeables.closeQuietly(current);
            }
            current = next;
        }
        return current;
    }

    /** The 32-hex-digit directory name of a user. */
    public static String hashName(UserId user) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(user.value().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
