package dev.engram.extraction.extract;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What an extractor works on. Immutable and thread-safe (the lists are copied).
 *
 * @param newTurns    the turns to extract memories from, in conversation order
 * @param recentTurns earlier turns of the session, in order, for context only (no candidate is
 *                    drawn from them alone, but a correction such as "forget that" refers to them)
 * @param similar     the user's existing memories most similar to the new turns (may be empty)
 */
public record ExtractionRequest(List<Turn> newTurns, List<Turn> recentTurns, List<KnownMemory> similar) {

    public ExtractionRequest {
        newTurns = List.copyOf(Objects.requireNonNull(newTurns, "newTurns"));
        recentTurns = List.copyOf(Objects.requireNonNull(recentTurns, "recentTurns"));
        similar = List.copyOf(Objects.requireNonNull(similar, "similar"));
        Set<String> ids = new HashSet<>();
        for (Turn t : newTurns) {
            if (!ids.add(t.id())) {
                throw new IllegalArgumentException("duplicate turn id in newTurns: " + t.id());
            }
        }
    }

    /** A request with only new turns. */
    public static ExtractionRequest of(List<Turn> newTurns) {
        return new ExtractionRequest(newTurns, List.of(), List.of());
    }

    /** A request with new turns and the session's recent turns. */
    public static ExtractionRequest of(List<Turn> newTurns, List<Turn> recentTurns) {
        return new ExtractionRequest(newTurns, recentTurns, List.of());
    }
}
