package dev.engram.extraction.extract;

/** What to do with a candidate given the user's existing memories. */
public enum ReconcileAction {
    /** A new memory: store the decision's text. */
    ADD,
    /** The same memory, refined: write a new version of the target with the decision's text. */
    UPDATE,
    /** Same slot, conflicting value: end the target's validity and store the decision's text as its successor. */
    SUPERSEDE,
    /** A near-duplicate of the target: keep it (reinforce it, add the source). */
    NOOP,
    /** An explicit "forget that…": delete or end the target. */
    DELETE
}
