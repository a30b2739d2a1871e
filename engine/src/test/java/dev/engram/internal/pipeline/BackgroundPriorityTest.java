package dev.engram.internal.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class BackgroundPriorityTest {
    /** The calling thread's nice value: field 19 of {@code /proc/thread-self/stat}, counted after the command name (which may hold spaces). */
    private static int currentNice() throws java.io.IOException {
        String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/thread-self/stat"));
        return Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16]);
    }

    @Test
    void lowersOnlyTheCallingThread() throws Exception {
        assumeTrue(System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux"), "per-thread nice is Linux's");
        int before = currentNice();
        AtomicBoolean lowered = new AtomicBoolean();
        AtomicInteger niceInside = new AtomicInteger();
        Thread t = Thread.ofPlatform().start(() -> {
            lowered.set(BackgroundPriority.lowerCurrentThread());
            try {
                niceInside.set(currentNice());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        t.join();
        assertTrue(lowered.get(), "setpriority failed");
        assertEquals(Math.max(before, BackgroundPriority.NICE), niceInside.get());
        assertEquals(before, currentNice(), "the calling thread of the test is untouched");
    }
}
