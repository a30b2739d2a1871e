package dev.engram.extraction.extract;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A memory an extractor proposes; the engine reconciles it against existing memories. Immutable
 * and thread-safe.
 *
 * @param text          self-contained third-person text that names the person
 *                      ("Caroline went to a LGBTQ support group on 7 May 2023", "The user is vegetarian");
 *                      for a retraction, the memory to end, stated positively ("The user lives in Paris")
 * @param kind          the memory kind
 * @param importance    0 (trivia) to 1 (identity, health, standing instructions)
 * @param eventTime     when the event happened or is planned (start of the resolved day, week, month
 *                      or year, UTC unless the extractor was given a zone), or {@code null}
 * @param slotKey       a normalized subject/attribute such as {@code user.location} that lets a later
 *                      value supersede an earlier one, or {@code null}
 * @param sourceTurnIds the ids of the turns this memory came from, never empty
 * @param retraction    {@code true} for "forget that…" or "I no longer…": the engine deletes or ends
 *                      the memory matching {@code text} (and {@code slotKey} when given)
 */
public record Candidate(
        String text,
        MemoryKind kind,
        double importance,
        Instant eventTime,
        String slotKey,
        List<String> sourceTurnIds,
        boolean retraction) {

    public Candidate {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(kind, "kind");
        sourceTurnIds = List.copyOf(Objects.requireNonNull(sourceTurnIds, "sourceTurnIds"));
        if (text.isBlank()) {
            throw new IllegalArgumentException("candidate text must not be blank");
        }
        if (!(importance >= 0.0 && importance <= 1.0)) {
            throw new IllegalArgumentException("importance must be in [0, 1]: " + importance);
        }
        if (sourceTurnIds.isEmpty()) {
            throw new IllegalArgumentException("a candidate needs at least one source turn id");
        }
        if (slotKey != null && slotKey.isBlank()) {
            slotKey = null;
        }
    }
}
