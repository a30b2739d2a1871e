package dev.engram.index.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Plain-Java distance kernels: the fallback when the Vector API is unavailable and the reference the
 * SIMD kernels are tested against. The first operand (the query) is a Java array, the second a
 * stored vector: {@code dim} little-endian float32 (or int8) components at a byte offset of a segment.
 *
 * <p>Stateless and thread-safe.
 */
public final class ScalarKernels {
    static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

    private ScalarKernels() {}

    public static float dot(float[] a, MemorySegment b, long bOff, int dim) {
        float sum = 0f;
        for (int i = 0; i < dim; i++) {
            sum = Math.fma(a[i], b.get(FLOAT, bOff + 4L * i), sum);
        }
        return sum;
    }

    public static float squareDistance(float[] a, MemorySegment b, long bOff, int dim) {
        float sum = 0f;
        for (int i = 0; i < dim; i++) {
            float d = a[i] - b.get(FLOAT, bOff + 4L * i);
            sum = Math.fma(d, d, sum);
        }
        return sum;
    }

    /** The cosine; 0 when either vector is zero. */
    public static float cosine(float[] a, MemorySegment b, long bOff, int dim) {
        float ab = 0f, aa = 0f, bb = 0f;
        for (int i = 0; i < dim; i++) {
            float x = a[i];
            float y = b.get(FLOAT, bOff + 4L * i);
            ab = Math.fma(x, y, ab);
            aa = Math.fma(x, x, aa);
            bb = Math.fma(y, y, bb);
        }
        double norms = Math.sqrt((double) aa * bb);
        return norms == 0 ? 0f : (float) (ab / norms);
    }

    /** The exact integer dot product of two signed int8 vectors. */
    public static int dotInt8(byte[] a, MemorySegment b, long bOff, int dim) {
        int sum = 0;
        for (int i = 0; i < dim; i++) {
            sum += a[i] * b.get(ValueLayout.JAVA_BYTE, bOff + i);
        }
        return sum;
    }
}
