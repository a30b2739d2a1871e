package dev.engram.internal.store;

import dev.engram.EngramStats;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * A fixed-bucket histogram for metrics (WAL fsync latency, memories per user). Recording is
 * lock-free; a {@link #snapshot} taken while others record may be off by the records in flight.
 * Thread-safe.
 */
public final class Buckets {
    private final double[] bounds; // ascending, the last +Inf
    private final AtomicLongArray counts;
    private final DoubleAdder sum = new DoubleAdder();

    /** Buckets with these ascending finite upper bounds, plus +Inf. */
    public Buckets(double... upperBounds) {
        for (int i = 1; i < upperBounds.length; i++) {
            if (!(upperBounds[i] > upperBounds[i - 1])) throw new IllegalArgumentException("bounds must ascend: " + Arrays.toString(upperBounds));
        }
        bounds = Arrays.copyOf(upperBounds, upperBounds.length + 1);
        bounds[upperBounds.length] = Double.POSITIVE_INFINITY;
        counts = new AtomicLongArray(bounds.length);
    }

    /** Counts {@code value} in the first bucket whose bound is at least it. */
    public void record(double value) {
        int i = Arrays.binarySearch(bounds, value);
        counts.incrementAndGet(i >= 0 ? i : Math.min(-i - 1, bounds.length - 1));
        sum.add(value);
    }

    public EngramStats.Histogram snapshot() {
        List<Double> b = new ArrayList<>(bounds.length);
        List<Long> c = new ArrayList<>(bounds.length);
        for (int i = 0; i < bounds.length; i++) {
            b.add(bounds[i]);
            c.add(counts.get(i));
        }
        return new EngramStats.Histogram(b, c, sum.sum());
    }
}
