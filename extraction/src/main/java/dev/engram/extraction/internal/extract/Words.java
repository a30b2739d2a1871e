package dev.engram.extraction.internal.extract;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Word-level helpers of the rules: stripping fillers and vocatives, counting content words. Stateless and thread-safe. */
final class Words {

    /** "Hey Aiko," "Thanks, Mel!": a greeting and a name, whoever the name is. */
    private static final Pattern GREETING_VOCATIVE = Pattern.compile(
            "^(?i:hey|hi|hello|hiya|thanks|thank you|congrats|congratulations|wow|oh|yes|no|sorry|morning|evening)[,!]?\\s+\\p{Lu}\\p{Ll}+[,!.]+\\s*");

    /** A capitalised word after a comma at the end of a sentence: ", Mel!" */
    private static final Pattern TRAILING_NAME = Pattern.compile(",\\s*(\\p{Lu}\\p{Ll}{2,})\\s*(?=[.!?]*$)");

    /** A dropped subject: "Lost my job…", "Just signed up…", "Gonna continue…". */
    private static final String PAST_VERB = "(?:[a-z]+ed|went|got|had|lost|made|took|saw|ran|found|bought|met|won|left|spent|"
            + "read|wrote|tried|started|finished|joined|signed|moved|visited)\\b";
    /** "Just signed up…" (an adverb makes the dropped "I" certain), or a past verb with "my"/"me" later. */
    private static final Pattern DROPPED_SUBJECT_PAST = Pattern.compile(
            "^(?:(?:just|finally|recently)\\s+" + PAST_VERB + "|(?:also\\s+|actually\\s+)?" + PAST_VERB + "(?=.*\\b(?:my|me|our|us)\\b))",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern DROPPED_SUBJECT_PROGRESSIVE = Pattern.compile(
            "^(?:(?:just|still|currently|also)\\s+)?(?:gonna|thinking|planning|hoping|trying|looking|finishing|working|heading|"
                    + "getting|starting|taking|reading|learning|researching|saving|training|studying|considering|going)\\b",
            Pattern.CASE_INSENSITIVE);

    private Words() {}

    /** Removes "Caroline, …" at the start and "…, Caroline!" at the end (plain string work: this runs per sentence and name). */
    private static String stripName(String s, String name) {
        if (s.startsWith(name) && (s.length() == name.length() || !Character.isLetterOrDigit(s.charAt(name.length())))) {
            int j = name.length();
            while (j < s.length() && (s.charAt(j) == ',' || s.charAt(j) == '!' || s.charAt(j) == '.')) {
                j++;
            }
            s = s.substring(j).stripLeading();
        }
        int end = s.length();
        while (end > 0 && ".!?".indexOf(s.charAt(end - 1)) >= 0) {
            end--;
        }
        String body = s.substring(0, end).stripTrailing();
        if (body.endsWith(name)) {
            String before = body.substring(0, body.length() - name.length()).stripTrailing();
            if (before.endsWith(",")) {
                s = before.substring(0, before.length() - 1) + s.substring(end);
            }
        }
        return s;
    }

    /** "Mel" for "Melanie": a vocative short form of a speaker's name. */
    static boolean isShortFormOf(String word, List<String> names) {
        for (String n : names) {
            if (n.length() > word.length() && n.startsWith(word)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Restores a subject that casual speech drops: "Lost my job yesterday" → "I lost my job
     * yesterday", "Researching adoption agencies" → "I'm researching adoption agencies".
     */
    static String restoreSubject(String clause) {
        if (DROPPED_SUBJECT_PAST.matcher(clause).lookingAt()) {
            return "I " + lowerFirst(clause);
        }
        if (DROPPED_SUBJECT_PROGRESSIVE.matcher(clause).lookingAt()) {
            return "I'm " + lowerFirst(clause);
        }
        return clause;
    }

    static String lowerFirst(String s) {
        return s.length() > 1 && Character.isUpperCase(s.charAt(0)) && Character.isLowerCase(s.charAt(1))
                ? Character.toLowerCase(s.charAt(0)) + s.substring(1) : s;
    }

    static boolean isQuestion(String s) {
        return s.replaceAll("[\"')\\s]+$", "").endsWith("?");
    }

    /** Removes interjections and vocatives ("Hey Mel!", ", Caroline!") around a sentence. */
    static String strip(String sentence, List<String> names) {
        String s = GREETING_VOCATIVE.matcher(sentence).replaceFirst("");
        s = Cues.LEADING_FILLER.matcher(s).replaceFirst("");
        for (String name : names) {
            s = stripName(s, name);
        }
        Matcher tail = TRAILING_NAME.matcher(s);
        if (tail.find() && isShortFormOf(tail.group(1), names)) {
            s = s.substring(0, tail.start()) + s.substring(tail.end(1));
        }
        s = Cues.LEADING_FILLER.matcher(s).replaceFirst("");
        return s.strip();
    }

    static String stripClause(String clause, List<String> names) {
        String c = strip(clause, names);
        c = Cues.TRAILING_FILLER.matcher(c).replaceAll("");
        return c.strip();
    }

    static int contentWords(String s) {
        return contentList(s).size();
    }

    static List<String> contentList(String s) {
        List<String> out = new ArrayList<>();
        for (String w : s.toLowerCase(Locale.ROOT).split("[^\\p{L}\\d']+")) {
            String t = w.replaceAll("^'+|'+$", "").replaceAll("'s$", "");
            if (Lexicon.isContent(t)) {
                out.add(t);
            }
        }
        return out;
    }

    static List<String> stems(List<String> words) {
        List<String> out = new ArrayList<>(words.size());
        for (String w : words) {
            out.add(w.length() > 4 ? w.replaceFirst("(?:ing|ed|es|s)$", "") : w);
        }
        return out;
    }

    static String firstContentWords(String s, int n) {
        List<String> words = contentList(s.replaceAll("(?i)\\b(?:it|that|this|them|one|so much|a lot)\\b", " "));
        return String.join(" ", words.subList(0, Math.min(n, words.size())));
    }

    static int overlap(List<String> a, List<String> b) {
        int n = 0;
        for (String w : a) {
            if (b.contains(w)) {
                n++;
            }
        }
        return n;
    }
}
