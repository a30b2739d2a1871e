package dev.engram.index.internal;

import java.lang.foreign.MemorySegment;

/**
 * The kernels the index calls: the Vector API ones when the {@code jdk.incubator.vector} module is
 * present (run with {@code --add-modules jdk.incubator.vector}) and wide enough, the scalar ones
 * otherwise. The choice is a static final, so the JIT removes the branch.
 *
 * <p>Stateless and thread-safe.
 */
public final class Kernels {
    /** Whether the SIMD kernels are in use. */
    public static final boolean SIMD = probe();

    private Kernels() {}

    private static boolean probe() {
        if (Boolean.getBoolean("engram.index.scalar")) return false;
        try {
            return VectorKernels.worthwhile();
        } catch (Throwable t) { // NoClassDefFoundError when the incubator module is not resolved
            return false;
        }
    }

    public static float dot(float[] a, MemorySegment b, long bOff, int dim) {
        return SIMD ? VectorKernels.dot(a, b, bOff, dim) : ScalarKernels.dot(a, b, bOff, dim);
    }

    public static float squareDistance(float[] a, MemorySegment b, long bOff, int dim) {
        return SIMD ? VectorKernels.squareDistance(a, b, bOff, dim) : ScalarKernels.squareDistance(a, b, bOff, dim);
    }

    public static float cosine(float[] a, MemorySegment b, long bOff, int dim) {
        return SIMD ? VectorKernels.cosine(a, b, bOff, dim) : ScalarKernels.cosine(a, b, bOff, dim);
    }

    public static int dotInt8(byte[] a, MemorySegment b, long bOff, int dim) {
        return SIMD ? VectorKernels.dotInt8(a, b, bOff, dim) : ScalarKernels.dotInt8(a, b, bOff, dim);
    }

    /** Direct access to the SIMD kernels for the equivalence test; throws if unavailable. */
    public static float simdDot(float[] a, MemorySegment b, long bOff, int dim) {
        return VectorKernels.dot(a, b, bOff, dim);
    }

    public static float simdSquareDistance(float[] a, MemorySegment b, long bOff, int dim) {
        return VectorKernels.squareDistance(a, b, bOff, dim);
    }

    public static float simdCosine(float[] a, MemorySegment b, long bOff, int dim) {
        return VectorKernels.cosine(a, b, bOff, dim);
    }

    public static int simdDotInt8(byte[] a, MemorySegment b, long bOff, int dim) {
        return VectorKernels.dotInt8(a, b, bOff, dim);
    }
}
