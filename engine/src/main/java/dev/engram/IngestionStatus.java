package dev.engram;

import dev.engram.memory.MemoryId;
import java.time.Instant;
import java.util.List;

/**
 * Where an ingestion is: accepted (durable, waiting for extraction), applied (with the memories
 * it produced or touched) or failed (after the configured attempts, with the last error).
 * Immutable and thread-safe.
 *
 * @param id         the ingestion id {@link Engram#ingest} returned
 * @param state      accepted, applied or failed
 * @param memories   ids of the memories added, updated, superseded or deleted by it (empty until applied)
 * @param duplicates turns dropped as duplicates of earlier turns of the user
 * @param attempts   extraction attempts so far
 * @param error      the last error, or {@code null}
 * @param acceptedAt when it became durable
 * @param finishedAt when it was applied or failed, or {@code null}
 */
public record IngestionStatus(String id, State state, List<MemoryId> memories, int duplicates, int attempts,
                              String error, Instant acceptedAt, Instant finishedAt) {
    public enum State { ACCEPTED, APPLIED, FAILED }

    public IngestionStatus {
        memories = List.copyOf(memories);
    }

    public boolean done() {
        return state != State.ACCEPTED;
    }
}
