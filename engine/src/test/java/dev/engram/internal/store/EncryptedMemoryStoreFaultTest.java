package dev.engram.internal.store;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.testkit.FaultInjectingStorage;
import dev.engram.testkit.Seeded;
import dev.engram.testkit.TestRandom;
import java.io.IOException;
import org.junit.jupiter.api.RepeatedTest;

/**
 * {@link MemoryStoreFaultTest} with crypto-shredding on: every user's key is created during the
 * workload (key store on the same fault-injecting storage, {@code keys/}), so an I/O error or a
 * power loss hits every operation of key-store initialization and key creation too; recovery must
 * still meet every guarantee of the unencrypted store (acknowledged writes present and decryptable,
 * the write in flight all or nothing, derived state equal to a rebuild).
 */
@Seeded
class EncryptedMemoryStoreFaultTest extends MemoryStoreFaultTest {
    @Override
    MemoryStore.Options options() {
        return super.options().withEncryption(EncryptedPurgeFaultTest.MASTER, null);
    }

    @Override
    @RepeatedTest(3)
    void failureAtEveryOperationLosesNothingAcknowledged(TestRandom random) throws Exception {
        exhaust(random, false);
    }

    @Override
    @RepeatedTest(3)
    void powerLossAtEveryOperationLosesNothingAcknowledged(TestRandom random) throws Exception {
        exhaust(random, true);
    }

    @Override
    void checkMore(FaultInjectingStorage root, MemoryStore s, String context) throws IOException {
        assertTrue(s.encrypted(), context);
    }
}
