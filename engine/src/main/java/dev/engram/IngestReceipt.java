package dev.engram;

/**
 * What {@link Engram#ingest} returns once the ingestion is durable. Immutable.
 *
 * @param ingestionId the id to ask {@link Engram#ingestion} about
 * @param replayed    {@code true} when the idempotency key was seen before: nothing was written
 *                    and this is the first ingestion's id
 * @param status      the status at return (accepted, or applied/failed in synchronous mode)
 */
public record IngestReceipt(String ingestionId, boolean replayed, IngestionStatus status) {}
