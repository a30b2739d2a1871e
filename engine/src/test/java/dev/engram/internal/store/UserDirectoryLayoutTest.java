package dev.engram.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.memory.UserId;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UserDirectoryLayoutTest {
    private final Path root = Path.of("/data/engram");

    @Test
    void directoryIsTwoLevelsOfHashFanOutUnderUsers() {
        Path d = UserDirectoryLayout.resolve(root, UserId.of("alice"));
        String h = UserDirectoryLayout.hashName(UserId.of("alice"));
        assertTrue(h.matches("[0-9a-f]{32}"), h);
        assertEquals(root.resolve("users").resolve(h.substring(0, 2)).resolve(h.substring(2, 4)).resolve(h), d);
        // A known vector, so the layout cannot change silently: SHA-256("alice") starts 2bd806c9...
        assertEquals("2bd806c97f0e00af1a1fc3328fa763a9", h);
    }

    @Test
    void idsThatLookLikePathsStayInsideTheRootAndNeverAppearInThePath() {
        for (String id : new String[] {"..", "...", ".hidden", "-rf", "a..b", "CON", "nul", "users"}) {
            if (id.equals("..")) continue; // rejected by UserId itself
            Path d = UserDirectoryLayout.resolve(root, UserId.of(id)).normalize();
            assertTrue(d.startsWith(root.resolve("users")), d.toString());
            Path rel = root.relativize(d);
            assertEquals(4, rel.getNameCount(), d.toString());
            for (Path part : rel.subpath(1, 4)) assertNotEquals(id, part.toString());
        }
    }

    @Test
    void openCreatesTheLevelsOnTheStorageSeam() throws Exception {
        dev.engram.testkit.InMemoryStorage root = new dev.engram.testkit.InMemoryStorage();
        UserId u = UserId.of("carol");
        try (dev.engram.io.Storage dir = UserDirectoryLayout.open(root, u)) {
            dir.create("probe").close();
        }
        List<String> path = UserDirectoryLayout.pathElements(u);
        dev.engram.io.Storage s = root;
        for (String e : path) {
            assertTrue(s.isDirectory(e), e);
            s = s.subdirectory(e);
        }
        assertTrue(s.exists("probe"));
    }

    @Test
    void distinctUsersGetDistinctDirectoriesAndCaseMatters() {
        Set<Path> dirs = new HashSet<>();
        for (int i = 0; i < 20_000; i++) assertTrue(dirs.add(UserDirectoryLayout.resolve(root, UserId.of("user-" + i))));
        assertNotEquals(UserDirectoryLayout.resolve(root, UserId.of("Alice")), UserDirectoryLayout.resolve(root, UserId.of("alice")));
    }
}
