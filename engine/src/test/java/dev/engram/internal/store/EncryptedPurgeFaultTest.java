package dev.engram.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.internal.crypto.KeyStore;
import dev.engram.internal.crypto.MasterKey;
import dev.engram.io.Storage;
import dev.engram.memory.UserId;
import dev.engram.testkit.FaultInjectingStorage;
import dev.engram.testkit.Seeded;
import dev.engram.testkit.TestRandom;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.RepeatedTest;

/**
 * {@link PurgeFaultTest} with crypto-shredding on: the key store lives on the same fault-injecting
 * storage ({@code keys/}), so the destruction of the purged user's key is among the operations
 * failed or cut by a power loss. After recovery, in addition: the purged user's key exists exactly
 * when its data does (a purge that took effect always destroyed the key; one that did not never
 * did), and no canary of either user is in any file in clear, before or after the purge.
 */
@Seeded
class EncryptedPurgeFaultTest extends PurgeFaultTest {
    static final MasterKey MASTER = MasterKey.parse("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");

    @Override
    MemoryStore.Options options() {
        return super.options().withEncryption(MASTER, null);
    }

    @Override
    @RepeatedTest(4)
    void failureAtEveryOperationOfAPurge(TestRandom random) throws Exception {
        exhaust(random, false);
    }

    @Override
    @RepeatedTest(4)
    void powerLossAtEveryOperationOfAPurge(TestRandom random) throws Exception {
        exhaust(random, true);
    }

    @Override
    void checkMore(FaultInjectingStorage root, MemoryStore s, boolean annGone, Map<UserId, String> canaries, String context)
            throws IOException {
        assertTrue(s.encrypted(), context);
        String ann = KeyStore.hashName(UserId.of("ann"));
        assertEquals(!annGone, keyFileExists(root, ann), context + ": the purged user's key exists exactly when its data does");
        assertTrue(keyFileExists(root, KeyStore.hashName(UserId.of("bob"))), context + ": the other user's key");
        for (String c : canaries.values()) {
            List<String> where = scan(root, "", c.getBytes(StandardCharsets.UTF_8));
            assertTrue(where.isEmpty(), context + ": canary " + c + " in clear in " + where);
        }
    }

    static boolean keyFileExists(Storage root, String hash) throws IOException {
        if (!root.isDirectory("keys")) return false;
        try (Storage keys = root.subdirectory("keys")) {
            if (!keys.isDirectory(hash.substring(0, 2))) return false;
            try (Storage sub = keys.subdirectory(hash.substring(0, 2))) {
                return sub.exists(hash);
            }
        }
    }
}
