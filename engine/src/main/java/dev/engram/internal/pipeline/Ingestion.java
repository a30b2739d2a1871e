package dev.engram.internal.pipeline;

import dev.engram.extraction.extract.Turn;
import dev.engram.memory.UserId;
import java.time.Instant;
import java.util.List;

/**
 * An accepted ingestion as the pipeline works on it: what was made durable by {@code ingest}.
 *
 * @param lsn the WAL position of its accepted event (the WAL must keep it until the ingestion is done)
 */
record Ingestion(String id, UserId user, String sessionId, List<Turn> turns, String idempotencyKey, Instant acceptedAt,
                 long lsn) {
    Ingestion {
        turns = List.copyOf(turns);
    }

    Ingestion withLsn(long l) {
        return new Ingestion(id, user, sessionId, turns, idempotencyKey, acceptedAt, l);
    }
}
