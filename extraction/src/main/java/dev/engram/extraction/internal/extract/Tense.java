package dev.engram.extraction.internal.extract;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The time orientation of a clause, used to pick the direction of an ambiguous date ("in May", "on
 * Friday"). {@link #of} is stateless and thread-safe.
 */
public enum Tense {
    PAST,
    FUTURE,
    NONE;

    private static final Pattern FUTURE_MARKERS = Pattern.compile(
            "(?i)\\b(?:will|won't|'ll|going to|gonna|plan(?:ning)? to|planning|plan on|thinking (?:of|about)|"
                    + "hope to|hoping to|about to|want to|wanna|tomorrow|next|upcoming|coming up|soon|"
                    + "looking forward|intend to|would like to|can't wait|is due|are due|due in|starts|starting)\\b");
    private static final Pattern WORD = Pattern.compile("[A-Za-z'-]+");
    /** After these, a word in "-ed" is an adjective ("I'm excited", "she is married"), not a past tense. */
    private static final java.util.Set<String> COPULAS = java.util.Set.of(
            "am", "is", "are", "be", "being", "feel", "feels", "so", "very", "really", "pretty", "too", "super",
            "totally", "get", "gets", "getting", "seem", "seems", "look", "looks", "quite", "a", "an", "the", "bit");
    private static final java.util.Set<String> NOT_PAST = java.util.Set.of("need", "indeed", "speed", "seed", "feed", "bed", "proceed");

    /** Classifies a clause by its markers: future words win over past verbs ("I signed up to run next May"). */
    public static Tense of(String clause) {
        if (FUTURE_MARKERS.matcher(clause).find()) {
            return FUTURE;
        }
        Matcher m = WORD.matcher(clause);
        String previous = "";
        while (m.find()) {
            String w = m.group().toLowerCase(Locale.ROOT);
            boolean adjective = COPULAS.contains(previous) || previous.endsWith("'m") || previous.endsWith("'re")
                    || previous.endsWith("'s");
            if (Lexicon.IRREGULAR_PAST.contains(w) || w.equals("ago") || w.equals("yesterday") || w.equals("last")
                    || (w.endsWith("ed") && w.length() > 4 && !adjective && !NOT_PAST.contains(w))) {
                return PAST;
            }
            previous = w;
        }
        return NONE;
    }
}
