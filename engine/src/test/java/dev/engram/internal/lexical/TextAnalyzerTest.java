package dev.engram.internal.lexical;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class TextAnalyzerTest {
    private static final TextAnalyzer A = new TextAnalyzer();

    @AfterAll
    static void close() {
        A.close();
        A.close(); // idempotent
    }

    @Test
    void stemsInflectionsToOneTerm() {
        assertEquals(List.of("run", "run", "run"), A.terms("running runs run"));
        assertEquals(A.terms("connection"), A.terms("connections"));
        assertEquals(A.terms("preferred"), A.terms("preferring"));
        assertEquals(List.of("alic", "dog"), A.terms("Alice's dogs"));
    }

    @Test
    void dropsStopWordsAndPunctuation() {
        assertEquals(List.of("cat", "mat"), A.terms("The cat is on the mat!!!"));
        assertEquals(List.of(), A.terms("and the of to a an"));
        assertEquals(List.of(), A.terms("   ...,;  "));
    }

    @Test
    void foldsCaseAccentsAndFullwidthForms() {
        assertEquals(A.terms("cafe"), A.terms("CAFÉ"));
        assertEquals(A.terms("cafe"), A.terms("ｃａｆｅ"));
        assertEquals(A.terms("naive resume"), A.terms("naïve résumé"));
    }

    @Test
    void segmentsUnicodeText() {
        assertEquals(List.of("東", "京"), A.terms("東京"));
        // Emoji are words of their own (UAX #29 with emoji sequences): "❤️" stays one term.
        assertEquals(List.of("i", "❤️", "😀", "love", "sushi"), A.terms("I ❤️ 😀 love sushi!"));
        assertEquals(List.of("москва"), A.terms("Москва"));
        assertEquals(List.of("3.14", "2026"), A.terms("3.14 2026"));
    }

    @Test
    void longTokensAreBounded() {
        List<String> terms = A.terms("x".repeat(1000));
        assertTrue(terms.stream().allMatch(t -> t.length() <= TextAnalyzer.MAX_TOKEN_LENGTH), terms.toString());
    }
}
