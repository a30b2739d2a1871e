package dev.engram.internal.store;

import dev.engram.memory.UserId;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

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
 * detected rather than mix two users.
 *
 * <p>Immutable and thread-safe.
 */
public final class UserDirectoryLayout {
    public static final String USERS = "users";
    private final Path root;

    public UserDirectoryLayout(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /** The directory of {@code user}'s files (which may not exist yet). */
    public Path userDirectory(UserId user) {
        String h = hashName(user);
        return root.resolve(USERS).resolve(h.substring(0, 2)).resolve(h.substring(2, 4)).resolve(h);
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
