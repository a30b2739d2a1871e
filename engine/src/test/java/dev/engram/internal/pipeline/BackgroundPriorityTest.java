package dev.engram.internal.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class BackgroundPriorityTest {
    @Test
    void lowersOnlyTheCallingThread() throws Exception {
        assumeTrue(System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux"), "per-thread nice is Linux's");
        int before = BackgroundPriority.currentNice();
        AtomicBoolean lowered = new AtomicBoolean();
        AtomicInteger niceInside = new AtomicInteger();
        Thread t = Thread.ofPlatform().start(() -> {
            lowered.set(BackgroundPriority.lowerCurrentThread());
            niceInside.set(BackgroundPriority.currentNice());
        });
        t.join();
        assertTrue(lowered.get(), "setpriority failed");
        assertEquals(Math.max(before, BackgroundPriority.NICE), niceInside.get());
        assertEquals(before, BackgroundPriority.currentNice(), "the calling thread of the test is untouched");
    }
}
