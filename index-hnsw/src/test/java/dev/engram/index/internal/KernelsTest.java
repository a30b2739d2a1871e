package dev.engram.index.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.testkit.Seeded;
import dev.engram.testkit.TestRandom;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** Each SIMD kernel equals its scalar twin on random inputs of every length 1..1024. */
@Seeded
class KernelsTest {
    static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @Test
    void simdIsActiveUnderTheBuildFlags() {
        assertTrue(Kernels.SIMD, "surefire runs with --add-modules jdk.incubator.vector: the SIMD kernels must be in use");
    }

    @Test
    void floatKernelsMatchScalarForEveryLength(TestRandom random) {
        try (Arena arena = Arena.ofConfined()) {
            for (int dim = 1; dim <= 1024; dim++) {
                float[] a = new float[dim];
                // odd offset into the segment: kernels must not assume alignment
                long off = 4L * random.nextInt(3);
                MemorySegment b = arena.allocate(off + 4L * dim, 64);
                double sumAbs = 0, sumSq = 0;
                for (int i = 0; i < dim; i++) {
                    a[i] = (float) random.nextGaussian();
                    float y = (float) random.nextGaussian();
                    b.set(F, off + 4L * i, y);
                    sumAbs += Math.abs((double) a[i] * y);
                    sumSq += (a[i] - y) * (a[i] - y);
                }
                // summation order differs: allow float rounding relative to the magnitude of the terms
                float tol = (float) (1e-5 * sumAbs + 1e-6);
                assertEquals(ScalarKernels.dot(a, b, off, dim), Kernels.simdDot(a, b, off, dim), tol, "dot, dim " + dim);
                assertEquals(ScalarKernels.squareDistance(a, b, off, dim), Kernels.simdSquareDistance(a, b, off, dim),
                        (float) (1e-5 * sumSq + 1e-6), "squared L2, dim " + dim);
                assertEquals(ScalarKernels.cosine(a, b, off, dim), Kernels.simdCosine(a, b, off, dim), 1e-5f, "cosine, dim " + dim);
            }
        }
    }

    @Test
    void int8DotMatchesScalarExactlyForEveryLength(TestRandom random) {
        try (Arena arena = Arena.ofConfined()) {
            for (int dim = 1; dim <= 1024; dim++) {
                byte[] a = random.bytes(dim);
                long off = random.nextInt(5);
                MemorySegment b = arena.allocate(off + dim, 64);
                for (int i = 0; i < dim; i++) b.set(ValueLayout.JAVA_BYTE, off + i, (byte) random.nextInt(256));
                // extremes too: -128 * -128 must not overflow the lanes
                if (dim % 7 == 0) {
                    a[0] = Byte.MIN_VALUE;
                    b.set(ValueLayout.JAVA_BYTE, off, Byte.MIN_VALUE);
                }
                assertEquals(ScalarKernels.dotInt8(a, b, off, dim), Kernels.simdDotInt8(a, b, off, dim), "int8 dot, dim " + dim);
            }
        }
    }

    @Test
    void scalarKernelsAreRight() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment b = arena.allocate(12, 4);
            b.set(F, 0, 4f);
            b.set(F, 4, 5f);
            b.set(F, 8, 6f);
            float[] a = {1f, 2f, 3f};
            assertEquals(32f, ScalarKernels.dot(a, b, 0, 3));
            assertEquals(27f, ScalarKernels.squareDistance(a, b, 0, 3));
            assertEquals(32 / Math.sqrt(14 * 77), ScalarKernels.cosine(a, b, 0, 3), 1e-6);
            assertEquals(0f, ScalarKernels.cosine(new float[3], b, 0, 3));
        }
    }

    @Test
    void heapOrdersPackedScoresAndBreaksTiesBySmallerOrdinal(TestRandom random) {
        LongHeap heap = new LongHeap(2);
        float[] scores = {-2.5f, 0f, -0f, 3f, 3f, Float.NEGATIVE_INFINITY, 1e-30f};
        for (int i = 0; i < scores.length; i++) heap.push(LongHeap.pack(scores[i], i));
        long[] out = new long[scores.length];
        heap.drainDescending(out);
        assertEquals(3, LongHeap.node(out[0]));
        assertEquals(4, LongHeap.node(out[1]));
        assertEquals(3f, LongHeap.score(out[0]));
        assertEquals(5, LongHeap.node(out[out.length - 1]));
        for (int i = 1; i < out.length; i++) assertTrue(LongHeap.score(out[i - 1]) >= LongHeap.score(out[i]));
        for (int i = 0; i < 1000; i++) {
            float s = (float) random.nextGaussian();
            int n = random.nextInt(Integer.MAX_VALUE);
            assertEquals(s, LongHeap.score(LongHeap.pack(s, n)));
            assertEquals(n, LongHeap.node(LongHeap.pack(s, n)));
        }
    }
}
