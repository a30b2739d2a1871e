package dev.engram.server;

import dev.engram.Engram;
import dev.engram.EngramStats;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.List;

/**
 * Exports {@link Engram#stats()} at each scrape (one snapshot per scrape): ingestion outcomes
 * (extraction coverage), WAL fsync latency and the distribution of memories per user. The
 * engine keeps these as counters and fixed buckets, so they are Prometheus snapshots built here
 * rather than Micrometer meters. Thread-safe.
 */
final class EngineCollector implements MultiCollector {
    private final Engram engram;

    EngineCollector(Engram engram) {
        this.engram = engram;
    }

    @Override
    public MetricSnapshots collect() {
        EngramStats s = engram.stats();
        CounterSnapshot ingestions = CounterSnapshot.builder().name("engram_ingestions")
                .help("Ingestions since the engine opened, by outcome: accepted (new), applied, failed (extraction gave up)")
                .dataPoint(point("outcome", "accepted", s.ingestionsAccepted()))
                .dataPoint(point("outcome", "applied", s.ingestionsApplied()))
                .dataPoint(point("outcome", "failed", s.ingestionsFailed()))
                .build();
        CounterSnapshot productive = CounterSnapshot.builder().name("engram_ingestions_productive")
                .help("Applied ingestions that wrote at least one memory version; over applied: extraction coverage")
                .dataPoint(CounterDataPointSnapshot.builder().value(s.ingestionsProductive()).build())
                .build();
        CounterSnapshot memories = CounterSnapshot.builder().name("engram_extraction_memories")
                .help("Memory versions written by applied ingestions; over applied: memories per ingestion")
                .dataPoint(CounterDataPointSnapshot.builder().value(s.memoriesProduced()).build())
                .build();
        HistogramSnapshot fsync = HistogramSnapshot.builder().name("engram_wal_fsync_seconds")
                .help("Latency of each fsync of the write-ahead log")
                .dataPoint(histogram(s.walFsyncSeconds()))
                .build();
        HistogramSnapshot users = HistogramSnapshot.builder().name("engram_user_memories")
                .help("Users by live memory count (catalog and open users; refreshed at most every "
                        + Engram.STATS_USER_REFRESH.toSeconds() + " s)")
                .gaugeHistogram(true)
                .dataPoint(histogram(s.userMemories()))
                .build();
        return MetricSnapshots.of(ingestions, productive, memories, fsync, users);
    }

    @Override
    public List<String> getPrometheusNames() {
        return List.of("engram_ingestions", "engram_ingestions_productive", "engram_extraction_memories",
                "engram_wal_fsync_seconds", "engram_user_memories");
    }

    private static CounterDataPointSnapshot point(String label, String value, long count) {
        return CounterDataPointSnapshot.builder().labels(Labels.of(label, value)).value(count).build();
    }

    private static HistogramDataPointSnapshot histogram(EngramStats.Histogram h) {
        double[] bounds = h.upperBounds().stream().mapToDouble(Double::doubleValue).toArray();
        long[] counts = h.counts().stream().mapToLong(Long::longValue).toArray();
        return HistogramDataPointSnapshot.builder().classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, counts))
                .sum(h.sum()).build();
    }
}
