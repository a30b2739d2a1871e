package dev.engram.memory;

import java.util.List;

/**
 * Where a memory came from: the conversation session, the turns it was extracted from, and the
 * extractor and model that produced it. Every part is optional ({@code null} or empty) because a
 * memory added directly through the API has no conversation behind it.
 *
 * <p>Bounds: ids at most {@value #MAX_ID_LENGTH} characters, at most {@value #MAX_TURNS} turn ids.
 * Immutable and thread-safe.
 */
public record Source(String sessionId, List<String> turnIds, String extractorId, String modelId) {
    /** The longest session, turn, extractor or model id, in characters. */
    public static final int MAX_ID_LENGTH = 256;
    /** The most turn ids one memory may cite. */
    public static final int MAX_TURNS = 256;

    /** A source with nothing known. */
    public static final Source NONE = new Source(null, List.of(), null, null);

    public Source {
        Strings.checkOptional("source.sessionId", sessionId, MAX_ID_LENGTH);
        Strings.checkOptional("source.extractorId", extractorId, MAX_ID_LENGTH);
        Strings.checkOptional("source.modelId", modelId, MAX_ID_LENGTH);
        turnIds = turnIds == null ? List.of() : List.copyOf(turnIds);
        if (turnIds.size() > MAX_TURNS) {
            throw new ValidationException("source.turnIds", turnIds.size() + " turn ids, at most " + MAX_TURNS);
        }
        for (String t : turnIds) Strings.checkRequired("source.turnIds", t, MAX_ID_LENGTH);
    }
}
