package dev.engram.extraction.extract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The API records reject what the engine must never see. */
class ApiTypesTest {

    private static final Instant T = Instant.parse("2024-01-01T00:00:00Z");

    @Test
    void aCandidateNeedsTextSourcesAndAnImportanceInRange() {
        List<String> src = List.of("t1");
        assertThrows(IllegalArgumentException.class, () -> new Candidate(" ", MemoryKind.FACT, 0.5, null, null, src, false));
        assertThrows(IllegalArgumentException.class, () -> new Candidate("x", MemoryKind.FACT, 1.01, null, null, src, false));
        assertThrows(IllegalArgumentException.class, () -> new Candidate("x", MemoryKind.FACT, -0.01, null, null, src, false));
        assertThrows(IllegalArgumentException.class, () -> new Candidate("x", MemoryKind.FACT, Double.NaN, null, null, src, false));
        assertThrows(IllegalArgumentException.class, () -> new Candidate("x", MemoryKind.FACT, 0.5, null, null, List.of(), false));
        assertThrows(NullPointerException.class, () -> new Candidate("x", null, 0.5, null, null, src, false));
        assertNull(new Candidate("x", MemoryKind.FACT, 0.5, null, " ", src, false).slotKey(), "a blank slot key is no slot key");
    }

    @Test
    void listsAreCopiedSoACallerCannotChangeThemLater() {
        List<String> src = new ArrayList<>(List.of("t1"));
        Candidate c = new Candidate("x", MemoryKind.FACT, 0.5, null, null, src, false);
        src.add("t2");
        assertEquals(List.of("t1"), c.sourceTurnIds());
        List<Turn> turns = new ArrayList<>(List.of(Turn.user("a", "hi", T)));
        ExtractionRequest r = ExtractionRequest.of(turns);
        turns.clear();
        assertEquals(1, r.newTurns().size());
    }

    @Test
    void reconcileDecisionsCarryATargetAndTextExactlyWhereTheActionNeedsThem() {
        assertEquals("x", new ReconcileDecision(ReconcileAction.ADD, null, "x").text());
        assertThrows(IllegalArgumentException.class, () -> new ReconcileDecision(ReconcileAction.ADD, "m1", "x"));
        assertThrows(IllegalArgumentException.class, () -> new ReconcileDecision(ReconcileAction.ADD, null, " "));
        assertThrows(IllegalArgumentException.class, () -> new ReconcileDecision(ReconcileAction.UPDATE, null, "x"));
        assertThrows(IllegalArgumentException.class, () -> new ReconcileDecision(ReconcileAction.SUPERSEDE, "m1", null));
        assertNull(new ReconcileDecision(ReconcileAction.DELETE, "m1", "ignored").text());
        assertNull(new ReconcileDecision(ReconcileAction.NOOP, "m1", null).text());
    }

    @Test
    void aBlankSpeakerIsNoSpeakerAndKnownMemoriesNeedAnId() {
        assertNull(new Turn("a", Role.USER, "  ", "x", T).speaker());
        assertThrows(IllegalArgumentException.class, () -> new KnownMemory(" ", "x", MemoryKind.FACT, null));
    }

    @Test
    void reasonsSayWhetherARetryCanHelp() {
        assertTrue(ExtractionException.Reason.TIMEOUT.retriable());
        assertTrue(ExtractionException.Reason.MALFORMED_OUTPUT.retriable());
        assertFalse(ExtractionException.Reason.INVALID_REQUEST.retriable());
        assertFalse(ExtractionException.Reason.REJECTED.retriable());
        var e = new ExtractionException(ExtractionException.Reason.RATE_LIMITED, "slow down");
        assertEquals(ExtractionException.Reason.RATE_LIMITED, e.reason());
        assertEquals("RATE_LIMITED: slow down", e.getMessage());
    }
}
