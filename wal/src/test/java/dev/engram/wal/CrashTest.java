package dev.engram.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.testkit.Seeded;
import dev.engram.testkit.TestRandom;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM that appends in SYNC mode with SIGKILL, a few dozen times, and verifies that every
 * acknowledged record survived ({@link CrashHarness}). The long version is
 * {@code scripts/wal-crash-loop.sh 1000}; {@code -Dengram.crash.cycles=N} changes the count here.
 */
@Seeded
class CrashTest {
    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedRecordSurvivesKillMinus9(TestRandom random) throws Exception {
        int cycles = Integer.getInteger("engram.crash.cycles", 36);
        CrashHarness.Summary s = CrashHarness.loop(cycles, dir.resolve("wal"), random.nextLong(), System.out);
        System.out.println("crash test: " + s);
        assertEquals(0, s.lost(), s.problems().toString());
        assertTrue(s.problems().isEmpty(), s.problems().toString());
        assertTrue(s.acked() > cycles, "the children acknowledged too little to prove anything: " + s);
    }
}
