package dev.engram.extraction.extract;

import java.util.List;

/**
 * Turns conversation into memory candidates.
 *
 * <p>Implementations are thread-safe: one instance serves every user and worker thread.
 * Candidates cite only turns of {@link ExtractionRequest#newTurns()} (a correction may also cite the
 * recent turn it corrects). An empty list is a valid answer (greetings, small talk, questions).
 */
public interface Extractor {

    /** A stable id naming the implementation and its configuration, e.g. {@code rules-v1} or {@code openai:gpt-4o-mini}. */
    String id();

    /**
     * Extracts candidates from the request's new turns.
     *
     * @throws ExtractionException with a {@link ExtractionException.Reason} on invalid input, a failing
     *     model service, or malformed model output; never returns a partially parsed result
     * @throws NullPointerException if {@code request} is null
     */
    List<Candidate> extract(ExtractionRequest request);
}
