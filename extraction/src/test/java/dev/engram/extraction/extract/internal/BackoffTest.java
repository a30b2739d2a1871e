package dev.engram.extraction.extract.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.extraction.internal.extract.llm.Backoff;
import dev.engram.testkit.Seeded;
import dev.engram.testkit.TestRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

@Seeded
class BackoffTest {

    @RepeatedTest(20)
    void delaysDoubleWithEqualJitterUpToTheCap(TestRandom random) {
        Duration initial = Duration.ofMillis(100);
        Duration max = Duration.ofMillis(1_000);
        for (int retry = 0; retry < 40; retry++) {
            long exp = Math.min(1_000, 100L << Math.min(retry, 20));
            long d = Backoff.delay(retry, initial, max, random).toMillis();
            assertTrue(d >= exp / 2 && d <= exp, "retry " + retry + ": " + d + " not in [" + exp / 2 + ", " + exp + "]");
        }
    }

    @Test
    void retryAfterTakesSecondsOrAnHttpDate() {
        Instant now = Instant.parse("2015-10-21T07:27:00Z");
        assertEquals(Optional.of(Duration.ofSeconds(120)), Backoff.retryAfter("120", now));
        assertEquals(Optional.of(Duration.ofSeconds(60)), Backoff.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT", now));
        assertEquals(Optional.of(Duration.ZERO), Backoff.retryAfter("Wed, 21 Oct 2015 07:00:00 GMT", now));
        assertEquals(Optional.empty(), Backoff.retryAfter("soon", now));
        assertEquals(Optional.empty(), Backoff.retryAfter(null, now));
        assertEquals(Optional.empty(), Backoff.retryAfter("-5", now));
    }
}
