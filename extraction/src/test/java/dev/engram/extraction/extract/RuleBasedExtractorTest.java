package dev.engram.extraction.extract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RuleBasedExtractorTest extends ExtractorContract {

    private final RuleBasedExtractor rules = new RuleBasedExtractor();

    @Override
    protected Extractor extractor() {
        return rules;
    }

    @Test
    void givesNoReconcileAdviceSoTheEngineDecides() {
        var known = List.of(new KnownMemory("m1", "The user lives in Porto.", MemoryKind.FACT, "user.location"));
        var c = new Candidate("The user lives in Lisbon.", MemoryKind.FACT, 0.8, null, "user.location", List.of("t9"), false);
        assertEquals(List.of(), rules.reconcile(c, known));
    }

    private List<Candidate> extract(String text) {
        return rules.extract(ExtractionRequest.of(List.of(user("u1", text))));
    }

    private static Optional<Candidate> withSlot(List<Candidate> got, String slot) {
        return got.stream().filter(c -> slot.equals(c.slotKey())).findFirst();
    }

    @Test
    void aNamedSpeakerIsNamedAndRelativeDatesAreResolvedIntoTheText() {
        Turn turn = new Turn("D1:3", Role.USER, "Caroline", "I went to a LGBTQ support group yesterday and it was so powerful.", T);
        List<Candidate> got = rules.extract(ExtractionRequest.of(List.of(turn)));
        assertEquals(1, got.size(), got.toString());
        Candidate c = got.get(0);
        assertEquals("Caroline went to a LGBTQ support group on 7 May 2023 and it was so powerful.", c.text());
        assertEquals(MemoryKind.EVENT, c.kind());
        assertEquals(Instant.parse("2023-05-07T00:00:00Z"), c.eventTime());
        assertEquals(List.of("D1:3"), c.sourceTurnIds());
        assertFalse(c.retraction());
    }

    @Test
    void anUnnamedUserIsTheUser() {
        Candidate c = extract("I live in Lisbon.").get(0);
        assertEquals("The user lives in Lisbon.", c.text());
        assertEquals(MemoryKind.FACT, c.kind());
        assertEquals("user.location", c.slotKey());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            My name is Daniel Ortega.                        | user.name                        | The user's name is Daniel Ortega.
            Everyone calls me Dani.                          | user.nickname                    | The user is called Dani.
            I'm 34 years old.                                | user.age                         | The user is 34 years old.
            I live in New York City.                         | user.location                    | The user lives in New York City.
            I'm originally from Sweden.                      | user.origin                      | The user is from Sweden.
            I work as a nurse.                               | user.job                         | The user works as a nurse.
            I'm a software engineer at Spotify.              | user.employer                    | The user works at Spotify.
            I work for Deutsche Bahn.                        | user.employer                    | The user works at Deutsche Bahn.
            I'm vegan.                                       | user.diet                        | The user is vegan.
            I'm allergic to shellfish.                       | user.allergy.shellfish           | The user is allergic to shellfish.
            My sister Emi lives in Osaka.                    | user.family.sister.name          | The user's sister is named Emi.
            My mother, Linda, is visiting.                   | user.family.mom.name             | The user's mom is named Linda.
            My dog Rex loves the beach.                      | user.pet.dog.name                | The user has a dog named Rex.
            We adopted a kitten named Luna.                  | user.pet.kitten.name             | The user has a kitten named Luna.
            My favorite color is teal.                       | user.preference.color            | The user's favorite color is teal.
            My favourite food is ramen.                      | user.preference.food             | The user's favourite food is ramen.
            I'm married.                                     | user.relationship_status         | The user is married.
            I have three kids.                               | user.family.children             | The user has three kids.
            My therapist, Dr. Okafor, is great.              | user.therapist.name              | The user's therapist is Dr. Okafor.
            And yup, I do, Oscar, my guinea pig.             | user.pet.guinea_pig.name         | The user has a guinea pig named Oscar.
            I made a scarf for Luis, my brother.             | user.family.brother.name         | The user's brother is named Luis.
            """)
    void commonAttributesGetSlotKeys(String text, String slot, String expected) {
        List<Candidate> got = extract(text);
        Candidate c = withSlot(got, slot).orElseThrow(() -> new AssertionError("no " + slot + " in " + got));
        assertEquals(expected, c.text());
    }

    @Test
    void namedSpeakersGetTheirOwnSlotsSoTwoPeopleNeverShareOne() {
        Turn a = new Turn("a", Role.USER, "Jonas", "I live in Utrecht.", T);
        Turn b = new Turn("b", Role.ASSISTANT, "Aiko", "I live in Osaka.", T);
        List<Candidate> got = rules.extract(ExtractionRequest.of(List.of(a, b)));
        assertEquals("person.jonas.location", withSlot(got, "person.jonas.location").orElseThrow().slotKey());
        assertEquals("Aiko lives in Osaka.", withSlot(got, "person.aiko.location").orElseThrow().text());
    }

    @Test
    void aValueOnlyCorrectionRewritesTheEarlierSlot() {
        var request = ExtractionRequest.of(List.of(user("u2", "Actually, it's Lisbon.")), List.of(user("u1", "I live in Porto.")));
        List<Candidate> got = rules.extract(request);
        assertEquals(1, got.size(), got.toString());
        assertEquals("The user lives in Lisbon.", got.get(0).text());
        assertEquals("user.location", got.get(0).slotKey());
        assertEquals(List.of("u2"), got.get(0).sourceTurnIds());
    }

    @Test
    void aValueOnlyCorrectionCanUseAKnownMemory() {
        var known = new KnownMemory("m1", "The user works at Acme.", MemoryKind.FACT, "user.employer");
        var request = new ExtractionRequest(List.of(user("u2", "Actually it's Globex Corp now.")), List.of(), List.of(known));
        Candidate c = rules.extract(request).get(0);
        assertEquals("The user works at Globex Corp.", c.text());
        assertEquals("user.employer", c.slotKey());
    }

    @Test
    void aFullCorrectionDropsTheWrongValue() {
        List<Candidate> got = extract("Actually, I live in Berlin, not Munich.");
        Candidate c = withSlot(got, "user.location").orElseThrow();
        assertEquals("The user lives in Berlin.", c.text());
        assertTrue(got.stream().noneMatch(x -> x.text().contains("Munich")), got.toString());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            I no longer eat meat.                 | The user eats meat.            | The user no longer eats meat.
            I don't play tennis anymore.          | The user plays tennis.         | The user doesn't play tennis anymore.
            I'm not vegetarian any more.          | The user is vegetarian.        | The user is not vegetarian any more.
            I'm no longer living in Paris.        | The user lives in Paris.       | The user is no longer living in Paris.
            """)
    void negationRetractsThePositiveStatementAndKeepsTheChange(String text, String retracted, String change) {
        List<Candidate> got = extract(text);
        assertTrue(got.stream().anyMatch(c -> c.retraction() && c.text().equals(retracted)), got.toString());
        assertTrue(got.stream().anyMatch(c -> !c.retraction() && c.text().equals(change)), got.toString());
    }

    @Test
    void noLongerLivingSomewhereRetractsTheLocationSlot() {
        Candidate r = extract("I no longer live in Paris.").stream().filter(Candidate::retraction).findFirst().orElseThrow();
        assertEquals("user.location", r.slotKey());
    }

    @Test
    void forgetWithAStatementRetractsIt() {
        List<Candidate> got = extract("Forget that I have a cat named Tom.");
        assertFalse(got.isEmpty());
        assertTrue(got.stream().allMatch(Candidate::retraction), got.toString());
        assertTrue(got.stream().anyMatch(c -> "user.pet.cat.name".equals(c.slotKey())), got.toString());
    }

    @Test
    void forgetThatRetractsTheSpeakersPreviousStatement() {
        var request = ExtractionRequest.of(List.of(user("u3", "Please forget that.")),
                List.of(user("u1", "I'm allergic to peanuts."), Turn.assistant("a1", "Noted!", T)));
        List<Candidate> got = rules.extract(request);
        assertEquals(1, got.size(), got.toString());
        assertTrue(got.get(0).retraction());
        assertEquals("user.allergy.peanuts", got.get(0).slotKey());
        assertEquals(List.of("u3"), got.get(0).sourceTurnIds());
    }

    @Test
    void forgetAboutATopicFindsTheStatementThatMentionedIt() {
        var request = ExtractionRequest.of(List.of(user("u5", "Forget what I said about Boston.")),
                List.of(user("u1", "I work as a nurse at St. Mary's Hospital in Boston."), user("u2", "I love hiking.")));
        List<Candidate> got = rules.extract(request);
        assertEquals(1, got.size(), got.toString());
        assertEquals("The user works at St. Mary's Hospital in Boston.", got.get(0).text());
        assertEquals("user.employer", got.get(0).slotKey());
        assertTrue(got.get(0).retraction());
    }

    @Test
    void forgetAboutSomethingUnknownStillRetractsByText() {
        var known = new KnownMemory("m9", "The user has a boat called Wavy.", MemoryKind.FACT, null);
        var request = new ExtractionRequest(List.of(user("u1", "Forget about the boat.")), List.of(), List.of(known));
        Candidate c = rules.extract(request).get(0);
        assertTrue(c.retraction());
        assertEquals("The user has a boat called Wavy.", c.text());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            From now on, answer in Spanish.                    | The user wants the assistant to answer in Spanish.
            Please always give me a shopping list at the end.  | The user wants the assistant to always give the user a shopping list at the end.
            Don't use emojis.                                   | The user wants the assistant to not use emojis.
            When you show code, use Kotlin.                    | The user wants the assistant to use Kotlin when the assistant shows code.
            I want you to keep answers short.                  | The user wants the assistant to keep answers short.
            Metric units please.                               | The user wants Metric units.
            """)
    void instructionsToAnAssistantAreProcedural(String text, String expected) {
        List<Candidate> got = extract(text);
        assertEquals(1, got.size(), got.toString());
        assertEquals(MemoryKind.PROCEDURAL, got.get(0).kind());
        assertEquals(expected, got.get(0).text());
    }

    @Test
    void imperativesBetweenFriendsAreNotInstructions() {
        var request = ExtractionRequest.of(List.of(new Turn("b", Role.USER, "Ruth", "Take care of that knee! Bring a bag tomorrow.", T)),
                List.of(new Turn("a", Role.ASSISTANT, "Ben", "My knee hurts.", T)));
        assertTrue(rules.extract(request).stream().noneMatch(c -> c.kind() == MemoryKind.PROCEDURAL));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            I love Thai food.              | PREFERENCE | user.opinion.thai_food
            I can't stand the heat.        | PREFERENCE | user.opinion.heat
            We really enjoy board games.   | PREFERENCE | user.opinion.board_games
            I'm a huge fan of jazz.        | PREFERENCE | user.opinion.jazz
            """)
    void likesAndDislikesArePreferencesKeyedByTheirObject(String text, MemoryKind kind, String slot) {
        Candidate c = extract(text).get(0);
        assertEquals(kind, c.kind());
        assertEquals(slot, c.slotKey());
    }

    @Test
    void aLikeAndALaterDislikeShareTheSlot() {
        assertEquals(extract("I love sushi.").get(0).slotKey(), extract("I hate sushi.").get(0).slotKey());
    }

    @Test
    void aiAssistantSystemAndToolTurnsYieldNothingButANamedAssistantIsAPerson() {
        var ai = Turn.assistant("a", "I live in the cloud and I love helping you.", T);
        var system = new Turn("s", Role.SYSTEM, null, "I am a system prompt about Lisbon.", T);
        var tool = new Turn("t", Role.TOOL, null, "I returned 42 results.", T);
        assertEquals(List.of(), rules.extract(ExtractionRequest.of(List.of(ai, system, tool))));
        var person = new Turn("p", Role.ASSISTANT, "Melanie", "I painted a lake sunrise last year.", T);
        Candidate c = rules.extract(ExtractionRequest.of(List.of(person))).get(0);
        assertEquals("Melanie painted a lake sunrise in 2022.", c.text());
    }

    @Test
    void otherLanguagesPassThroughAsAPlainMemoryOfTheTurn() {
        List<Candidate> got = extract("Ich habe morgen einen Termin beim Zahnarzt.");
        assertEquals(1, got.size());
        assertEquals("The user said: Ich habe morgen einen Termin beim Zahnarzt.", got.get(0).text());
        assertEquals(MemoryKind.EVENT, got.get(0).kind());
        assertEquals(List.of(), extract("Hola, ¿qué tal?"), "a foreign question is still a question");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "The transgender stories were so inspiring! I was so happy and thankful for all the support.",
        "Gonna continue my edu and check out career options, which is pretty exciting!",
        "A beagle mix, about three years old. She's scared of bikes.",
        "Researching adoption agencies, it's been a dream to have a family.",
        "Crux Climbing on Elm Street, every Tuesday morning.",
        "Thinking about a used Skoda for around 8,000 euros."
    })
    void everyInformativeTurnOfAPersonYieldsACandidate(String text) {
        Turn turn = new Turn("x", Role.USER, "Sam", text, T);
        assertFalse(rules.extract(ExtractionRequest.of(List.of(turn))).isEmpty(), text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Hey Mel! Good to see you!", "Thanks, Caroline!", "Wow, that's cool! What happened?",
        "lol ok", "Happy new year, Kwame!", "Good night!", "That's great news. Are you still doing it?"})
    void smallTalkYieldsNothing(String text) {
        Turn turn = new Turn("x", Role.USER, "Sam", text, T);
        assertEquals(List.of(), rules.extract(ExtractionRequest.of(List.of(turn))), text);
    }

    @Test
    void importanceRanksHealthAboveRemarks() {
        double allergy = extract("I'm allergic to peanuts.").get(0).importance();
        double remark = rules.extract(ExtractionRequest.of(List.of(new Turn("x", Role.USER, "Sam",
                "The tomatoes in the community garden are finally ripening.", T)))).get(0).importance();
        assertTrue(allergy > remark, allergy + " vs " + remark);
    }

    @Test
    void theZoneDecidesWhichDayYesterdayWas() {
        var tokyo = new RuleBasedExtractor(java.time.ZoneId.of("Asia/Tokyo"), 1000);
        var turn = Turn.user("z", "I got back from Osaka yesterday.", Instant.parse("2023-05-08T20:00:00Z")); // 9 May in Tokyo
        Candidate c = tokyo.extract(ExtractionRequest.of(List.of(turn))).get(0);
        assertEquals("The user got back from Osaka on 8 May 2023.", c.text());
        assertEquals(Instant.parse("2023-05-07T15:00:00Z"), c.eventTime());
        assertNull(extract("I love jazz.").get(0).eventTime());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            Lost my job as a banker yesterday.                     | Sam lost Sam's job as a banker on 7 May 2023.
            Researching adoption agencies for my future family.    | Sam is researching adoption agencies for Sam's future family.
            Just signed up for a pottery class.                    | Sam just signed up for a pottery class.
            I 100% agree, Mel. I moved to Denver last month.       | Sam moved to Denver in April 2023.
            Inspiring 💪 I emailed some wholesalers today!          | Sam emailed some wholesalers on 8 May 2023.
            It's awesome how passionate you are about my garden.   | It's awesome how passionate Melanie is about Sam's garden.
            """)
    void casualSpeechBetweenFriendsIsRestored(String text, String expected) {
        var request = ExtractionRequest.of(List.of(new Turn("x", Role.USER, "Sam", text, T)),
                List.of(new Turn("w", Role.ASSISTANT, "Melanie", "Hi Sam!", T)));
        List<Candidate> got = rules.extract(request);
        assertTrue(got.stream().anyMatch(c -> c.text().equals(expected)), got.toString());
    }

    @Test
    void sheAndHeBecomeThePersonOrPetTheSpeakerJustNamed() {
        Turn earlier = new Turn("a", Role.USER, "Jonas", "By the way, we adopted a rescue dog named Pepper last weekend.", T);
        Turn other = new Turn("b", Role.ASSISTANT, "Aiko", "Aww, what kind of dog?", T);
        Turn now = new Turn("c", Role.USER, "Jonas", "A beagle mix. She's scared of bikes but she loves me.", T);
        List<Candidate> got = rules.extract(ExtractionRequest.of(List.of(now), List.of(earlier, other)));
        assertTrue(got.stream().anyMatch(c -> c.text().contains("Pepper is scared of bikes")), got.toString());
        Turn noName = new Turn("d", Role.USER, "Jonas", "She's scared of bikes.", T);
        List<Candidate> plain = rules.extract(ExtractionRequest.of(List.of(noName)));
        assertTrue(plain.stream().noneMatch(c -> c.text().contains("Pepper")), plain.toString());
    }
}
