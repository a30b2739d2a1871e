package dev.engram.index.internal;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Distance kernels on the (incubating) Vector API, at the platform's preferred width (256 bits on
 * AVX2, 512 on AVX-512). Float kernels keep four independent accumulators so the fused
 * multiply-adds of consecutive iterations do not wait on each other; the tail that does not fill
 * a whole vector is done in scalar code. Results may differ from {@link ScalarKernels} by float
 * rounding (the summation order differs); int8 results are exact.
 *
 * <p>Stateless and thread-safe. Only loaded through {@link Kernels}, which falls back to the scalar
 * kernels when the {@code jdk.incubator.vector} module is absent.
 */
final class VectorKernels {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int FL = F.length();
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    /** Bytes loaded per int8 step: as many as the int vector has lanes, widened byte → int. */
    private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(I.length() * 8));
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private VectorKernels() {}

    /** Whether this platform gives the SIMD kernels at least four lanes (else scalar is as good). */
    static boolean worthwhile() {
        return FL >= 4 && I.length() >= 4;
    }

    static float dot(float[] a, MemorySegment b, long bOff, int dim) {
        int i = 0;
        FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F), acc2 = FloatVector.zero(F), acc3 = FloatVector.zero(F);
        int bound4 = dim - 4 * FL;
        for (; i <= bound4; i += 4 * FL) {
            long o = 4L * i;
            acc0 = FloatVector.fromArray(F, a, i).fma(load(b, bOff + o), acc0);
            acc1 = FloatVector.fromArray(F, a, i + 1 * FL).fma(load(b, bOff + o + 4L * FL), acc1);
            acc2 = FloatVector.fromArray(F, a, i + 2 * FL).fma(load(b, bOff + o + 8L * FL), acc2);
            acc3 = FloatVector.fromArray(F, a, i + 3 * FL).fma(load(b, bOff + o + 12L * FL), acc3);
        }
        for (; i <= dim - FL; i += FL) {
            acc0 = FloatVector.fromArray(F, a, i).fma(load(b, bOff + 4L * i), acc0);
        }
        float sum = sum(acc0.add(acc1).add(acc2.add(acc3)));
        for (; i < dim; i++) {
            sum = Math.fma(a[i], b.get(ScalarKernels.FLOAT, bOff + 4L * i), sum);
        }
        return sum;
    }

    static float squareDistance(float[] a, MemorySegment b, long bOff, int dim) {
        int i = 0;
        FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F), acc2 = FloatVector.zero(F), acc3 = FloatVector.zero(F);
        int bound4 = dim - 4 * FL;
        for (; i <= bound4; i += 4 * FL) {
            long o = 4L * i;
            FloatVector d0 = FloatVector.fromArray(F, a, i).sub(load(b, bOff + o));
            FloatVector d1 = FloatVector.fromArray(F, a, i + 1 * FL).sub(load(b, bOff + o + 4L * FL));
            FloatVector d2 = FloatVector.fromArray(F, a, i + 2 * FL).sub(load(b, bOff + o + 8L * FL));
            FloatVector d3 = FloatVector.fromArray(F, a, i + 3 * FL).sub(load(b, bOff + o + 12L * FL));
            acc0 = d0.fma(d0, acc0);
            acc1 = d1.fma(d1, acc1);
            acc2 = d2.fma(d2, acc2);
            acc3 = d3.fma(d3, acc3);
        }
        for (; i <= dim - FL; i += FL) {
            FloatVector d = FloatVector.fromArray(F, a, i).sub(load(b, bOff + 4L * i));
            acc0 = d.fma(d, acc0);
        }
        float sum = sum(acc0.add(acc1).add(acc2.add(acc3)));
        for (; i < dim; i++) {
            float d = a[i] - b.get(ScalarKernels.FLOAT, bOff + 4L * i);
            sum = Math.fma(d, d, sum);
        }
        return sum;
    }

    static float cosine(float[] a, MemorySegment b, long bOff, int dim) {
        int i = 0;
        FloatVector ab = FloatVector.zero(F), aa = FloatVector.zero(F), bb = FloatVector.zero(F);
        for (; i <= dim - FL; i += FL) {
            FloatVector x = FloatVector.fromArray(F, a, i);
            FloatVector y = load(b, bOff + 4L * i);
            ab = x.fma(y, ab);
            aa = x.fma(x, aa);
            bb = y.fma(y, bb);
        }
        float sab = sum(ab);
        float saa = sum(aa);
        float sbb = sum(bb);
        for (; i < dim; i++) {
            float x = a[i];
            float y = b.get(ScalarKernels.FLOAT, bOff + 4L * i);
            sab = Math.fma(x, y, sab);
            saa = Math.fma(x, x, saa);
            sbb = Math.fma(y, y, sbb);
        }
        double norms = Math.sqrt((double) saa * sbb);
        return norms == 0 ? 0f : (float) (sab / norms);
    }

    static int dotInt8(byte[] a, MemorySegment b, long bOff, int dim) {
        int step = B.length();
        int i = 0;
        IntVector acc0 = IntVector.zero(I), acc1 = IntVector.zero(I);
        for (; i <= dim - 2 * step; i += 2 * step) {
            acc0 = acc0.add(widen(a, i).mul(widen(b, bOff + i)));
            acc1 = acc1.add(widen(a, i + step).mul(widen(b, bOff + i + step)));
        }
        for (; i <= dim - step; i += step) {
            acc0 = acc0.add(widen(a, i).mul(widen(b, bOff + i)));
        }
        int sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; i < dim; i++) {
            sum += a[i] * b.get(java.lang.foreign.ValueLayout.JAVA_BYTE, bOff + i);
        }
        return sum;
    }

    /**
     * Adds the lanes in lane order. Not {@code reduceLanes(ADD)}: its order differs between the
     * intrinsic and the Java fallback, so a score would change in the last bit once the kernel got
     * compiled, and a single-threaded build would no longer be reproducible.
     */
    private static float sum(FloatVector v) {
        float s = 0f;
        for (int i = 0; i < FL; i++) s += v.lane(i);
        return s;
    }

    private static FloatVector load(MemorySegment s, long off) {
        return FloatVector.fromMemorySegment(F, s, off, LE);
    }

    private static IntVector widen(byte[] a, int i) {
        return (IntVector) ByteVector.fromArray(B, a, i).convertShape(VectorOperators.B2I, I, 0);
    }

    private static IntVector widen(MemorySegment s, long off) {
        return (IntVector) ByteVector.fromMemorySegment(B, s, off, LE).convertShape(VectorOperators.B2I, I, 0);
    }
}
