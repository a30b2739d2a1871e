package dev.engram;

import dev.engram.memory.Memory;
import dev.engram.memory.Strings;
import dev.engram.memory.UserId;
import dev.engram.memory.ValidationException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

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
 * @param metadata       string metadata copied onto every memory this ingestion writes (a memory's
 *                       own keys take precedence; docs/pipeline.md); the same bounds as a memory's
 *                       metadata ({@link Memory#MAX_METADATA_ENTRIES} entries, keys at most
 *                       {@link Memory#MAX_METADATA_KEY_LENGTH} characters, keys and values at most
 *                       {@link Memory#MAX_METADATA_BYTES} UTF-8 bytes), and no key may start with
 *                       {@value #RESERVED_PREFIX} (the engine's own keys); empty if none
 */
public record IngestRequest(UserId user, String sessionId, List<Message> messages, String idempotencyKey,
                            boolean waitForApply, Map<String, String> metadata) {
    /** The longest session id or idempotency key, in characters. */
    public static final int MAX_KEY_LENGTH = 256;
    /** Metadata keys starting with this are the engine's ({@code engram.slot}) and refused in a request. */
    public static final String RESERVED_PREFIX = "engram.";

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
        metadata = checkMetadata(metadata);
    }

    /** A request without metadata. */
    public IngestRequest(UserId user, String sessionId, List<Message> messages, String idempotencyKey, boolean waitForApply) {
        this(user, sessionId, messages, idempotencyKey, waitForApply, Map.of());
    }

    /** Asynchronous ingestion of {@code messages} without an idempotency key. */
    public static IngestRequest of(UserId user, String sessionId, List<Message> messages) {
        return new IngestRequest(user, sessionId, messages, null, false, Map.of());
    }

    public IngestRequest withIdempotencyKey(String key) {
        return new IngestRequest(user, sessionId, messages, Objects.requireNonNull(key, "key"), waitForApply, metadata);
    }

    /** The same request in synchronous mode: {@code ingest} returns once the ingestion is applied. */
    public IngestRequest waitingForApply() {
        return new IngestRequest(user, sessionId, messages, idempotencyKey, true, metadata);
    }

    /**
     * The same request with {@code metadata} for the memories it writes (replacing any given before).
     *
     * @throws ValidationException beyond the bounds, a reserved key, or a missing key or value
     */
    public IngestRequest withMetadata(Map<String, String> metadata) {
        return new IngestRequest(user, sessionId, messages, idempotencyKey, waitForApply,
                Objects.requireNonNull(metadata, "metadata"));
    }

    private static Map<String, String> checkMetadata(Map<String, String> in) {
        if (in == null || in.isEmpty()) return Map.of();
        if (in.size() > Memory.MAX_METADATA_ENTRIES) {
            throw new ValidationException("metadata", in.size() + " entries, at most " + Memory.MAX_METADATA_ENTRIES);
        }
        TreeMap<String, String> out = new TreeMap<>();
        long bytes = 0;
        for (Map.Entry<String, String> e : in.entrySet()) {
            String k = Strings.checkRequired("metadata.key", e.getKey(), Memory.MAX_METADATA_KEY_LENGTH);
            if (k.startsWith(RESERVED_PREFIX)) {
                throw new ValidationException("metadata." + k, "keys starting with '" + RESERVED_PREFIX + "' are the engine's");
            }
            String v = e.getValue();
            if (v == null) throw new ValidationException("metadata." + k, "value is missing");
            if (v.length() > Memory.MAX_METADATA_BYTES) {
                throw new ValidationException("metadata", "keys and values exceed " + Memory.MAX_METADATA_BYTES + " UTF-8 bytes");
            }
            Strings.checkText("metadata." + k, v);
            bytes += Strings.utf8Length(k) + Strings.utf8Length(v);
            out.put(k, v);
        }
        if (bytes > Memory.MAX_METADATA_BYTES) {
            throw new ValidationException("metadata", "keys and values take " + bytes + " UTF-8 bytes, at most " + Memory.MAX_METADATA_BYTES);
        }
        return Collections.unmodifiableSortedMap(out);
    }
}
