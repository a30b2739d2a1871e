package dev.engram;

import dev.engram.memory.MemoryType;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Expiry, archive and consolidation settings of an {@link Engram} (docs/privacy.md, "Expiry",
 * "Archive" and "Consolidation"): a default time-to-live per memory type, how often the background
 * sweeper runs, the archive rule, and how often and how widely consolidation folds episodes.
 * Immutable; set through {@link EngramOptions.Builder}.
 *
 * @param ttl                    default time-to-live per type, applied to a new memory (ingested or
 *                               {@link Engram#add added}) that has no expiry of its own; absent: none
 * @param sweepPeriod            how often the sweeper thread runs; {@link Duration#ZERO}: no thread
 *                               ({@link Engram#sweep()} still works)
 * @param archive                whether the sweep archives low-value memories
 * @param archiveImportanceBelow a memory is archived only if its importance is below this
 * @param archiveAfter           … and it was last changed longer ago than this
 * @param consolidatePeriod      how often the background consolidation runs over every user;
 *                               {@link Duration#ZERO}: no thread ({@link Engram#consolidate} still works)
 * @param episodeWindow          events further apart than this (event time, else creation time) are
 *                               never folded into one summary
 * @param episodeMinEvents       an episode is folded only with at least this many events (2..8)
 * @param episodeMaxChars        a summary is at most this many characters (64..16384): the cluster
 *                               stops growing first, so no source text is cut
 * @param episodeSimilarity      events are related at or above this cosine similarity, in (0, 1];
 *                               {@code NaN}: the reconciler's {@code updateSimilarity}
 */
public record LifecycleOptions(Map<MemoryType, Duration> ttl, Duration sweepPeriod, boolean archive,
                               double archiveImportanceBelow, Duration archiveAfter, Duration consolidatePeriod,
                               Duration episodeWindow, int episodeMinEvents, int episodeMaxChars,
                               double episodeSimilarity) {
    /** The default bound of a summary's length: about 120 estimated tokens, so it packs into small budgets. */
    public static final int DEFAULT_EPISODE_MAX_CHARS = 480;

    /**
     * No TTL, a sweep every hour, archiving on: importance below 0.3, unchanged for 180 days;
     * consolidation every 24 hours, episodes of at least 3 events within 1 day related at cosine ≥ 0.80, summaries of
     * at most 480 characters (the setting that left LoCoMo recall unchanged, docs/benchmarks.md).
     */
    public static final LifecycleOptions DEFAULTS = new LifecycleOptions(Map.of(), Duration.ofHours(1), true, 0.3,
            Duration.ofDays(180), Duration.ofHours(24), Duration.ofDays(1), 3, DEFAULT_EPISODE_MAX_CHARS, 0.80);


    public LifecycleOptions {
        ttl = Map.copyOf(ttl);
        for (Map.Entry<MemoryType, Duration> e : ttl.entrySet()) {
            if (e.getValue().isNegative() || e.getValue().isZero()) {
                throw new IllegalArgumentException("ttl of " + e.getKey() + " must be positive, was " + e.getValue());
            }
        }
        Objects.requireNonNull(sweepPeriod, "sweepPeriod");
        Objects.requireNonNull(archiveAfter, "archiveAfter");
        if (sweepPeriod.isNegative()) throw new IllegalArgumentException("sweepPeriod must be >= 0, was " + sweepPeriod);
        Objects.requireNonNull(consolidatePeriod, "consolidatePeriod");
        Objects.requireNonNull(episodeWindow, "episodeWindow");
        if (consolidatePeriod.isNegative()) throw new IllegalArgumentException("consolidatePeriod must be >= 0, was " + consolidatePeriod);
        if (episodeWindow.isNegative()) throw new IllegalArgumentException("episodeWindow must be >= 0, was " + episodeWindow);
        if (episodeMinEvents < 2 || episodeMinEvents > 8) {
            throw new IllegalArgumentException("episodeMinEvents must be in [2, 8], was " + episodeMinEvents);
        }
        if (episodeMaxChars < 64 || episodeMaxChars > 16 * 1024) {
            throw new IllegalArgumentException("episodeMaxChars must be in [64, 16384], was " + episodeMaxChars);
        }
        if (!Double.isNaN(episodeSimilarity) && !(episodeSimilarity > 0 && episodeSimilarity <= 1)) {
            throw new IllegalArgumentException("episodeSimilarity must be in (0, 1] or NaN, was " + episodeSimilarity);
        }
        if (archiveAfter.isNegative()) throw new IllegalArgumentException("archiveAfter must be >= 0, was " + archiveAfter);
        if (!(archiveImportanceBelow >= 0 && archiveImportanceBelow <= 1)) {
            throw new IllegalArgumentException("archiveImportanceBelow must be in [0, 1], was " + archiveImportanceBelow);
        }
    }

    /** The default time-to-live of {@code type}, or null. */
    public Duration ttl(MemoryType type) {
        return ttl.get(type);
    }

    LifecycleOptions withTtl(MemoryType type, Duration d) {
        Map<MemoryType, Duration> m = new EnumMap<>(MemoryType.class);
        m.putAll(ttl);
        if (d == null) m.remove(type);
        else m.put(type, d);
        return new LifecycleOptions(m, sweepPeriod, archive, archiveImportanceBelow, archiveAfter, consolidatePeriod, episodeWindow,
                episodeMinEvents, episodeMaxChars, episodeSimilarity);
    }

    LifecycleOptions withSweepPeriod(Duration d) {
        return new LifecycleOptions(ttl, d, archive, archiveImportanceBelow, archiveAfter, consolidatePeriod, episodeWindow,
                episodeMinEvents, episodeMaxChars, episodeSimilarity);
    }

    LifecycleOptions withArchive(boolean on, double importanceBelow, Duration after) {
        return new LifecycleOptions(ttl, sweepPeriod, on, importanceBelow, after, consolidatePeriod, episodeWindow,
                episodeMinEvents, episodeMaxChars, episodeSimilarity);
    }

    LifecycleOptions withConsolidation(Duration period, Duration window, int minEvents, int maxChars) {
        return new LifecycleOptions(ttl, sweepPeriod, archive, archiveImportanceBelow, archiveAfter, period, window, minEvents,
                maxChars, episodeSimilarity);
    }

    LifecycleOptions withEpisodeSimilarity(double similarity) {
        return new LifecycleOptions(ttl, sweepPeriod, archive, archiveImportanceBelow, archiveAfter, consolidatePeriod,
                episodeWindow, episodeMinEvents, episodeMaxChars, similarity);
    }
}
