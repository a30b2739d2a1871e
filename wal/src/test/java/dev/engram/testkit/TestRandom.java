package dev.engram.testkit;

import java.util.Random;

/**
 * A {@link Random} that remembers its seed, so a failing randomized test can say how to reproduce
 * itself. Use it for every random choice of the test; derive child generators with {@link #fork()}
 * (deterministic for a given seed) rather than new unseeded ones.
 */
public final class TestRandom extends Random {
    private static final long serialVersionUID = 1L;
    private final long seed;

    public TestRandom(long seed) {
        super(seed);
        this.seed = seed;
    }

    /** The seed this generator started from. */
    public long seed() {
        return seed;
    }

    /** A new generator seeded from this one: deterministic given this generator's seed. */
    public TestRandom fork() {
        return new TestRandom(nextLong());
    }

    /** Random bytes of the given length. */
    public byte[] bytes(int length) {
        byte[] b = new byte[length];
        nextBytes(b);
        return b;
    }

    /** An int in {@code [min, max]} (both inclusive). */
    public int between(int min, int max) {
        return min + nextInt(max - min + 1);
    }

    @Override
    public String toString() {
        return "TestRandom[seed=0x" + Long.toHexString(seed) + "]";
    }
}
