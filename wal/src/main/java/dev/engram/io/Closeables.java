package dev.engram.io;

import java.io.IOException;

/** Closes several resources: all are closed, the first failure is thrown, later ones are suppressed. Thread-safe. */
public final class Closeables {
    private Closeables() {}

    /** Closes each non-null resource in order; throws the first failure with the others suppressed. */
    public static void closeAll(AutoCloseable... resources) throws IOException {
        Throwable first = null;
        for (AutoCloseable r : resources) {
            if (r == null) continue;
            try {
                r.close();
            } catch (Throwable t) {
                if (first == null) first = t;
                else first.addSuppressed(t);
            }
        }
        if (first instanceof IOException e) throw e;
        if (first instanceof RuntimeException e) throw e;
        if (first instanceof Error e) throw e;
        if (first != null) throw new IOException(first);
    }

    /** Closes each resource, ignoring failures (for cleanup after an earlier error). */
    public static void closeQuietly(AutoCloseable... resources) {
        for (AutoCloseable r : resources) {
            if (r == null) continue;
            try {
                r.close();
            } catch (Throwable ignored) {
                // The caller is already failing with a more important error.
            }
        }
    }
}
