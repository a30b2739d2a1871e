package dev.engram.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

@Seeded
class SeedExtensionTest {
    @Test
    void sameSeedGivesSameSequence(TestRandom random) {
        TestRandom replay = new TestRandom(random.seed());
        for (int i = 0; i < 100; i++) assertEquals(replay.nextLong(), random.nextLong());
    }

    @Test
    void forksAreDeterministic(TestRandom random) {
        TestRandom a = new TestRandom(random.seed()).fork();
        TestRandom b = new TestRandom(random.seed()).fork();
        assertEquals(a.seed(), b.seed());
    }

    @RepeatedTest(3)
    void betweenStaysInRange(TestRandom random) {
        for (int i = 0; i < 1000; i++) {
            int v = random.between(-3, 5);
            assertTrue(v >= -3 && v <= 5, "out of range: " + v);
        }
    }

    @Test
    void parsesHexAndDecimalSeeds() {
        String old = System.getProperty(SeedExtension.SEED_PROPERTY);
        try {
            System.setProperty(SeedExtension.SEED_PROPERTY, "0xff");
            assertEquals(255L, SeedExtension.initialSeed());
            System.setProperty(SeedExtension.SEED_PROPERTY, "-12");
            assertEquals(-12L, SeedExtension.initialSeed());
            System.setProperty(SeedExtension.SEED_PROPERTY, "0xffffffffffffffff");
            assertEquals(-1L, SeedExtension.initialSeed());
        } finally {
            if (old == null) System.clearProperty(SeedExtension.SEED_PROPERTY);
            else System.setProperty(SeedExtension.SEED_PROPERTY, old);
        }
    }
}
