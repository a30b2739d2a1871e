package dev.engram.internal.pipeline;

import static dev.engram.extraction.extract.ReconcileAction.ADD;
import static dev.engram.extraction.extract.ReconcileAction.DELETE;
import static dev.engram.extraction.extract.ReconcileAction.NOOP;
import static dev.engram.extraction.extract.ReconcileAction.SUPERSEDE;
import static dev.engram.extraction.extract.ReconcileAction.UPDATE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.engram.extraction.extract.Candidate;
import dev.engram.extraction.extract.MemoryKind;
import dev.engram.extraction.extract.ReconcileAction;
import dev.engram.extraction.extract.ReconcileDecision;
import dev.engram.memory.Memory;
import dev.engram.memory.MemoryId;
import dev.engram.memory.MemoryStatus;
import dev.engram.memory.MemoryType;
import dev.engram.memory.Source;
import dev.engram.memory.UserId;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Every invariant {@link DecisionCheck} guards, one advice at a time. */
class DecisionCheckTest {
    static final MemoryId.Generator IDS = new MemoryId.Generator(new Random(7));
    static final Instant T = Instant.parse("2026-11-24T10:00:00Z");
    static final Memory PARIS = memory("The user lives in Paris.", "user.location");
    static final Memory JAZZ = memory("The user likes jazz.", null);
    static final Map<String, Memory> OFFERED = new LinkedHashMap<>();

    static {
        OFFERED.put(PARIS.id().toString(), PARIS);
        OFFERED.put(JAZZ.id().toString(), JAZZ);
    }

    static Memory memory(String text, String slot) {
        return Memory.builder().id(IDS.next(T.toEpochMilli())).user(UserId.of("alice")).version(1).content(text)
                .type(MemoryType.FACT).importance(0.5).source(new Source("s", List.of("t1"), "x", null)).createdAt(T)
                .status(MemoryStatus.ACTIVE).metadata(slot == null ? Map.of() : Map.of(Reconciler.SLOT, slot)).build();
    }

    static Candidate candidate(String slot, boolean retraction) {
        return new Candidate("The user lives in Lisbon.", MemoryKind.FACT, 0.5, null, slot, List.of("t2"), retraction);
    }

    static ReconcileDecision d(ReconcileAction a, Memory target, String text) {
        return new ReconcileDecision(a, target == null ? null : target.id().toString(), text);
    }

    static String check(Candidate c, Memory slotHolder, ReconcileDecision... ds) {
        return DecisionCheck.problem(Arrays.asList(ds), OFFERED, c, slotHolder);
    }

    @Test
    void validAdvicePasses() {
        Candidate lisbon = candidate("user.location", false);
        assertNull(check(lisbon, PARIS, d(SUPERSEDE, PARIS, "The user lives in Lisbon.")));
        assertNull(check(lisbon, PARIS, d(DELETE, PARIS, null), d(ADD, null, "The user lives in Lisbon.")));
        assertNull(check(lisbon, PARIS, d(UPDATE, PARIS, "The user lives in Paris and Lisbon."), d(NOOP, JAZZ, null)));
        assertNull(check(candidate(null, false), null, d(ADD, null, "x"), d(NOOP, JAZZ, null), d(UPDATE, PARIS, "y")));
        assertNull(check(candidate(null, true), null, d(DELETE, PARIS, null), d(NOOP, JAZZ, null)));
    }

    @Test
    void eachBrokenInvariantHasItsReason() {
        Candidate plain = candidate(null, false);
        Memory bobs = memory("The user likes coffee.", null); // not offered: another user's, or made up
        assertEquals(DecisionCheck.UNKNOWN_TARGET, check(plain, null, d(UPDATE, bobs, "The user likes coffee a lot.")));
        assertEquals(DecisionCheck.REPEATED_TARGET, check(plain, null, d(NOOP, JAZZ, null), d(DELETE, JAZZ, null)));
        assertEquals(DecisionCheck.SEVERAL_NEW, check(plain, null, d(ADD, null, "a"), d(ADD, null, "b")));
        assertEquals(DecisionCheck.SEVERAL_NEW, check(plain, null, d(SUPERSEDE, PARIS, "a"), d(SUPERSEDE, JAZZ, "b")));
        Candidate lisbon = candidate("user.location", false);
        assertEquals(DecisionCheck.SLOT_CONFLICT, check(lisbon, PARIS, d(ADD, null, "The user lives in Lisbon.")));
        assertEquals(DecisionCheck.SLOT_CONFLICT, check(lisbon, PARIS, d(SUPERSEDE, JAZZ, "The user lives in Lisbon.")));
        assertEquals(DecisionCheck.SLOT_CONFLICT, check(lisbon, PARIS, d(NOOP, PARIS, null), d(ADD, null, "x")));
        Candidate retraction = candidate(null, true);
        assertEquals(DecisionCheck.RETRACTION_WRITES, check(retraction, null, d(ADD, null, "x")));
        assertEquals(DecisionCheck.RETRACTION_WRITES, check(retraction, null, d(UPDATE, PARIS, "x")));
        assertEquals(DecisionCheck.RETRACTION_WRITES, check(retraction, null, d(SUPERSEDE, PARIS, "x")));
        assertEquals(DecisionCheck.INVALID_TEXT, check(plain, null, d(ADD, null, "x".repeat(Memory.MAX_CONTENT_BYTES + 1))));
        assertEquals(DecisionCheck.INVALID_TEXT, check(plain, null, d(UPDATE, JAZZ, "bad \uD800 surrogate")));
        assertEquals(DecisionCheck.INVALID_TEXT, check(plain, null, d(ADD, null, "nul \0")));
        assertEquals(DecisionCheck.NULL_DECISION, DecisionCheck.problem(Arrays.asList(d(NOOP, JAZZ, null), null), OFFERED, plain, null));
    }
}
