package dev.engram.extraction.extract.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.engram.extraction.internal.extract.SentenceSplitter;
import dev.engram.extraction.internal.extract.TextCleaner;
import java.util.List;
import org.junit.jupiter.api.Test;

class SentenceSplitterTest {

    @Test
    void splitsOnTerminatorsFollowedByANewSentence() {
        assertEquals(List.of("Hey Mel!", "Good to see you!", "How have you been?"),
                SentenceSplitter.sentences("Hey Mel! Good to see you! How have you been?"));
        assertEquals(List.of("Wait... what?!", "No way"), SentenceSplitter.sentences("Wait... what?! No way"));
    }

    @Test
    void keepsAbbreviationsInitialsAndDecimalsTogether() {
        assertEquals(List.of("I met Dr. Smith today.", "He was nice!"), SentenceSplitter.sentences("I met Dr. Smith today. He was nice!"));
        assertEquals(List.of("It costs 3.50 euros.", "Cheap!"), SentenceSplitter.sentences("It costs 3.50 euros. Cheap!"));
        assertEquals(List.of("The Left Hand of Darkness by Ursula K. Le Guin.", "I loved it."),
                SentenceSplitter.sentences("The Left Hand of Darkness by Ursula K. Le Guin. I loved it."));
        assertEquals(List.of("I work at St. Mary's Hospital in Boston."), SentenceSplitter.sentences("I work at St. Mary's Hospital in Boston."));
        assertEquals(List.of("J.K. Rowling is such an inspiring writer.", "I take notes."),
                SentenceSplitter.sentences("J.K. Rowling is such an inspiring writer. I take notes."));
        assertEquals(List.of("We visited the U.S. last year.", "It was great."),
                SentenceSplitter.sentences("We visited the U.S. last year. It was great."));
    }

    @Test
    void newlinesAndCjkTerminatorsEndSentences() {
        assertEquals(List.of("line one", "line two"), SentenceSplitter.sentences("line one\nline two"));
        assertEquals(List.of("日本語も少し話せます。", "ありがとう。"), SentenceSplitter.sentences("日本語も少し話せます。ありがとう。"));
    }

    @Test
    void emptyAndBlankTextHaveNoSentences() {
        assertEquals(List.of(), SentenceSplitter.sentences(""));
        assertEquals(List.of(), SentenceSplitter.sentences("   \n  "));
        assertEquals(List.of("..."), SentenceSplitter.sentences("..."));
    }

    @Test
    void clausesSplitAtANewFirstPersonSubjectOrAConsequence() {
        assertEquals(List.of("I'm vegetarian", "I'm allergic to peanuts."), SentenceSplitter.clauses("I'm vegetarian, and I'm allergic to peanuts."));
        assertEquals(List.of("I live in Leeds", "metric units please."), SentenceSplitter.clauses("I live in Leeds, so metric units please."));
        assertEquals(List.of("I'm a developer at Zalando", "I mostly write Kotlin."),
                SentenceSplitter.clauses("I'm a developer at Zalando and I mostly write Kotlin."));
        assertEquals(List.of("I don't eat red meat, but fish is fine."), SentenceSplitter.clauses("I don't eat red meat, but fish is fine."));
        assertEquals(List.of("I adore Rex, my dog, more than anything."), SentenceSplitter.clauses("I adore Rex, my dog, more than anything."));
        assertEquals(List.of("I'm vegetarian", "my wife is vegan."), SentenceSplitter.clauses("I'm vegetarian, my wife is vegan."));
    }

    @Test
    void cleanerRemovesControlAndFormatCharactersAndEmoji() {
        assertEquals("I live in Lisbon.", TextCleaner.clean("I\u0000 live in \u202ELis\u0007bon.\u200B 🎉"));
        assertEquals("I'm fine", TextCleaner.clean("I\u2019m   fine\t"));
        assertEquals("a\nb", TextCleaner.clean("a \r\n\r\n b"));
        assertEquals("", TextCleaner.clean("\u0000\u0001 \u200B"));
    }
}
