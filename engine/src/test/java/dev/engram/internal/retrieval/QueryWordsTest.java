package dev.engram.internal.retrieval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.junit.jupiter.api.Test;

class QueryWordsTest {
    @Test
    void dropsQuestionWordsCaseInsensitivelyAndKeepsTheRest() {
        assertEquals("Caroline go to the LGBTQ support group",
                QueryWords.strip("When did Caroline go to the LGBTQ support group?", QueryWords.QUESTION_WORDS));
        assertEquals("Melanie's hobbies", QueryWords.strip("What kind of Melanie's hobbies", Set.of("what", "kind", "of")));
        assertEquals("", QueryWords.strip("What did?", QueryWords.QUESTION_WORDS));
        assertEquals("unchanged text?", QueryWords.strip("unchanged text?", Set.of()), "no stop words: the text as given");
    }

    @Test
    void theConfiguredListIsLowerCased() {
        RetrievalConfig c = RetrievalConfig.defaults().withQueryStopWords(Set.of("WHAT"));
        assertEquals(Set.of("what"), c.queryStopWords());
    }
}
