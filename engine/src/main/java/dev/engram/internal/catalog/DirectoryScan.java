package dev.engram.internal.catalog;

import dev.engram.internal.store.UserDirectories;
import dev.engram.internal.store.UserDirectoryLayout;
import dev.engram.internal.store.UserSummary;
import dev.engram.io.FileStorage;
import dev.engram.memory.UserId;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Walks {@code <data>/users/<2 hex>/<2 hex>/<32 hex>/} and builds one catalog entry per user
 * directory from its manifest (and bitmaps, see {@link UserDirectories#summarize}). Read-only; a
 * directory whose name is not the layout's (two then two then 32 lower-case hex digits, the first
 * four being the prefix of the last), a symbolic link, a directory without a manifest, with a
 * damaged one, or whose manifest names a user that does not hash to the directory is skipped and
 * reported, never followed or trusted. User ids come only from manifests (validated on decode),
 * never from paths. Stateless; thread-safe.
 */
final class DirectoryScan {
    private static final Pattern HEX2 = Pattern.compile("[0-9a-f]{2}");
    private static final Pattern HEX32 = Pattern.compile("[0-9a-f]{32}");

    record Found(UserId user, CatalogEntry entry) {}

    record Result(List<Found> found, List<String> skipped) {}

    private DirectoryScan() {}

    static Result scan(Path dataRoot) throws IOException {
        List<Found> found = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        Path users = dataRoot.resolve(UserDirectoryLayout.USERS);
        if (!Files.isDirectory(users, LinkOption.NOFOLLOW_LINKS)) return new Result(found, skipped);
        for (Path a : children(users, HEX2, skipped)) {
            for (Path b : children(a, HEX2, skipped)) {
                for (Path dir : children(b, HEX32, skipped)) {
                    String h = dir.getFileName().toString();
                    if (!h.startsWith(a.getFileName().toString() + b.getFileName().toString())) {
                        skipped.add(dir + ": not in its hash prefix directory");
                        continue;
                    }
                    user(dir, h, found, skipped);
                }
            }
        }
        return new Result(found, skipped);
    }

    private static void user(Path dir, String h, List<Found> found, List<String> skipped) {
        try (FileStorage storage = FileStorage.open(dir)) {
            var summary = UserDirectories.summarize(storage);
            if (summary.isEmpty()) {
                skipped.add(dir + ": no manifest (a user that never flushed)");
                return;
            }
            UserSummary s = summary.get();
            if (!UserDirectoryLayout.hashName(s.user()).equals(h)) {
                skipped.add(dir + ": manifest belongs to another user's hash (copied by hand?)");
                return;
            }
            BasicFileAttributes d = Files.readAttributes(dir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            Instant created = d.creationTime().toInstant();
            Instant updated = Files.getLastModifiedTime(dir.resolve("MANIFEST"), LinkOption.NOFOLLOW_LINKS).toInstant();
            found.add(new Found(s.user(), CatalogEntry.of(s, 0, created, updated)));
        } catch (IOException | RuntimeException e) {
            // One bad directory costs its entry (the store will refuse or repair it on open), never the scan.
            skipped.add(dir + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static List<Path> children(Path dir, Pattern name, List<String> skipped) throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                String n = p.getFileName().toString();
                if (name.matcher(n).matches() && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) out.add(p);
                else skipped.add(p + ": not a user directory of the layout");
            }
        }
        out.sort(null);
        return out;
    }
}
