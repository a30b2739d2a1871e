package dev.engram.wal;

import dev.engram.io.Storage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Helpers shared by the WAL tests. */
final class WalTestSupport {
    private WalTestSupport() {}

    /** Reads every record the log holds from LSN 1. */
    static List<WalRecord> readAll(Wal wal) {
        List<WalRecord> out = new ArrayList<>();
        try (WalReader r = wal.reader(0)) {
            while (r.hasNext()) out.add(r.next());
        }
        return out;
    }

    /** Opens, reads everything, closes. */
    static List<WalRecord> reopenAndReadAll(WalOptions options) throws IOException {
        try (Wal wal = Wal.open(options)) {
            return readAll(wal);
        }
    }

    /** A payload whose content is derived from its index, so a reader can check it. */
    static byte[] payload(long i, int length) {
        byte[] b = new byte[length];
        Random r = new Random(i * 0x9E3779B97F4A7C15L);
        r.nextBytes(b);
        return b;
    }

    static WalOptions.Builder options(Storage storage) {
        return WalOptions.builder(storage);
    }
}
