package dev.engram.internal.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.memory.UserId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opening, writing and closing the catalog writes nothing under the home directory (Chronicle's
 * analytics would, unless {@code chronicle.analytics.disable} is set), and nothing in the catalog
 * directory but the map and the marker. As extraction's {@code NoFilesInHomeTest}: the home
 * directory is shared with other processes, so only new entries that point at Chronicle fail.
 */
class CatalogNoFilesInHomeTest {
    private static final Pattern OURS = Pattern.compile("(?i).*(chronicle|openhft|engram|analytics).*");

    @TempDir
    Path tmp;

    private static Set<String> snapshot(Path home) {
        Set<String> entries = new TreeSet<>();
        if (!Files.isDirectory(home)) return entries;
        try (Stream<Path> walk = Files.walk(home, 3)) {
            walk.filter(p -> !p.startsWith(home.resolve(".m2"))).forEach(p -> entries.add(home.relativize(p).toString()));
        } catch (IOException | java.io.UncheckedIOException e) {
            // another process removed an entry while we walked
        }
        return entries;
    }

    @Test
    void catalogWritesNothingUnderHome() throws IOException {
        Path home = Path.of(System.getProperty("user.home"));
        Path envHome = System.getenv("HOME") == null ? home : Path.of(System.getenv("HOME"));
        Set<String> before = snapshot(home);
        before.addAll(snapshot(envHome));
        Path catalog = tmp.resolve("catalog");
        try (UserCatalog c = UserCatalog.open(catalog, tmp, 16)) {
            UserId u = UserId.of("home-check");
            c.put(u, new CatalogEntry(CatalogEntry.directoryOf(u), 1, 1, 1, Instant.EPOCH, Instant.EPOCH, 1));
            assertEquals(1, c.size());
        }
        UserCatalog.open(catalog, tmp, 16).close();
        Set<String> added = snapshot(home);
        added.addAll(snapshot(envHome));
        added.removeAll(before);
        if (!added.isEmpty()) System.out.println("new entries under home during the test (other processes?): " + added);
        Set<String> suspicious = new TreeSet<>();
        for (String s : added) if (OURS.matcher(s).matches()) suspicious.add(s);
        assertTrue(suspicious.isEmpty(), "the catalog wrote under the home directory: " + suspicious);
        try (Stream<Path> files = Files.list(catalog)) {
            assertEquals(Set.of(UserCatalog.MAP_FILE, CatalogMarker.FILE_NAME),
                    files.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toSet()));
        }
    }
}
