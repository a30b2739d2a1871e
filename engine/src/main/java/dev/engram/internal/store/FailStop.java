package dev.engram.internal.store;

import java.io.IOException;

/**
 * The memory store's tragic-error holder: the first I/O failure of any write, flush, checkpoint
 * or eviction is kept for good, and every later write throws an {@link IOException} whose cause
 * is that first failure (an fsync is never retried; reopen to recover). Thread-safe.
 */
final class FailStop {
    private volatile Throwable failure;

    /** Keeps {@code t} if it is the first failure; returns it as an {@link IOException} to throw. */
    IOException fail(String what, Throwable t) {
        synchronized (this) {
            if (failure == null) failure = t;
        }
        return t instanceof IOException io ? io : new IOException(what, t);
    }

    /** Throws if a failure was kept. */
    void check() throws IOException {
        Throwable t = failure;
        if (t != null) {
            throw new IOException("memory store stopped after an earlier I/O failure (" + t + "); reopen it to recover", t);
        }
    }

    Throwable failure() {
        return failure;
    }
}
