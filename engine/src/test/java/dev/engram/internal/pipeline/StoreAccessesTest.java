package dev.engram.internal.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.EngramOptions;
import dev.engram.internal.store.MemoryStore;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The engine options reach the store: {@code quantizedVectors} sets the new indexes' config. */
class StoreAccessesTest {
    @Test
    void quantizedVectorsSetsTheVectorIndexConfigAndNothingElse() {
        Path dir = Path.of("unused");
        MemoryStore.Options plain = StoreAccesses.storeOptions(EngramOptions.builder(dir).build());
        MemoryStore.Options quantized = StoreAccesses.storeOptions(EngramOptions.builder(dir).quantizedVectors(true).build());
        assertFalse(plain.user().vectors().quantized(), "off by default");
        assertTrue(quantized.user().vectors().quantized());
        assertEquals(plain.user().vectors().withQuantized(true), quantized.user().vectors(), "only quantization changes");
        assertEquals(plain.user().targetBlockBytes(), quantized.user().targetBlockBytes());
        assertEquals(plain.user().segmentRollBytes(), quantized.user().segmentRollBytes());
    }
}
