package dev.engram.internal.retrieval;

import dev.engram.internal.bitmap.AttributeBitmaps;
import dev.engram.internal.store.UserStore;
import dev.engram.memory.Memory;
import dev.engram.memory.MemoryStatus;
import dev.engram.memory.MemoryType;
import java.time.Instant;
import java.util.Map;
import org.roaringbitmap.RoaringBitmap;

/**
 * Applies a query's {@link Filters}: what the attribute bitmaps can answer becomes the accept set
 * handed to the indexes (so filtered-out versions never take a candidate slot); the rest —
 * metadata, validity, expiry, which version was current at {@code asOf} — is checked per
 * candidate. Stateless.
 */
final class CandidateFilter {
    private CandidateFilter() {}

    /**
     * The ordinals a query may return, before the per-candidate checks: the current versions (with
     * {@code asOf}: every version of an undeleted memory), of an accepted status, type and category.
     * Tombstoned (deleted) versions are never in it.
     */
    static RoaringBitmap acceptSet(AttributeBitmaps b, RetrievalQuery q) {
        Filters f = q.filters();
        RoaringBitmap accept = q.asOf() == null ? b.current() : RoaringBitmap.andNot(b.all(), b.tombstones());
        RoaringBitmap status = b.withStatus(MemoryStatus.ACTIVE);
        if (f.includeSuperseded()) status.or(b.withStatus(MemoryStatus.SUPERSEDED));
        if (f.includeArchived()) status.or(b.withStatus(MemoryStatus.ARCHIVED));
        accept.and(status);
        if (!f.types().isEmpty()) {
            RoaringBitmap types = new RoaringBitmap();
            for (MemoryType t : f.types()) types.or(b.ofType(t));
            accept.and(types);
        }
        if (!f.categories().isEmpty()) {
            RoaringBitmap cats = new RoaringBitmap();
            for (String c : f.categories()) cats.or(b.inCategory(c));
            accept.and(cats);
        }
        accept.andNot(b.tombstones());
        return accept;
    }

    /** The checks the bitmaps cannot make: metadata, validity at the query's time, expiry, as-of version. */
    static boolean accepts(UserStore store, Memory m, RetrievalQuery q) {
        Filters f = q.filters();
        for (Map.Entry<String, String> e : f.metadata().entrySet()) {
            if (!e.getValue().equals(m.metadata().get(e.getKey()))) return false;
        }
        Instant at = q.at();
        if (m.validFrom().isAfter(at)) return false;
        if (!f.includeSuperseded() && m.validTo() != null && !at.isBefore(m.validTo())) return false;
        if (!f.includeExpired() && m.expiresAt() != null && !m.expiresAt().isAfter(q.now())) return false;
        if (q.asOf() != null) {
            // Only the version that was current at asOf (by when versions were stored) answers for its memory.
            return store.asOf(m.id(), q.asOf()).map(v -> v.version() == m.version()).orElse(false);
        }
        return true;
    }
}
