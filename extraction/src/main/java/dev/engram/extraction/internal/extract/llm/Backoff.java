package dev.engram.extraction.internal.extract.llm;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Retry delays: exponential backoff with "equal jitter" (half the delay fixed, half random, so
 * clients that failed together do not retry together, yet no retry comes immediately), and the
 * {@code Retry-After} header in either of its forms. Stateless and thread-safe.
 */
public final class Backoff {

    private Backoff() {}

    /** The delay before retry number {@code retry} (0 for the first retry). */
    public static Duration delay(int retry, Duration initial, Duration max, RandomGenerator random) {
        long base = initial.toMillis();
        long capped = max.toMillis();
        long exp = retry >= 30 ? capped : Math.min(capped, base << retry);
        if (exp <= 1) {
            return Duration.ofMillis(exp);
        }
        long half = exp / 2;
        return Duration.ofMillis(half + random.nextLong(exp - half + 1));
    }

    /**
     * Parses a {@code Retry-After} value: delta-seconds ("120") or an HTTP-date
     * ("Wed, 21 Oct 2015 07:28:00 GMT"). Empty when absent or unparseable; a date in the past is zero.
     */
    public static Optional<Duration> retryAfter(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        String h = header.strip();
        if (h.matches("\\d{1,9}")) {
            return Optional.of(Duration.ofSeconds(Long.parseLong(h)));
        }
        try {
            Instant at = ZonedDateTime.parse(h, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration d = Duration.between(now, at);
            return Optional.of(d.isNegative() ? Duration.ZERO : d);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
