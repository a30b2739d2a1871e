package dev.engram.bench.locomo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocomoDataTest {
    static List<LocomoData.Conversation> tiny() throws IOException {
        try (InputStream in = LocomoDataTest.class.getResourceAsStream("/locomo/tiny-locomo.json")) {
            return LocomoData.read(in, "tiny-locomo.json");
        }
    }

    @Test
    void readsSessionsInNumericOrderWithDatesAndCaptions() throws IOException {
        LocomoData.Conversation c = tiny().getFirst();
        assertEquals("tiny-1", c.id());
        assertEquals("Ana", c.speakerA());
        assertEquals(List.of(1, 2), c.sessions().stream().map(LocomoData.Session::number).toList());
        assertEquals("1:56 pm on 8 May, 2023", c.sessions().getFirst().dateTime());
        assertEquals(List.of("D1:1", "D1:2", "D2:1", "D2:2"), c.turns().stream().map(LocomoData.Turn::id).toList());
        assertEquals("Ben: I got a puppy! [image: a photo of a small dog]", c.turns().get(2).document());
        assertEquals("Ana: I moved to Lisbon.", c.turns().getFirst().document());
        assertNull(c.turns().getFirst().caption());
    }

    @Test
    void splitsAndNormalizesEvidenceAndMarksWhatIsScored() throws IOException {
        LocomoData.Conversation c = tiny().getFirst();
        List<LocomoData.Question> q = c.questions();
        assertEquals(List.of("D1:1", "D1:2"), q.get(1).evidence(), "\"D1:1; D1:2\" names two turns");
        assertEquals(List.of("D2:1"), q.get(2).evidence(), "\"D:2:1\" is read as D2:1; \"D\" is dropped");
        assertEquals("2023", q.get(2).answer(), "numeric answers are read as text");
        assertEquals(1, c.droppedEvidence());
        assertTrue(q.get(0).scored());
        assertFalse(q.get(3).scored(), "no evidence");
        assertFalse(q.get(4).scored(), "adversarial");
        assertTrue(LocomoData.turnIds(c).containsAll(q.get(1).evidence()));
    }

    @Test
    void evidenceParsingHandlesSeparatorsAndJunk() {
        List<String> into = new ArrayList<>();
        assertEquals(1, LocomoData.parseEvidence("D8:6; D9:17, D10:3 ; junk", into));
        assertEquals(List.of("D8:6", "D9:17", "D10:3"), into);
    }

    @Test
    void rejectsFilesThatAreNotLocomo() {
        IOException notList = assertThrows(IOException.class,
                () -> LocomoData.read(new ByteArrayInputStream("{}".getBytes(StandardCharsets.UTF_8)), "x.json"));
        assertTrue(notList.getMessage().contains("x.json"));
        assertThrows(IOException.class, () -> LocomoData.read(
                new ByteArrayInputStream("[{\"sample_id\": \"c\"}]".getBytes(StandardCharsets.UTF_8)), "y.json"));
        assertThrows(IOException.class, () -> LocomoData.read(new ByteArrayInputStream(
                "[{\"conversation\": {\"session_1\": [{\"text\": \"no id\"}]}}]".getBytes(StandardCharsets.UTF_8)), "z.json"));
    }
}
