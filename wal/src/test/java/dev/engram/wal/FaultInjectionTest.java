package dev.engram.wal;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.testkit.FaultInjectingStorage;
import dev.engram.testkit.InMemoryStorage;
import dev.engram.testkit.Seeded;
import dev.engram.testkit.TestRandom;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * Fails every I/O operation of a workload in turn (once, and from then on), then cuts the power and
 * recovers: no acknowledged record may be lost, the log must fail-stop with the original cause, and
 * recovery must never refuse to open.
 */
@Seeded
class FaultInjectionTest {
    @Test
    void failingAnyOperationOnceOrForGoodLosesNoAcknowledgedRecord(TestRandom random) throws IOException {
        long seed = random.nextLong();
        FaultInjectingStorage clean = FaultInjectingStorage.wrap(new InMemoryStorage());
        Workload reference = new Workload(seed);
        reference.run(clean);
        assertNull(reference.failure, "the workload must pass without faults");
        long ops = clean.operations();
        assertTrue(ops > 100, "workload too small: " + ops + " operations");
        int failedRuns = 0;
        for (boolean once : new boolean[] {true, false}) {
            for (long n = 1; n <= ops + 5; n++) {
                FaultInjectingStorage storage = FaultInjectingStorage.wrap(new InMemoryStorage());
                if (once) storage.failOnce(n);
                else storage.failFrom(n);
                Workload w = new Workload(seed);
                w.run(storage);
                String context = (once ? "fail once" : "fail from") + " at operation " + n + " of " + ops;
                // Batching varies between runs, so the operation count does too: judge the operations reached.
                if (storage.operations() >= n) {
                    assertTrue(w.failure != null, context + ": the fault went unnoticed");
                    assertTrue(String.valueOf(w.failure.getCause() != null ? w.failure.getCause() : w.failure)
                            .contains("injected fault"), context + ": failure does not carry the cause: " + w.failure);
                    failedRuns++;
                }
                storage.clearFaults();
                storage.powerLoss(random.fork());
                w.verify(storage, context);
            }
        }
        assertTrue(failedRuns > ops, "faults injected in only " + failedRuns + " runs");
    }
}
