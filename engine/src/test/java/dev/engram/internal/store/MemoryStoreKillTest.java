package dev.engram.internal.store;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.testkit.Seeded;
import dev.engram.testkit.TestRandom;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM running a multi-user workload through the memory store with SIGKILL, a few
 * times, and verifies every acknowledged mutation after each kill ({@link MemoryStoreCrashHarness}).
 * The long version is {@code scripts/engine-crash-loop.sh N}; {@code -Dengram.engine.crash.cycles=N}
 * changes the count here.
 */
@Seeded
class MemoryStoreKillTest {
    // Kept when the test fails: the harness leaves the failing cycle's directory as killed and the child's output beside it.
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void everyAcknowledgedMutationSurvivesKillMinus9(TestRandom random) throws Exception {
        int cycles = Integer.getInteger("engram.engine.crash.cycles", 6);
        MemoryStoreCrashHarness.Summary s = MemoryStoreCrashHarness.loop(cycles, dir.resolve("data"), random.nextLong(), System.out);
        System.out.println("engine crash test: " + s);
        assertTrue(s.problems().isEmpty(), String.join("\n", s.problems()));
        assertTrue(s.verified() > cycles, "the children acknowledged too little to prove anything: " + s);
    }
}
