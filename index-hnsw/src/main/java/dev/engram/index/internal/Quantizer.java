package dev.engram.index.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Symmetric int8 scalar quantization with one scale per vector: {@code code = round(x / scale)},
 * {@code scale = max|x| / 127}. A per-vector scale needs no training set, so vectors can be added
 * one at a time; {@code dot(a, b) ≈ scaleA · scaleB · Σ codeA·codeB}. The error only steers the
 * graph walk: final scores are re-computed on the float vectors.
 *
 * <p>Stateless and thread-safe.
 */
public final class Quantizer {
    private Quantizer() {}

    public static float scale(float[] v) {
        float max = 0f;
        for (float x : v) max = Math.max(max, Math.abs(x));
        return max == 0f ? 1f : max / 127f;
    }

    public static void encode(float[] v, float scale, MemorySegment out, long off) {
        float inv = 1f / scale;
        for (int i = 0; i < v.length; i++) out.set(ValueLayout.JAVA_BYTE, off + i, code(v[i], inv));
    }

    public static void encode(float[] v, float scale, byte[] out) {
        float inv = 1f / scale;
        for (int i = 0; i < v.length; i++) out[i] = code(v[i], inv);
    }

    private static byte code(float x, float inv) {
        return (byte) Math.max(-127, Math.min(127, Math.round(x * inv)));
    }

    public static float squaredNorm(float[] v) {
        float s = 0f;
        for (float x : v) s = Math.fma(x, x, s);
        return s;
    }
}
