package dev.engram.extraction.internal.extract;

import dev.engram.extraction.extract.MemoryKind;
import java.time.LocalDate;

/**
 * A memory the rules have found in one clause, before it becomes a
 * {@link dev.engram.extraction.extract.Candidate}. Immutable.
 *
 * @param text       the memory text (already third person, dates resolved)
 * @param kind       its kind
 * @param date       the resolved event date, or null
 * @param slotKey    the full slot key, or null
 * @param retraction whether the memory is to be ended rather than stored
 * @param origin     which rule produced it, for importance and debugging
 */
public record Draft(String text, MemoryKind kind, LocalDate date, String slotKey, boolean retraction, Origin origin) {

    /** Which rule produced a draft. */
    public enum Origin { SLOT, STATEMENT, PREFERENCE, INSTRUCTION, RETRACTION, NEGATION, CORRECTION, REMARK, FOREIGN }

    public Draft withRetraction() {
        return new Draft(text, kind, date, slotKey, true, Origin.RETRACTION);
    }
}
