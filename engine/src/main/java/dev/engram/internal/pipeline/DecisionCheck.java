package dev.engram.internal.pipeline;

import dev.engram.extraction.extract.Candidate;
import dev.engram.extraction.extract.ReconcileAction;
import dev.engram.extraction.extract.ReconcileDecision;
import dev.engram.memory.Memory;
import dev.engram.memory.Strings;
import dev.engram.memory.ValidationException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks an extractor's reconcile advice against the engine's invariants before anything is
 * planned, so advice is applied whole or not at all (docs/pipeline.md, "Reconciliation with an
 * LLM"). The reasons it returns are stable, content-free names used in counts and logs. Stateless.
 */
final class DecisionCheck {
    /** A target that is not one of the memories offered for this candidate (another user's, made up, stale). */
    static final String UNKNOWN_TARGET = "unknown_target";
    /** Two decisions act on the same memory. */
    static final String REPEATED_TARGET = "repeated_target";
    /** More than one ADD/SUPERSEDE: a candidate is one memory. */
    static final String SEVERAL_NEW = "several_new_memories";
    /** The new memory would be a second ACTIVE memory of the candidate's slot. */
    static final String SLOT_CONFLICT = "slot_conflict";
    /** A retraction answered with ADD, UPDATE or SUPERSEDE: a retraction never writes content. */
    static final String RETRACTION_WRITES = "retraction_writes";
    /** A text the store would refuse (too long, NUL, unpaired surrogate). */
    static final String INVALID_TEXT = "invalid_text";
    /** A null decision in the list. */
    static final String NULL_DECISION = "null_decision";

    private DecisionCheck() {}

    /**
     * Why {@code answer} cannot be applied, or {@code null} if it can.
     *
     * @param offered    the memories offered to the extractor, by id string: the only valid targets
     * @param slotHolder the ACTIVE memory holding the candidate's slot, or {@code null}
     */
    static String problem(List<ReconcileDecision> answer, Map<String, Memory> offered, Candidate c, Memory slotHolder) {
        Set<String> targeted = new HashSet<>();
        Set<String> ended = new HashSet<>();
        ReconcileDecision creator = null;
        for (ReconcileDecision d : answer) {
            if (d == null) return NULL_DECISION;
            ReconcileAction a = d.action();
            if (a != ReconcileAction.ADD) {
                if (!offered.containsKey(d.targetId())) return UNKNOWN_TARGET;
                if (!targeted.add(d.targetId())) return REPEATED_TARGET;
            }
            if (a == ReconcileAction.ADD || a == ReconcileAction.SUPERSEDE) {
                if (creator != null) return SEVERAL_NEW;
                creator = d;
            }
            if (a == ReconcileAction.SUPERSEDE || a == ReconcileAction.DELETE) ended.add(d.targetId());
            if (c.retraction() && a != ReconcileAction.NOOP && a != ReconcileAction.DELETE) return RETRACTION_WRITES;
            if (d.text() != null && !storable(d.text())) return INVALID_TEXT;
        }
        // The new memory carries the candidate's slot (else a superseded target's, whose holder is that
        // target, ended by this very decision): the slot's current holder must be ended by the answer.
        if (creator != null && c.slotKey() != null && slotHolder != null && !ended.contains(slotHolder.id().toString())) {
            return SLOT_CONFLICT;
        }
        return null;
    }

    private static boolean storable(String text) {
        if (text.isBlank() || Strings.utf8Length(text) > Memory.MAX_CONTENT_BYTES) return false;
        try {
            Strings.checkText("text", text);
            return true;
        } catch (ValidationException e) {
            return false;
        }
    }
}
