package dev.engram;

import dev.engram.memory.Strings;
import dev.engram.memory.UserId;
import dev.engram.memory.ValidationException;
import java.util.List;
import java.util.Objects;

/**
 * Conversation turns to remember, for {@link Engram#ingest}. Immutable and thread-safe.
 *
 * @param user           whose memory
 * @param sessionId      the conversation session (source attribution, recent-turn context), or {@code null}
 * @param messages       the turns, in order; at least one
 * @param idempotencyKey a caller's key that makes a retried ingest a no-op returning the first
 *                       ingestion id, or {@code null}
 * @param waitForApply   {@code true}: return only once extraction has applied the ingestion
 *                       (synchronous mode); {@code false} (default): return once it is durable
 */
public record IngestRequest(UserId user, String sessionId, List<Message> messages, String idempotencyKey,
                            boolean waitForApply) {
    /** The longest session id or idempotency key, in characters. */
    public static final int MAX_KEY_LENGTH = 256;

    public IngestRequest {
        if (user == null) throw new ValidationException("user", "is missing");
        if (messages == null) throw new ValidationException("messages", "is missing");
        for (int i = 0; i < messages.size(); i++) {
            if (messages.get(i) == null) throw new ValidationException("messages[" + i + "]", "is missing");
        }
        messages = List.copyOf(messages);
        if (messages.isEmpty()) throw new ValidationException("messages", "is empty");
        sessionId = sessionId == null || sessionId.isBlank() ? null : sessionId;
        Strings.checkOptional("session_id", sessionId, MAX_KEY_LENGTH);
        Strings.checkOptional("idempotency_key", idempotencyKey, MAX_KEY_LENGTH);
    }

    /** Asynchronous ingestion of {@code messages} without an idempotency key. */
    public static IngestRequest of(UserId user, String sessionId, List<Message> messages) {
        return new IngestRequest(user, sessionId, messages, null, false);
    }

    public IngestRequest withIdempotencyKey(String key) {
        return new IngestRequest(user, sessionId, messages, Objects.requireNonNull(key, "key"), waitForApply);
    }

    /** The same request in synchronous mode: {@code ingest} returns once the ingestion is applied. */
    public IngestRequest waitingForApply() {
        return new IngestRequest(user, sessionId, messages, idempotencyKey, true);
    }
}
