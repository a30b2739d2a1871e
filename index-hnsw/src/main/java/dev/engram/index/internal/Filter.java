package dev.engram.index.internal;

import java.util.function.IntPredicate;
import org.roaringbitmap.RoaringBitmap;

/**
 * Which nodes a search may return: live (not tombstoned) and accepted by the caller's bitmap or
 * predicate, if any. Immutable; as thread-safe as the bitmap or predicate it wraps.
 */
public final class Filter {
    private final RoaringBitmap bitmap;
    private final IntPredicate predicate;

    public Filter(RoaringBitmap bitmap, IntPredicate predicate) {
        this.bitmap = bitmap;
        this.predicate = predicate;
    }

    public static final Filter NONE = new Filter(null, null);

    public boolean restricts() {
        return bitmap != null || predicate != null;
    }

    public RoaringBitmap bitmap() {
        return bitmap;
    }

    /** Whether the caller's filter accepts {@code node} (tombstones are checked separately). */
    public boolean accepts(int node) {
        if (bitmap != null) return bitmap.contains(node);
        return predicate == null || predicate.test(node);
    }
}
