package dev.engram.memory;

import java.time.Instant;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * The identity of a memory across all its versions: a UUID version 7 (RFC 9562), so ids sort by
 * creation time (48-bit Unix milliseconds first) and stay unique without coordination.
 *
 * <p>The text form is the canonical lower-case {@code 8-4-4-4-12} hex form; {@link #parse} accepts
 * upper case too but only version-7, RFC-variant UUIDs. Ordering ({@link #compareTo}) is the
 * unsigned order of the 128 bits, which is time order for ids made by {@link Generator}.
 *
 * <p>Immutable and thread-safe.
 */
public record MemoryId(long mostSignificantBits, long leastSignificantBits) implements Comparable<MemoryId> {

    public MemoryId {
        if (((mostSignificantBits >>> 12) & 0xF) != 7) {
            throw new ValidationException("memoryId", "not a UUID version 7");
        }
        if ((leastSignificantBits >>> 62) != 0b10) {
            throw new ValidationException("memoryId", "not an RFC 9562 variant UUID");
        }
    }

    /** Parses the canonical text form; anything else raises {@link ValidationException}. */
    public static MemoryId parse(String text) {
        if (text == null || text.length() != 36) {
            throw new ValidationException("memoryId", "expected a 36-character UUID");
        }
        long msb = 0;
        long lsb = 0;
        int nibbles = 0;
        for (int i = 0; i < 36; i++) {
            char c = text.charAt(i);
            if (i == 8 || i == 13 || i == 18 || i == 23) {
                if (c != '-') throw new ValidationException("memoryId", "expected '-' at index " + i);
                continue;
            }
            int v = Character.digit(c, 16);
            if (v < 0 || c > 'f') throw new ValidationException("memoryId", "not a hex digit at index " + i);
            if (nibbles < 16) msb = (msb << 4) | v;
            else lsb = (lsb << 4) | v;
            nibbles++;
        }
        return new MemoryId(msb, lsb);
    }

    /** The id as a {@link UUID}. */
    public UUID toUuid() {
        return new UUID(mostSignificantBits, leastSignificantBits);
    }

    /** The creation time encoded in the id, to the millisecond. */
    public Instant timestamp() {
        return Instant.ofEpochMilli(mostSignificantBits >>> 16);
    }

    @Override
    public int compareTo(MemoryId o) {
        int c = Long.compareUnsigned(mostSignificantBits, o.mostSignificantBits);
        return c != 0 ? c : Long.compareUnsigned(leastSignificantBits, o.leastSignificantBits);
    }

    @Override
    public String toString() {
        return toUuid().toString();
    }

    /**
     * Makes strictly increasing version-7 ids: within one millisecond, or when the clock steps
     * back, the 74 random bits of the previous id are incremented instead of drawn afresh
     * (RFC 9562 section 6.2, method 2), so ids from one generator never repeat or go backwards.
     * Thread-safe (its one method is synchronized).
     */
    public static final class Generator {
        private static final long RAND_A_MASK = 0xFFFL;
        private static final long RAND_B_MASK = 0x3FFF_FFFF_FFFF_FFFFL;

        private final RandomGenerator random;
        private long lastMsb;
        private long lastLsb;

        public Generator(RandomGenerator random) {
            this.random = random;
        }

        /** The next id for a creation time of {@code epochMillis} (0 to 2^48-1). */
        public synchronized MemoryId next(long epochMillis) {
            if (epochMillis < 0 || epochMillis >= (1L << 48)) {
                throw new ValidationException("memoryId", "timestamp out of the 48-bit range: " + epochMillis);
            }
            long msb = (epochMillis << 16) | (7L << 12) | (random.nextLong() & RAND_A_MASK);
            long lsb = (0b10L << 62) | (random.nextLong() & RAND_B_MASK);
            if (lastMsb != 0 && !greater(msb, lsb)) {
                // Increment the previous id's 74-bit random part; a carry out of rand_b goes into rand_a.
                long b = (lastLsb & RAND_B_MASK) + 1;
                long a = lastMsb & RAND_A_MASK;
                long time = lastMsb >>> 16;
                if (b > RAND_B_MASK) {
                    b = 0;
                    a++;
                    if (a > RAND_A_MASK) {
                        a = 0;
                        time++;
                    }
                }
                msb = (time << 16) | (7L << 12) | a;
                lsb = (0b10L << 62) | b;
            }
            lastMsb = msb;
            lastLsb = lsb;
            return new MemoryId(msb, lsb);
        }

        private boolean greater(long msb, long lsb) {
            int c = Long.compareUnsigned(msb, lastMsb);
            return c > 0 || (c == 0 && Long.compareUnsigned(lsb, lastLsb) > 0);
        }
    }
}
