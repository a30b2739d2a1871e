package dev.engram.wal;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.testkit.FaultInjectingStorage;
import dev.engram.testkit.InMemoryStorage;
import dev.engram.testkit.Seeded;
import dev.engram.testkit.TestRandom;
import java.io.IOException;
import org.junit.jupiter.api.RepeatedTest;

/**
 * Cuts the power before every I/O operation of a workload, for several seeds: unsynced bytes are
 * dropped, torn or garbled and unsynced directory entries lost at random; recovery must open the log
 * with every acknowledged record present, in order, unaltered.
 */
@Seeded
class PowerLossTest {
    @RepeatedTest(12)
    void powerLossAtEveryOperationKeepsEveryAcknowledgedRecord(TestRandom random) throws IOException {
        long seed = random.nextLong();
        FaultInjectingStorage clean = FaultInjectingStorage.wrap(new InMemoryStorage());
        Workload reference = new Workload(seed);
        reference.run(clean);
        assertNull(reference.failure);
        long ops = clean.operations();
        for (long n = 1; n <= ops + 3; n++) {
            FaultInjectingStorage storage = FaultInjectingStorage.wrap(new InMemoryStorage());
            storage.crashAt(n);
            Workload w = new Workload(seed);
            w.run(storage);
            if (storage.operations() >= n) assertTrue(w.failure != null || storage.crashed(), "crash at " + n + " went unnoticed");
            storage.powerLoss(random.fork());
            w.verify(storage, "power loss at operation " + n + " of " + ops);
        }
    }
}
