package dev.engram.extraction.extract;

import java.time.Instant;
import java.util.Objects;

/**
 * One conversation turn as the extractor sees it. Immutable and thread-safe.
 *
 * @param id        the turn id, unique within a request; candidates cite it in {@link Candidate#sourceTurnIds()}
 * @param role      who wrote it
 * @param speaker   the speaker's display name ("Caroline"), or {@code null} when unknown; when present,
 *                  memories name the person ("Caroline went …"), otherwise they say "The user …"
 * @param content   the text, possibly empty (an empty turn yields nothing)
 * @param timestamp when the turn was written; relative dates ("yesterday") resolve against it
 */
public record Turn(String id, Role role, String speaker, String content, Instant timestamp) {

    public Turn {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(timestamp, "timestamp");
        if (id.isBlank()) {
            throw new IllegalArgumentException("turn id must not be blank");
        }
        if (speaker != null && speaker.isBlank()) {
            speaker = null;
        }
    }

    /** A user turn without a speaker name. */
    public static Turn user(String id, String content, Instant timestamp) {
        return new Turn(id, Role.USER, null, content, timestamp);
    }

    /** An assistant turn without a speaker name. */
    public static Turn assistant(String id, String content, Instant timestamp) {
        return new Turn(id, Role.ASSISTANT, null, content, timestamp);
    }
}
