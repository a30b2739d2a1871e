package dev.engram.index.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Manual in-process comparison of int8 dot-product formulations against the kernel in use and the
 * float kernel (not a test; run from the test class path, see docs/vector-index.md). Two access
 * patterns: a hot set of 64 records (compute-bound) and random records out of {@code n} laid out
 * like the index's node records (576-byte int8 records, 1,728-byte float records), which is what a
 * graph walk sees. Variants alternate in rounds; CPU time of the process; medians printed.
 *
 * <pre>
 *   java --add-modules jdk.incubator.vector -cp … dev.engram.index.internal.KernelMeasure [n dim rounds]
 * </pre>
 */
public final class KernelMeasure {
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Short> S = ShortVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** Bytes per step when widening byte → short: as many as the short vector has lanes. */
    private static final VectorSpecies<Byte> BS = VectorSpecies.of(byte.class, VectorShape.forBitSize(S.length() * 8));
    /** Bytes per step when widening byte → int or byte → float. */
    private static final VectorSpecies<Byte> BI = VectorSpecies.of(byte.class, VectorShape.forBitSize(I.length() * 8));
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    interface Int8Kernel {
        int dot(byte[] a, MemorySegment b, long off, int dim);
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int dim = args.length > 1 ? Integer.parseInt(args[1]) : 384;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        System.out.printf("species: int %d lanes, short %d lanes, float %d lanes%n", I.length(), S.length(), F.length());
        Random random = new Random(42);
        int int8Record = 576, floatRecord = 1728; // the index's node record sizes at 384-d, M = 16
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment codes = arena.allocate((long) n * int8Record, 64);
            MemorySegment floats = arena.allocate((long) n * floatRecord, 64);
            for (int r = 0; r < n; r++) {
                for (int i = 0; i < dim; i++) {
                    codes.set(ValueLayout.JAVA_BYTE, (long) r * int8Record + i, (byte) (random.nextInt(255) - 127));
                    floats.set(GraphStore.FLOAT, (long) r * floatRecord + 4L * i, (float) random.nextGaussian());
                }
            }
            byte[] q = new byte[dim];
            float[] qf = new float[dim];
            for (int i = 0; i < dim; i++) {
                q[i] = (byte) (random.nextInt(255) - 127);
                qf[i] = (float) random.nextGaussian();
            }
            String[] names = {"current (B2I, 2 acc)", "B2S, S2I (2 acc)", "B2S, pair add, S2I", "B2F fma (4 acc)", "float dot (reference)"};
            Int8Kernel[] kernels = {VectorKernels::dotInt8, KernelMeasure::dotShorts, KernelMeasure::dotShortPairs, KernelMeasure::dotFloat};
            for (int r = 0; r < 200; r++) {
                long o = (long) random.nextInt(n) * int8Record;
                int expect = ScalarKernels.dotInt8(q, codes, o, dim);
                for (int v = 0; v < kernels.length; v++) {
                    if (kernels[v].dot(q, codes, o, dim) != expect) throw new AssertionError(names[v] + " differs from scalar");
                }
            }
            int[] hot = new int[1 << 20];
            int[] cold = new int[1 << 20];
            for (int i = 0; i < hot.length; i++) {
                hot[i] = random.nextInt(64);
                cold[i] = random.nextInt(n);
            }
            for (int[] order : new int[][] {hot, cold}) {
                double[][] ns = new double[names.length][rounds];
                for (int w = 0; w < 3; w++) for (int v = 0; v < names.length; v++) time(v, kernels, q, qf, codes, floats, order, dim);
                for (int r = 0; r < rounds; r++) {
                    for (int v = 0; v < names.length; v++) ns[v][r] = time(v, kernels, q, qf, codes, floats, order, dim);
                }
                System.out.printf("%s records (load %s):%n", order == hot ? "hot (64)" : "random of " + n,
                        Files.readString(Path.of("/proc/loadavg")).trim());
                for (int v = 0; v < names.length; v++) {
                    double[] s = ns[v].clone();
                    java.util.Arrays.sort(s);
                    System.out.printf("  %-24s %6.1f ns/dot (min %.1f max %.1f)%n", names[v], s[rounds / 2], s[0], s[rounds - 1]);
                }
            }
        }
    }

    static long sink;

    /** CPU nanoseconds per dot product over {@code order}. */
    static double time(int v, Int8Kernel[] kernels, byte[] q, float[] qf, MemorySegment codes, MemorySegment floats,
                       int[] order, int dim) {
        long t = cpuNanos();
        long acc = 0;
        long dots = 0;
        do { // the process clock ticks in milliseconds: run for at least 0.4 s
            if (v < kernels.length) {
                Int8Kernel k = kernels[v];
                for (int r : order) acc += k.dot(q, codes, (long) r * 576, dim);
            } else {
                for (int r : order) acc += (long) VectorKernels.dot(qf, floats, (long) r * 1728, dim);
            }
            dots += order.length;
        } while (cpuNanos() - t < 400_000_000L);
        sink += acc;
        return (double) (cpuNanos() - t) / dots;
    }

    static long cpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().orElseThrow().toNanos();
    }

    /** Widen 16 (or 32) bytes to shorts, multiply in shorts (|product| ≤ 2^14), widen the products to ints. */
    static int dotShorts(byte[] a, MemorySegment b, long off, int dim) {
        int step = BS.length();
        int i = 0;
        IntVector acc0 = IntVector.zero(I), acc1 = IntVector.zero(I);
        for (; i <= dim - step; i += step) {
            ShortVector p = widenS(a, i).mul(widenS(b, off + i));
            acc0 = acc0.add(p.convertShape(VectorOperators.S2I, I, 0));
            acc1 = acc1.add(p.convertShape(VectorOperators.S2I, I, 1));
        }
        int sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; i < dim; i++) sum += a[i] * b.get(ValueLayout.JAVA_BYTE, off + i);
        return sum;
    }

    /** As {@link #dotShorts}, but two products are added in shorts first (needs codes in -127..127). */
    static int dotShortPairs(byte[] a, MemorySegment b, long off, int dim) {
        int step = BS.length();
        int i = 0;
        IntVector acc0 = IntVector.zero(I), acc1 = IntVector.zero(I);
        for (; i <= dim - 2 * step; i += 2 * step) {
            ShortVector p = widenS(a, i).mul(widenS(b, off + i))
                    .add(widenS(a, i + step).mul(widenS(b, off + i + step)));
            acc0 = acc0.add(p.convertShape(VectorOperators.S2I, I, 0));
            acc1 = acc1.add(p.convertShape(VectorOperators.S2I, I, 1));
        }
        int sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; i < dim; i++) sum += a[i] * b.get(ValueLayout.JAVA_BYTE, off + i);
        return sum;
    }

    /** Bytes to floats and FMA: exact while every partial sum stays below 2^24 (dim ≤ 1,040 at ±127). */
    static int dotFloat(byte[] a, MemorySegment b, long off, int dim) {
        int step = BI.length();
        int i = 0;
        FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F), acc2 = FloatVector.zero(F), acc3 = FloatVector.zero(F);
        for (; i <= dim - 4 * step; i += 4 * step) {
            acc0 = widenF(a, i).fma(widenF(b, off + i), acc0);
            acc1 = widenF(a, i + step).fma(widenF(b, off + i + step), acc1);
            acc2 = widenF(a, i + 2 * step).fma(widenF(b, off + i + 2 * step), acc2);
            acc3 = widenF(a, i + 3 * step).fma(widenF(b, off + i + 3 * step), acc3);
        }
        for (; i <= dim - step; i += step) acc0 = widenF(a, i).fma(widenF(b, off + i), acc0);
        int sum = (int) acc0.add(acc1).add(acc2.add(acc3)).reduceLanes(VectorOperators.ADD);
        for (; i < dim; i++) sum += a[i] * b.get(ValueLayout.JAVA_BYTE, off + i);
        return sum;
    }

    private static ShortVector widenS(byte[] a, int i) {
        return (ShortVector) ByteVector.fromArray(BS, a, i).convertShape(VectorOperators.B2S, S, 0);
    }

    private static ShortVector widenS(MemorySegment s, long off) {
        return (ShortVector) ByteVector.fromMemorySegment(BS, s, off, LE).convertShape(VectorOperators.B2S, S, 0);
    }

    private static FloatVector widenF(byte[] a, int i) {
        return (FloatVector) ByteVector.fromArray(BI, a, i).convertShape(VectorOperators.B2F, F, 0);
    }

    private static FloatVector widenF(MemorySegment s, long off) {
        return (FloatVector) ByteVector.fromMemorySegment(BI, s, off, LE).convertShape(VectorOperators.B2F, F, 0);
    }
}
