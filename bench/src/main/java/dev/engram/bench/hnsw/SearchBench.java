package dev.engram.bench.hnsw;

import java.util.BitSet;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * Search throughput of one built index: each invocation answers the next held-out query (each
 * thread starts at its own offset and cycles through all of them).
 *
 * <p>Run in-process by {@link Worker} (JMH {@code forks = 0}): the worker is itself a fresh JVM
 * per library and size, started with the project's JVM flags, so no two libraries share a JIT
 * profile, and an index built once (100k vectors take minutes) serves every ef and thread count.
 * The target is set through the static fields before each run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SearchBench {
    static volatile AnnIndex index;
    static volatile float[][] queries;
    static volatile int ef;
    static volatile BitSet filter;

    /** Per-thread query cursor. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;

        @Setup
        public void setup(ThreadParams t) {
            next = t.getThreadIndex() * 397;
        }
    }

    @Benchmark
    public int[] search(Cursor c) throws Exception {
        float[][] qs = queries;
        float[] q = qs[c.next++ % qs.length];
        BitSet f = filter;
        return f == null ? index.search(q, Params.K, ef) : index.searchFiltered(q, Params.K, ef, f);
    }
}
