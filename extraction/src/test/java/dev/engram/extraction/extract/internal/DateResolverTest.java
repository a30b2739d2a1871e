package dev.engram.extraction.extract.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.engram.extraction.internal.extract.DateResolver;
import dev.engram.extraction.internal.extract.Tense;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Relative and partial dates against a fixed reference day; the conventions are in docs/extraction.md. */
class DateResolverTest {

    /** Monday 8 May 2023. */
    private static final LocalDate MONDAY = LocalDate.of(2023, 5, 8);

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            I went to a support group yesterday       | I went to a support group on 7 May 2023                   | 2023-05-07
            I'll call her tomorrow                    | I'll call her on 9 May 2023                               | 2023-05-09
            we talked earlier today                   | we talked on 8 May 2023                                   | 2023-05-08
            I slept badly last night                  | I slept badly on 7 May 2023                               | 2023-05-07
            we met the day before yesterday           | we met on 6 May 2023                                      | 2023-05-06
            I ran a race last Saturday                | I ran a race on Saturday 6 May 2023                       | 2023-05-06
            it happened last Friday                   | it happened on Friday 5 May 2023                          | 2023-05-05
            the party is next Friday                  | the party is on Friday 12 May 2023                        | 2023-05-12
            we leave this Friday                      | we leave on Friday 12 May 2023                            | 2023-05-12
            I painted it on Monday                    | I painted it on Monday 1 May 2023                         | 2023-05-01
            I'm going on Wednesday                    | I'm going on Wednesday 10 May 2023                        | 2023-05-10
            we adopted a dog last weekend             | we adopted a dog on the weekend of 6 May 2023             | 2023-05-06
            we went hiking over the weekend           | we went hiking on the weekend of 6 May 2023               | 2023-05-06
            we'll go camping next weekend             | we'll go camping on the weekend of 20 May 2023            | 2023-05-20
            I'll be away this weekend                 | I'll be away on the weekend of 13 May 2023                | 2023-05-13
            I was sick last week                      | I was sick in the week of 1 May 2023                      | 2023-05-01
            the trip is next week                     | the trip is in the week of 15 May 2023                    | 2023-05-15
            I started last month                      | I started in April 2023                                   | 2023-04-01
            we move next month                        | we move in June 2023                                      | 2023-06-01
            I've been sore since last month           | I've been sore since April 2023                           | 2023-04-01
            I painted that lake sunrise last year     | I painted that lake sunrise in 2022                       | 2022-01-01
            we marry next year                        | we marry in 2024                                          | 2024-01-01
            I finished my thesis two weeks ago        | I finished my thesis around 24 April 2023                 | 2023-04-24
            I quit 3 days ago                         | I quit on 5 May 2023                                      | 2023-05-05
            I moved here four months ago              | I moved here in January 2023                              | 2023-01-01
            I turned 18 ten years ago                 | I turned 18 in 2013                                       | 2013-01-01
            it broke a few days ago                   | it broke a few days before 8 May 2023                     | 2023-05-05
            I saw her the other day                   | I saw her a few days before 8 May 2023                    | 2023-05-05
            I'll know in two weeks                    | I'll know around 22 May 2023                              | 2023-05-22
            the lease ends in 3 months                | the lease ends in August 2023                             | 2023-08-01
            I went camping last summer                | I went camping in summer 2022                             | 2022-06-01
            we're going to Spain this summer          | we're going to Spain in summer 2023                       | 2023-06-01
            I want to ski next winter                 | I want to ski in winter 2023                              | 2023-12-01
            I moved in May                            | I moved in May 2023                                       | 2023-05-01
            I visited in December                     | I visited in December 2022                                | 2022-12-01
            I'm going to visit in December           | I'm going to visit in December 2023                       | 2023-12-01
            the course started in January            | the course started in January 2023                        | 2023-01-01
            my exam is on June 3                      | my exam is on 3 June 2023                                 | 2023-06-03
            my exam is on the 3rd of June             | my exam is on 3 June 2023                                 | 2023-06-03
            it opened on 2 July 2021                  | it opened on 2 July 2021                                  | 2021-07-02
            I met him in 2019                         | I met him in 2019                                         | 2019-01-01
            I leave in early June                     | I leave in early June 2023                                | 2023-06-01
            we met last May                           | we met in May 2022                                        | 2022-05-01
            """)
    void resolvesAgainstTheTurnDate(String clause, String rewritten, LocalDate date) {
        DateResolver.Result r = DateResolver.resolve(clause, MONDAY, Tense.of(clause));
        assertEquals(rewritten, r.text());
        assertEquals(date, r.firstDate());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            I go every Tuesday and Saturday morning
            I might join you some Saturday
            I may come along
            we march on
            nothing to see here
            I was born on a Sunday
            """)
    void leavesRecurringIndefiniteAndNonDatesAlone(String clause) {
        DateResolver.Result r = DateResolver.resolve(clause, MONDAY, Tense.of(clause));
        assertEquals(clause, r.text());
        assertNull(r.firstDate());
    }

    @Test
    void aMonthDayWithoutYearIsTheNearestOneBiasedByTense() {
        LocalDate jan8 = LocalDate.of(2024, 1, 8);
        assertEquals(LocalDate.of(2023, 12, 28),
                DateResolver.resolve("we flew there on December 28", jan8, Tense.PAST).firstDate());
        assertEquals(LocalDate.of(2024, 4, 1),
                DateResolver.resolve("I signed up for the half marathon in April", jan8, Tense.PAST).firstDate());
        assertEquals(LocalDate.of(2024, 2, 29),
                DateResolver.resolve("the deadline is February 29", MONDAY, Tense.NONE).firstDate(), "only 2024 has the day");
    }

    @Test
    void yearBoundariesAndWeekendsSeenFromAWeekend() {
        LocalDate jan2 = LocalDate.of(2024, 1, 2);
        assertEquals("I started in December 2023", DateResolver.resolve("I started last month", jan2, Tense.PAST).text());
        assertEquals(LocalDate.of(2023, 12, 25), DateResolver.resolve("last week", jan2, Tense.PAST).firstDate());
        LocalDate sunday = LocalDate.of(2023, 5, 14);
        assertEquals(LocalDate.of(2023, 5, 6), DateResolver.resolve("we went out last weekend", sunday, Tense.PAST).firstDate());
        assertEquals(LocalDate.of(2023, 5, 13), DateResolver.resolve("we went hiking this weekend", sunday, Tense.PAST).firstDate());
        assertEquals(LocalDate.of(2022, 12, 1),
                DateResolver.resolve("it snowed a lot last winter", MONDAY, Tense.PAST).firstDate(), "winter 2022 runs Dec 2022 to Feb 2023");
        assertEquals(LocalDate.of(2023, 12, 1),
                DateResolver.resolve("it was cold this winter", LocalDate.of(2024, 2, 10), Tense.PAST).firstDate());
    }

    @Test
    void severalExpressionsInOneClauseAreAllResolved() {
        DateResolver.Result r = DateResolver.resolve("I booked it yesterday for next Friday", MONDAY, Tense.PAST);
        assertEquals("I booked it on 7 May 2023 for on Friday 12 May 2023", r.text());
        assertEquals(2, r.resolutions().size());
        assertEquals(LocalDate.of(2023, 5, 7), r.firstDate());
    }

    @Test
    void formatsLikeTheMemoryText() {
        assertEquals("7 May 2023", DateResolver.format(LocalDate.of(2023, 5, 7)));
        assertEquals("29 February 2024", DateResolver.format(LocalDate.of(2024, 2, 29)));
    }
}
