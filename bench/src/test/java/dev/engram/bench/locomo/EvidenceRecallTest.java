package dev.engram.bench.locomo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EvidenceRecallTest {
    static EvidenceRecall.Retrieved memory(int tokens, String... turns) {
        return new EvidenceRecall.Retrieved("x".repeat(tokens * 4), Set.of(turns));
    }

    static LocomoData.Question question(int category, String... evidence) {
        return new LocomoData.Question("q", "a", List.of(evidence), category);
    }

    @Test
    void tokensAreCharactersOverFourRoundedUp() {
        assertEquals(0, EvidenceRecall.tokens(""));
        assertEquals(1, EvidenceRecall.tokens("a"));
        assertEquals(1, EvidenceRecall.tokens("abcd"));
        assertEquals(2, EvidenceRecall.tokens("abcde"));
        assertEquals(1, EvidenceRecall.tokens("🎉🎉"), "code points, not UTF-16 units");
    }

    @Test
    void budgetTakesRankedMemoriesUntilOneDoesNotFit() {
        // 200 + 50 tokens fit in 256; the third (10 tokens) would overflow and ends the context.
        List<EvidenceRecall.Retrieved> ranked = List.of(memory(200, "D1:1"), memory(50, "D1:2"), memory(10, "D1:3"), memory(5, "D1:4"));
        double[] s = EvidenceRecall.score(List.of("D1:2", "D1:3"), ranked);
        assertEquals(0.5, s[0], 1e-12, "@256");
        assertEquals(1.0, s[1], 1e-12, "@512");
        assertEquals(1.0, s[2], 1e-12, "@1024");
    }

    @Test
    void recallAtKCountsMemoriesAndMultiTurnSources() {
        List<EvidenceRecall.Retrieved> ranked = new ArrayList<>();
        for (int i = 0; i < 30; i++) ranked.add(memory(1, "D9:" + i));
        ranked.set(3, memory(1, "D1:1", "D1:2"));
        ranked.set(12, memory(1, "D1:3"));
        double[] s = EvidenceRecall.score(List.of("D1:1", "D1:2", "D1:3"), ranked);
        assertEquals(2 / 3.0, s[3], 1e-12, "R@5");
        assertEquals(2 / 3.0, s[4], 1e-12, "R@10");
        assertEquals(1.0, s[5], 1e-12, "R@20");
    }

    @Test
    void meansAreOverScoredQuestionsOverallAndPerCategory() {
        EvidenceRecall r = new EvidenceRecall();
        r.add(question(4, "D1:1"), List.of(memory(10, "D1:1")));
        r.add(question(1, "D1:1", "D1:2"), List.of(memory(10, "D1:1")));
        r.add(question(5, "D1:1"), List.of(memory(10, "D1:1")));
        r.add(question(3), List.of());
        assertEquals(2, r.count());
        assertEquals(2, r.skipped());
        assertEquals(0.75, r.atBudget(512), 1e-12);
        assertEquals(0.75, r.atK(5), 1e-12);
        assertEquals(1.0, r.atBudget(4, 512), 1e-12);
        assertEquals(0.5, r.atBudget(1, 512), 1e-12);
        assertTrue(Double.isNaN(r.atBudget(2, 512)));
        assertThrows(IllegalArgumentException.class, () -> r.atBudget(300));
        assertTrue(r.row("m", 4).contains("multi-hop 0.500"), r.row("m", 4));
    }
}
