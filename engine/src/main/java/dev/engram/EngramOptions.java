package dev.engram;

import dev.engram.extraction.embed.Embedder;
import dev.engram.extraction.extract.Extractor;
import dev.engram.internal.retrieval.RetrievalConfig;
import dev.engram.wal.Durability;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How an {@link Engram} is set up. Immutable; make one with {@link Engram#builder(Path)}:
 *
 * <pre>{@code
 * try (Engram engram = Engram.builder(Path.of("engram-data"))
 *         .durability(Durability.SYNC)
 *         .cacheBytes(512L << 20)
 *         .recencyHalfLife(Duration.ofDays(60))
 *         .open()) { … }
 * }</pre>
 *
 * Every option has an offline default: the bundled bge-small-en-v1.5 embedder, the rule-based
 * extractor, SYNC durability. See docs/api.md for each option's meaning and bounds.
 */
public record EngramOptions(
        Path dataDir,
        Embedder embedder,
        Extractor extractor,
        Durability durability,
        long cacheBytes,
        long checkpointWalBytes,
        Duration recencyHalfLife,
        double recencyWeight,
        double importanceWeight,
        double vectorWeight,
        int maxMessages,
        int maxMessageBytes,
        int maxRequestBytes,
        int workers,
        int queueCapacity,
        int maxAttempts,
        Duration retryBackoff,
        Duration dedupWindow,
        Duration consistencyTimeout,
        Duration syncIngestTimeout,
        double duplicateSimilarity,
        double updateSimilarity,
        double forgetSimilarity,
        Clock clock,
        LifecycleOptions lifecycle,
        Encryption encryption) {

    public EngramOptions {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(durability, "durability");
        Objects.requireNonNull(recencyHalfLife, "recencyHalfLife");
        Objects.requireNonNull(retryBackoff, "retryBackoff");
        Objects.requireNonNull(dedupWindow, "dedupWindow");
        Objects.requireNonNull(consistencyTimeout, "consistencyTimeout");
        Objects.requireNonNull(syncIngestTimeout, "syncIngestTimeout");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(lifecycle, "lifecycle");
        positive("cacheBytes", cacheBytes);
        positive("checkpointWalBytes", checkpointWalBytes);
        positive("maxMessages", maxMessages);
        positive("maxMessageBytes", maxMessageBytes);
        positive("maxRequestBytes", maxRequestBytes);
        positive("workers", workers);
        positive("queueCapacity", queueCapacity);
        positive("maxAttempts", maxAttempts);
        if (recencyHalfLife.isNegative() || recencyHalfLife.isZero()) throw new IllegalArgumentException("recencyHalfLife must be positive");
        unit("recencyWeight", recencyWeight);
        unit("importanceWeight", importanceWeight);
        unit("vectorWeight", vectorWeight);
    }

    private static void positive(String name, long v) {
        if (v <= 0) throw new IllegalArgumentException(name + " must be positive, was " + v);
    }

    private static void unit(String name, double v) {
        if (!(v >= 0 && v <= 1)) throw new IllegalArgumentException(name + " must be in [0, 1], was " + v);
    }

    /** A builder with every default. */
    public static Builder builder(Path dataDir) {
        return new Builder(dataDir);
    }

    /** Builds {@link EngramOptions}; not thread-safe. */
    public static final class Builder {
        private final Path dataDir;
        private Embedder embedder;
        private Extractor extractor;
        private Durability durability = Durability.SYNC;
        private long cacheBytes = 256L << 20;
        private long checkpointWalBytes = 64L << 20;
        // Scoring defaults are the retriever's, chosen on LoCoMo (docs/retrieval.md).
        private Duration recencyHalfLife = RetrievalConfig.defaults().recencyHalfLife();
        private double recencyWeight = RetrievalConfig.defaults().recencyWeight();
        private double importanceWeight = RetrievalConfig.defaults().importanceWeight();
        private double vectorWeight = RetrievalConfig.defaults().vectorWeight();
        private int maxMessages = 100;
        private int maxMessageBytes = 32 * 1024;
        private int maxRequestBytes = 256 * 1024;
        private int workers = 2;
        private int queueCapacity = 10_000;
        private int maxAttempts = 5;
        private Duration retryBackoff = Duration.ofMillis(200);
        private Duration dedupWindow = Duration.ofHours(24);
        private Duration consistencyTimeout = Duration.ofSeconds(5);
        private Duration syncIngestTimeout = Duration.ofSeconds(30);
        private double duplicateSimilarity = 0.94;
        private double updateSimilarity = 0.70;
        private double forgetSimilarity = 0.90;
        private Clock clock = Clock.systemUTC();
        private LifecycleOptions lifecycle = LifecycleOptions.DEFAULTS;
        private Encryption encryption;

        private Builder(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
        }

        /** The embedder (default: bundled bge-small-en-v1.5 int8, owned and closed by Engram). A given one is not closed. */
        public Builder embedder(Embedder e) { embedder = e; return this; }
        /** The extractor (default: the offline rule-based extractor). */
        public Builder extractor(Extractor e) { extractor = e; return this; }
        public Builder durability(Durability d) { durability = d; return this; }
        /** Bound on the resident bytes of open users (LRU). */
        public Builder cacheBytes(long b) { cacheBytes = b; return this; }
        /** WAL bytes after which a checkpoint runs. */
        public Builder checkpointWalBytes(long b) { checkpointWalBytes = b; return this; }
        public Builder recencyHalfLife(Duration d) { recencyHalfLife = d; return this; }
        /** How much recency decay moves a score, 0..1. */
        public Builder recencyWeight(double w) { recencyWeight = w; return this; }
        /** How much importance moves a score, 0..1. */
        public Builder importanceWeight(double w) { importanceWeight = w; return this; }
        /** Weight of vector similarity in the fusion (lexical gets 1 − w). */
        public Builder vectorWeight(double w) { vectorWeight = w; return this; }
        public Builder maxMessages(int n) { maxMessages = n; return this; }
        public Builder maxMessageBytes(int n) { maxMessageBytes = n; return this; }
        public Builder maxRequestBytes(int n) { maxRequestBytes = n; return this; }
        public Builder workers(int n) { workers = n; return this; }
        public Builder queueCapacity(int n) { queueCapacity = n; return this; }
        public Builder maxAttempts(int n) { maxAttempts = n; return this; }
        public Builder retryBackoff(Duration d) { retryBackoff = d; return this; }
        public Builder dedupWindow(Duration d) { dedupWindow = d; return this; }
        public Builder consistencyTimeout(Duration d) { consistencyTimeout = d; return this; }
        public Builder syncIngestTimeout(Duration d) { syncIngestTimeout = d; return this; }
        public Builder duplicateSimilarity(double s) { duplicateSimilarity = s; return this; }
        public Builder updateSimilarity(double s) { updateSimilarity = s; return this; }
        public Builder forgetSimilarity(double s) { forgetSimilarity = s; return this; }
        /** The clock for timestamps (tests). */
        public Builder clock(Clock c) { clock = c; return this; }

        // ---- lifecycle: expiry, archive, consolidation (docs/privacy.md, "Expiry", "Archive", "Consolidation")
        /** Default time-to-live of new memories of {@code type} without their own expiry; null removes it. */
        public Builder ttl(dev.engram.memory.MemoryType type, Duration d) { lifecycle = lifecycle.withTtl(Objects.requireNonNull(type, "type"), d); return this; }
        /** How often the background sweeper runs (default 1 h); {@link Duration#ZERO}: no sweeper thread. */
        public Builder sweepPeriod(Duration d) { lifecycle = lifecycle.withSweepPeriod(d); return this; }
        /** The archive rule: on/off, importance below (default 0.3), unchanged for longer than (default 180 days). */
        public Builder archive(boolean on, double importanceBelow, Duration after) { lifecycle = lifecycle.withArchive(on, importanceBelow, after); return this; }
        /**
         * Consolidation (docs/privacy.md, "Consolidation"): how often the background job runs (default 24 h;
         * {@link Duration#ZERO}: no thread), the widest span of one folded episode (default 1 day) and its
         * fewest events (default 3, at most 8); summaries keep the current length bound (default 480 characters).
         */
        public Builder consolidation(Duration period, Duration episodeWindow, int episodeMinEvents) {
            return consolidation(period, episodeWindow, episodeMinEvents, lifecycle.episodeMaxChars());
        }

        /** As {@link #consolidation(Duration, Duration, int)}, and the longest summary in characters (64..16384). */
        public Builder consolidation(Duration period, Duration episodeWindow, int episodeMinEvents, int episodeMaxChars) {
            lifecycle = lifecycle.withConsolidation(period, episodeWindow, episodeMinEvents, episodeMaxChars);
            return this;
        }
        /** The cosine similarity at or above which two events may share an episode (default 0.80; {@code NaN}: {@code updateSimilarity}). */
        public Builder episodeSimilarity(double s) { lifecycle = lifecycle.withEpisodeSimilarity(s); return this; }
        /** All lifecycle settings at once. */
        public Builder lifecycle(LifecycleOptions l) { lifecycle = Objects.requireNonNull(l, "lifecycle"); return this; }

        // ---- crypto-shredding (docs/privacy.md, "Crypto-shredding"); off unless a master key is given
        /** Encryption settings (null: none, the default). */
        public Builder encryption(Encryption e) { encryption = e; return this; }
        /** Encrypts with the master key in {@code keyFile} (32 raw bytes, 64 hex digits or Base64). */
        public Builder masterKey(Path keyFile) {
            Encryption e = Encryption.keyFile(keyFile);
            encryption = encryption != null && encryption.keyStore() != null ? e.keyStore(encryption.keyStore()) : e;
            return this;
        }
        /** Where the wrapped per-user keys live (default: the data directory's sibling {@code <name>.keys}); needs a master key. */
        public Builder keyStore(Path dir) {
            if (encryption == null) throw new IllegalStateException("set the master key before the key store");
            encryption = encryption.keyStore(dir);
            return this;
        }

        public EngramOptions build() {
            return new EngramOptions(dataDir, embedder, extractor, durability, cacheBytes, checkpointWalBytes,
                    recencyHalfLife, recencyWeight, importanceWeight, vectorWeight, maxMessages, maxMessageBytes,
                    maxRequestBytes, workers, queueCapacity, maxAttempts, retryBackoff, dedupWindow, consistencyTimeout,
                    syncIngestTimeout, duplicateSimilarity, updateSimilarity, forgetSimilarity, clock, lifecycle, encryption);
        }

        /** Builds the options and opens the engine. */
        public Engram open() {
            return Engram.open(build());
        }
    }
}
