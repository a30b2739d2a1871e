package dev.engram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The options' bounds: a bad value is refused when the options are built, naming the option. */
class EngramOptionsTest {
    private static EngramOptions.Builder builder() {
        return EngramOptions.builder(Path.of("unused"));
    }

    @Test
    void candidatesDefaultToTheRetrieversAndKeepTheirBounds() {
        assertEquals(50, builder().build().candidates());
        assertEquals(1, builder().candidates(1).build().candidates());
        assertEquals(EngramOptions.MAX_CANDIDATES, builder().candidates(EngramOptions.MAX_CANDIDATES).build().candidates());
        for (int bad : new int[] {0, -1, EngramOptions.MAX_CANDIDATES + 1, Integer.MAX_VALUE}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> builder().candidates(bad).build());
            assertTrue(e.getMessage().startsWith("candidates must be in 1..10000"), e.getMessage());
        }
    }

    @Test
    void weightsOutsideTheUnitIntervalAreRefused() {
        for (double bad : new double[] {-0.01, 1.01, Double.NaN}) {
            assertThrows(IllegalArgumentException.class, () -> builder().vectorWeight(bad).build());
            assertThrows(IllegalArgumentException.class, () -> builder().importanceWeight(bad).build());
        }
    }
}
