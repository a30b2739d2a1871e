package dev.engram.server;

import dev.engram.Engram;
import dev.engram.RetrievedMemory;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The server's Prometheus metrics (docs/operations.md lists them with their meaning):
 * retrieval latency with p50/p95/p99 and histogram buckets, relevance scores of returned
 * memories and their age, ingest requests by outcome, the extraction queue depth, HTTP responses
 * by status, purge completion time, and the engine's own figures ({@link EngineCollector}:
 * ingestion outcomes for extraction coverage, WAL fsync latency, memories per user).
 * Thread-safe.
 */
final class ServerMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Timer retrieval;
    private final Timer retrievalQuantiles;
    private final DistributionSummary relevance;
    private final DistributionSummary servedAge;
    private final Timer purge;

    ServerMetrics(Engram engram) {
        retrieval = Timer.builder("engram.retrieval")
                .description("Latency of retrievals (search and context), engine time; buckets for histogram_quantile")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
        // The Prometheus registry drops client-side quantiles from a timer with buckets: a second,
        // bucket-less timer publishes p50/p95/p99 directly (sliding window of about a minute).
        retrievalQuantiles = Timer.builder("engram.retrieval.latency")
                .description("Latency of retrievals (search and context), engine time; p50/p95/p99 over the last minute or so")
                .publishPercentiles(0.5, 0.95, 0.99)
                .register(registry);
        relevance = DistributionSummary.builder("engram.retrieval.relevance")
                .description("Score of each memory returned by a retrieval")
                .publishPercentiles(0.5, 0.95)
                .register(registry);
        servedAge = DistributionSummary.builder("engram.served.memory.age")
                .description("Age of each memory returned by a retrieval (since its last update, else its creation)")
                .baseUnit("seconds")
                .serviceLevelObjectives(60, 600, 3_600, 6 * 3_600, 86_400, 7 * 86_400, 30 * 86_400, 90 * 86_400, 365 * 86_400)
                .register(registry);
        purge = Timer.builder("engram.purge")
                .description("Completion time of user purges (DELETE /v1/users/{id}), from the engine's receipt")
                .serviceLevelObjectives(Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
                        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5),
                        Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(300))
                .register(registry);
        registry.getPrometheusRegistry().register(new EngineCollector(engram));
        // every outcome from the start (at 0), so rate() and the alert on 429s work before the first one
        for (String outcome : new String[] {"accepted", "replayed", "rejected", "overloaded"}) ingestCounter(outcome);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        Gauge.builder("engram.ingestion.queue.depth", engram, e -> {
                    try {
                        return e.pendingIngestions();
                    } catch (RuntimeException closed) {
                        return 0;
                    }
                })
                .description("Ingestions accepted and not yet applied or failed")
                .register(registry);
    }

    void retrieved(long nanos, List<RetrievedMemory> memories) {
        retrieval.record(nanos, TimeUnit.NANOSECONDS);
        retrievalQuantiles.record(nanos, TimeUnit.NANOSECONDS);
        long now = System.currentTimeMillis();
        for (RetrievedMemory m : memories) {
            relevance.record(m.score());
            java.time.Instant t = m.memory().updatedAt() != null ? m.memory().updatedAt() : m.memory().createdAt();
            if (t != null) servedAge.record(Math.max(0, now - t.toEpochMilli()) / 1000.0);
        }
    }

    void purged(Duration took) {
        purge.record(took);
    }

    void ingest(String outcome) {
        ingestCounter(outcome).increment();
    }

    private Counter ingestCounter(String outcome) {
        return Counter.builder("engram.ingest.requests").description("Ingest requests by outcome")
                .tag("outcome", outcome).register(registry);
    }

    void response(int status) {
        Counter.builder("engram.http.responses").description("HTTP responses by status")
                .tag("status", Integer.toString(status)).register(registry).increment();
    }

    String scrape() {
        return registry.scrape();
    }
}
