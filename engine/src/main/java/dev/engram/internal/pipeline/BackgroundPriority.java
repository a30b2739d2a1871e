package dev.engram.internal.pipeline;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Lowers the CPU priority of the calling thread, for background work (extraction, embedding of
 * memories, reconciliation) that must not take cores from the request path: an ingest
 * acknowledgment or a retrieval wakes up and runs before a background thread of the same process.
 * Java thread priorities are ignored on Linux, so this calls {@code setpriority(PRIO_PROCESS,
 * gettid(), nice)} through the foreign-function API: on Linux a nice value is per thread, and a
 * thread may always lower its own priority. Elsewhere, or when native access is refused, it does
 * nothing and says so (the work still runs, only not deprioritized).
 *
 * <p>ONNX Runtime's own intra-op threads are native and keep their priority; the calling
 * (worker) thread's share of an inference is lowered.
 */
final class BackgroundPriority {
    /** The nice value taken (0 normal, 19 lowest). */
    static final int NICE = 10;

    private static final MethodHandle GETTID;
    private static final MethodHandle SETPRIORITY;

    static {
        MethodHandle gettid = null;
        MethodHandle setpriority = null;
        if (System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            try {
                Linker linker = Linker.nativeLinker();
                SymbolLookup libc = linker.defaultLookup();
                gettid = linker.downcallHandle(libc.find("gettid").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT));
                setpriority = linker.downcallHandle(libc.find("setpriority").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            } catch (RuntimeException | Error e) { // no such symbol, or native access refused
                gettid = null;
                setpriority = null;
            }
        }
        GETTID = gettid;
        SETPRIORITY = setpriority;
    }

    private BackgroundPriority() {}

    /** Lowers the calling thread's priority to {@link #NICE}; returns whether it took effect. */
    static boolean lowerCurrentThread() {
        if (SETPRIORITY == null) return false;
        try {
            int tid = (int) GETTID.invokeExact();
            return (int) SETPRIORITY.invokeExact(0 /* PRIO_PROCESS: with a thread id, that thread */, tid, NICE) == 0;
        } catch (Throwable t) {
            return false;
        }
    }
}
