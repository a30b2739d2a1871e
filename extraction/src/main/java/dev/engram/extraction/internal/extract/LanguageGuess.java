package dev.engram.extraction.internal.extract;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tells English from other languages well enough to route text: the rules are English, anything
 * else passes through as a plain memory of the turn. Non-Latin scripts are "other"; Latin text is
 * "other" when it has no English function word and at least one common foreign one.
 * Stateless and thread-safe.
 */
public final class LanguageGuess {

    private static final Pattern WORD = Pattern.compile("[\\p{L}']+");

    private LanguageGuess() {}

    /** Whether {@code text} looks English (or too short to tell, which the rules then treat as English). */
    public static boolean isEnglish(String text) {
        int letters = 0;
        int latin = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isLetter(cp)) {
                letters++;
                if (Character.UnicodeScript.of(cp) == Character.UnicodeScript.LATIN) {
                    latin++;
                }
            }
        }
        if (letters == 0) {
            return true;
        }
        if (latin < letters * 0.7) {
            return false;
        }
        int english = 0;
        int foreign = 0;
        int words = 0;
        Matcher m = WORD.matcher(text);
        while (m.find()) {
            String w = m.group().toLowerCase(Locale.ROOT);
            words++;
            if (Lexicon.STOP_WORDS.contains(w)) {
                english++;
            } else if (Lexicon.FOREIGN_WORDS.contains(w)) {
                foreign++;
            }
        }
        if (words < 3) {
            return foreign == 0;
        }
        return foreign == 0 || english > foreign;
    }
}
