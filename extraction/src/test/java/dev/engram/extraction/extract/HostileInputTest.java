package dev.engram.extraction.extract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.testkit.Seeded;
import dev.engram.testkit.TestRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * Huge, empty, binary-looking and adversarial turns: a typed error or a (possibly empty) list of
 * well-formed candidates, never a crash, never a hang.
 */
@Seeded
class HostileInputTest {

    private static final Instant T = Instant.parse("2024-02-29T23:59:59Z");
    private static final String[] WORDS = {
        "I", "I'm", "my", "we", "you", "love", "hate", "live", "in", "at", "work", "as", "a", "the", "dog", "named", "Rex",
        "yesterday", "last", "next", "Friday", "weekend", "May", "June", "3", "weeks", "ago", "forget", "that", "actually",
        "it's", "Lisbon", "no", "longer", "anymore", "please", "always", "never", "don't", "favorite", "color", "is",
        "allergic", "to", "peanuts", "St.", "Dr.", ",", ".", "!", "?", "...", "\n", "and", "but", "so", "not", "every",
        "on", "of", "'", "\"", "-", "—", "😀", "日本", "über", "ǅ", "\u0000", "\u202E", "\uFEFF", "\t"
    };
    private final RuleBasedExtractor rules = new RuleBasedExtractor();

    @Test
    void aTurnOverTheLimitIsATypedError() {
        String huge = "I love jazz. ".repeat(2_000);
        var request = ExtractionRequest.of(List.of(Turn.user("h", huge, T)));
        ExtractionException e = assertThrows(ExtractionException.class, () -> rules.extract(request));
        assertEquals(ExtractionException.Reason.INVALID_REQUEST, e.reason());
        assertTrue(e.getMessage().contains("h"), e.getMessage());
    }

    @Test
    void aTurnJustUnderTheLimitWithoutPunctuationFinishesQuickly() {
        String longSentence = "I work as a " + "very ".repeat(3_900) + "busy nurse at " + "Big ".repeat(100) + "Hospital";
        assertTrue(longSentence.length() < RuleBasedExtractor.DEFAULT_MAX_TURN_CHARS);
        var request = ExtractionRequest.of(List.of(Turn.user("l", longSentence, T)));
        List<Candidate> got = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> rules.extract(request));
        got.forEach(HostileInputTest::wellFormed);
        assertTrue(got.stream().allMatch(c -> c.text().length() <= RuleBasedExtractor.MAX_TEXT_CHARS + 1));
    }

    @Test
    void emptyBlankAndSymbolOnlyTurnsYieldNothing() {
        for (String s : List.of("", " ", "\n\n\t", "\u0000\u0001\u0002", "😀🎉👍", "...", "?!?!", "\u200B\u200C", "-----")) {
            assertEquals(List.of(), rules.extract(ExtractionRequest.of(List.of(Turn.user("e", s, T)))), "for " + s.codePoints().boxed().toList());
        }
    }

    @Test
    void controlAndBidiCharactersNeverReachTheMemoryText() {
        var request = ExtractionRequest.of(List.of(Turn.user("c", "I\u0000 live in \u202ELis\u0007bon\uFEFF.", T)));
        Candidate c = rules.extract(request).get(0);
        assertEquals("The user lives in Lisbon.", c.text());
    }

    @Test
    void invalidTurnsAndRequestsAreRejectedWhenBuilt() {
        assertThrows(IllegalArgumentException.class, () -> new Turn(" ", Role.USER, null, "x", T));
        assertThrows(NullPointerException.class, () -> new Turn("a", null, null, "x", T));
        assertThrows(NullPointerException.class, () -> new Turn("a", Role.USER, null, null, T));
        assertThrows(IllegalArgumentException.class,
                () -> ExtractionRequest.of(List.of(Turn.user("a", "x", T), Turn.user("a", "y", T))));
        assertThrows(IllegalArgumentException.class, () -> new RuleBasedExtractor(java.time.ZoneOffset.UTC, 0));
    }

    @RepeatedTest(40)
    void randomWordSaladNeverCrashes(TestRandom random) {
        StringBuilder sb = new StringBuilder();
        int n = random.between(0, 400);
        for (int i = 0; i < n; i++) {
            sb.append(WORDS[random.nextInt(WORDS.length)]).append(random.nextInt(4) == 0 ? "" : " ");
        }
        String speaker = random.nextBoolean() ? null : "Ana";
        Role role = random.nextBoolean() ? Role.USER : Role.ASSISTANT;
        var turn = new Turn("w", role, speaker, sb.toString(), T);
        var recent = List.of(new Turn("r", Role.USER, speaker, WORDS[random.nextInt(WORDS.length)] + " live in Porto.", T));
        List<Candidate> got = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> rules.extract(ExtractionRequest.of(List.of(turn), recent)));
        got.forEach(HostileInputTest::wellFormed);
    }

    @RepeatedTest(20)
    void randomCodePointsNeverCrash(TestRandom random) {
        StringBuilder sb = new StringBuilder();
        int n = random.between(1, 2_000);
        for (int i = 0; i < n; i++) {
            int cp = random.nextInt(4) == 0 ? random.between(0, 0x10FFFF) : random.between(0x20, 0x7E);
            if (cp >= 0xD800 && cp <= 0xDFFF) {
                cp = '?';
            }
            sb.appendCodePoint(cp);
        }
        var turn = Turn.user("r", sb.toString(), T);
        List<Candidate> got = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> rules.extract(ExtractionRequest.of(List.of(turn))));
        got.forEach(HostileInputTest::wellFormed);
    }

    private static void wellFormed(Candidate c) {
        assertFalse(c.text().isBlank());
        assertEquals(List.of("w", "r", "l").stream().filter(c.sourceTurnIds()::contains).count(), 1L, c.toString());
        assertTrue(c.importance() >= 0 && c.importance() <= 1);
        assertTrue(c.text().codePoints().noneMatch(cp -> Character.getType(cp) == Character.CONTROL
                || Character.getType(cp) == Character.FORMAT), c.text());
    }
}
