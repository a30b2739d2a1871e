package dev.engram.extraction.internal.extract;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits cleaned text into sentences and sentences into clauses. Rule-based: a sentence ends at
 * {@code . ! ?} (or runs of them, or a newline) followed by space and a capital, digit or quote,
 * unless the period belongs to a known abbreviation ("Dr.", "St.", "e.g.") or a single initial
 * ("Ursula K. Le Guin"). Stateless and thread-safe.
 */
public final class SentenceSplitter {

    private static final Set<String> ABBREVIATIONS = Set.of(
            "mr", "mrs", "ms", "dr", "prof", "st", "sr", "jr", "mt", "ft", "vs", "etc", "inc", "ltd", "co",
            "e.g", "i.e", "a.m", "p.m", "u.s", "u.k", "approx", "dept", "ave", "rd", "jan", "feb",
            "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec");

    /**
     * A clause boundary: a comma, semicolon or coordinating conjunction followed by a new
     * first-person subject ("…, and I'm allergic…", "…, I switched…", "… and I mostly write…"),
     * or ", so" (which introduces a consequence: "…, so keep that in mind").
     */
    private static final Pattern CLAUSE = Pattern.compile(
            "(?:\\s*;\\s+|,\\s+(?:(?:and|but|so|because|'cause|cause|though)\\s+)?(?=(?:I|I'm|I've|I'll|I'd|we|we're|we've|my|My|We)\\b)"
                    + "|\\s+(?:and|but)\\s+(?=(?:I|I'm|I've|I'll|I'd)\\b)|,\\s+so\\s+|,\\s+(?:and\\s+)?(?=please\\b))");

    private static final Pattern SUBORDINATE_TAIL = Pattern.compile(
            "(?i)(?:^|,\\s*|\\b(?:but|and|so)\\s+)(?:when|whenever|if|because|since|although|though|while|after|before|once|until|unless)\\b[^,]*$");

    private static final Pattern APPOSITIVE = Pattern.compile(
            "(?i)(?:my|our)(?:\\s+[\\p{L}'-]+){1,3}\\s*(?:,|[.!?]*$)");
    private static final Pattern COMMON_VERB = Pattern.compile(
            "(?i)\\b(?:is|are|was|were|has|have|had|does|do|did|can|will|would|loves|likes|hates|lives|works|said|says)\\b");

    private SentenceSplitter() {}

    /** The sentences of {@code text}, stripped, never empty strings. */
    public static List<String> sentences(String text) {
        List<String> out = new ArrayList<>();
        int start = 0;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                add(out, text.substring(start, i));
                start = i + 1;
                continue;
            }
            if (c != '.' && c != '!' && c != '?' && c != '…' && c != '。' && c != '！' && c != '？') {
                continue;
            }
            int end = i + 1;
            while (end < n && ".!?…。！？\"')".indexOf(text.charAt(end)) >= 0) {
                end++;
            }
            if (c == '.' && isAbbreviationOrNumber(text, i)) {
                i = end - 1;
                continue;
            }
            boolean cjk = c == '。' || c == '！' || c == '？';
            if (end >= n || cjk || (Character.isWhitespace(text.charAt(end)) && startsSentence(text, end))) {
                add(out, text.substring(start, end));
                start = end;
            }
            i = end - 1;
        }
        add(out, text.substring(start));
        return out;
    }

    /** The clauses of one sentence (see {@link #CLAUSE}); a sentence without a boundary is one clause. */
    public static List<String> clauses(String sentence) {
        List<String> out = new ArrayList<>();
        Matcher m = CLAUSE.matcher(sentence);
        int start = 0;
        while (m.find()) {
            if (SUBORDINATE_TAIL.matcher(sentence.substring(start, m.start())).find()) {
                continue; // "…, but when I look after myself, I'm able to…": the comma closes a subordinate clause
            }
            Matcher appositive = APPOSITIVE.matcher(sentence.substring(m.end()));
            if (appositive.lookingAt() && !COMMON_VERB.matcher(appositive.group()).find()) {
                continue; // "Oscar, my guinea pig." names what came before; it is not a new clause
            }
            if (m.start() > start) {
                add(out, sentence.substring(start, m.start()));
            }
            start = m.end();
        }
        add(out, sentence.substring(start));
        return out;
    }

    private static void add(List<String> out, String s) {
        String t = s.strip();
        if (!t.isEmpty()) {
            out.add(t);
        }
    }

    private static boolean startsSentence(String text, int from) {
        int j = from;
        while (j < text.length() && Character.isWhitespace(text.charAt(j))) {
            j++;
        }
        if (j >= text.length()) {
            return true;
        }
        char c = text.charAt(j);
        return Character.isUpperCase(c) || Character.isDigit(c) || c == '"' || c == '\'' || c == '('
                || !Character.isLetter(c) || Character.isIdeographic(c) || !Character.isLowerCase(c);
    }

    private static boolean isAbbreviationOrNumber(String text, int dot) {
        if (dot + 1 < text.length() && Character.isDigit(text.charAt(dot + 1))) {
            return true; // 3.5, 1.20
        }
        int j = dot - 1;
        while (j >= 0 && (Character.isLetter(text.charAt(j)) || text.charAt(j) == '.')) {
            j--;
        }
        String word = text.substring(j + 1, dot).toLowerCase(Locale.ROOT);
        if (word.isEmpty()) {
            return false;
        }
        if (ABBREVIATIONS.contains(word) || word.matches("\\p{L}(?:\\.\\p{L})+")) {
            return true; // "J.K. Rowling", "U.N."
        }
        // A single capital initial ("K." in "Ursula K. Le Guin"); not "I." which ends sentences.
        return word.length() == 1 && Character.isUpperCase(text.charAt(dot - 1)) && text.charAt(dot - 1) != 'I';
    }
}
