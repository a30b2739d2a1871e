package dev.engram.internal.lifecycle;

import java.time.Duration;
import java.util.Objects;

/**
 * What consolidation treats as one memory and as one episode (docs/privacy.md, "Consolidation").
 * Embeddings are unit vectors, so cosine similarity is the dot product.
 *
 * @param duplicate      two ACTIVE memories of one type at or above this similarity say the same
 *                       thing: one is kept, the others are superseded by it (the reconciler's
 *                       {@code duplicate} threshold, so consolidation merges exactly what ingestion
 *                       would have reinforced had the two arrived in the other order)
 * @param related        two EVENT memories at or above this similarity may belong to one episode
 *                       (the reconciler's {@code update} threshold)
 * @param window         … and their event times (else creation times) are at most this far apart,
 *                       pairwise over the whole cluster
 * @param minCluster     an episode is folded only with at least this many events
 * @param maxCluster     at most this many events per summary
 * @param maxSummaryChars a summary never grows past this many characters (the cluster stops growing first)
 * @param neighbours     how many nearest neighbours of a seed are considered
 */
public record ConsolidationRules(double duplicate, double related, Duration window, int minCluster, int maxCluster,
                                 int maxSummaryChars, int neighbours) {
    public static final ConsolidationRules DEFAULT = new ConsolidationRules(0.94, 0.70, Duration.ofDays(7), 3, 8, 480, 32);

    public ConsolidationRules {
        Objects.requireNonNull(window, "window");
        if (!(duplicate > 0 && duplicate <= 1 && related > 0 && related <= 1)) {
            throw new IllegalArgumentException("similarities must be in (0, 1], were " + duplicate + ", " + related);
        }
        if (window.isNegative()) throw new IllegalArgumentException("window must be >= 0, was " + window);
        if (minCluster < 2 || maxCluster < minCluster) {
            throw new IllegalArgumentException("need 2 <= minCluster <= maxCluster, were " + minCluster + ", " + maxCluster);
        }
        if (maxSummaryChars < 64 || maxSummaryChars > 16 * 1024) {
            throw new IllegalArgumentException("maxSummaryChars must be in [64, 16384], was " + maxSummaryChars);
        }
        if (neighbours < maxCluster) throw new IllegalArgumentException("neighbours must be >= maxCluster");
    }

    public ConsolidationRules withThresholds(double duplicate, double related) {
        return new ConsolidationRules(duplicate, related, window, minCluster, maxCluster, maxSummaryChars, neighbours);
    }

    public ConsolidationRules withEpisodes(Duration window, int minCluster, int maxSummaryChars) {
        return new ConsolidationRules(duplicate, related, window, minCluster, Math.max(minCluster, maxCluster), maxSummaryChars,
                Math.max(neighbours, Math.max(minCluster, maxCluster)));
    }
}
