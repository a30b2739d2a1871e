package dev.engram.internal.pipeline;

import dev.engram.EngramOptions;
import java.io.IOException;

/** The production {@link StoreAccess}: the WAL-backed multi-user store under the data directory. */
public final class StoreAccesses {
    private StoreAccesses() {}

    public static StoreAccess open(EngramOptions options, ReplaySink sink) throws IOException {
        throw new UnsupportedOperationException("MemoryStore adapter: pending merge of the durable store");
    }
}
