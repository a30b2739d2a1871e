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

    /**
     * Advises what {@code candidate} should do to the user's {@code existing} memories (the most
     * similar ACTIVE ones, and the holder of the candidate's slot, as the engine offers them). An
     * empty list means "no advice: decide yourself" — the engine then applies its own
     * similarity rules. The default gives no advice.
     *
     * <p>The engine treats an answer as advice: it checks it against its own invariants (targets
     * only among {@code existing}, each acted on at most once, at most one new memory, never two
     * ACTIVE memories for one slot, a hard delete only when the turn asks to forget) and falls back
     * to its rules when the advice breaks one of them, or when this method throws.
     *
     * @param candidate a candidate returned by {@link #extract} for this user
     * @param existing  the memories the decisions may target (ids are the engine's), never empty
     *                  when the engine calls
     * @return decisions whose targets are ids of {@code existing}, or an empty list
     * @throws ExtractionException when the model service fails or answers malformed output
     * @throws NullPointerException if an argument is null
     */
    default List<ReconcileDecision> reconcile(Candidate candidate, List<KnownMemory> existing) {
        java.util.Objects.requireNonNull(candidate, "candidate");
        java.util.Objects.requireNonNull(existing, "existing");
        return List.of();
    }
}
