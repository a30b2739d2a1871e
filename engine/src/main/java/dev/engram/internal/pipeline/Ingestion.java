package dev.engram.internal.pipeline;

import dev.engram.extraction.extract.Turn;
import dev.engram.memory.UserId;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An accepted ingestion as the pipeline works on it: what was made durable by {@code ingest}.
 *
 * @param lsn      the WAL position of its accepted event (the WAL must keep it until the ingestion is done)
 * @param metadata the caller's metadata for the memories this ingestion writes (validated by
 *                 {@code IngestRequest}), sorted by key; empty if none
 */
record Ingestion(String id, UserId user, String sessionId, List<Turn> turns, String idempotencyKey, Instant acceptedAt,
                 long lsn, Map<String, String> metadata) {
    Ingestion {
        turns = List.copyOf(turns);
        metadata = metadata == null || metadata.isEmpty() ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(metadata));
    }

    /** An ingestion without metadata. */
    Ingestion(String id, UserId user, String sessionId, List<Turn> turns, String idempotencyKey, Instant acceptedAt, long lsn) {
        this(id, user, sessionId, turns, idempotencyKey, acceptedAt, lsn, Map.of());
    }

    Ingestion withLsn(long l) {
        return new Ingestion(id, user, sessionId, turns, idempotencyKey, acceptedAt, l, metadata);
    }
}
