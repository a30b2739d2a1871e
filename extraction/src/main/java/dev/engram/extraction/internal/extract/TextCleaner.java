package dev.engram.extraction.internal.extract;

import java.text.Normalizer;

/**
 * Makes turn text safe to analyse: NFC normalization, control and format characters removed
 * (they hide text from rules and break JSON consumers downstream), emoji and pictographs dropped
 * from memory text, whitespace collapsed. Stateless and thread-safe.
 */
public final class TextCleaner {

    private TextCleaner() {}

    /** Cleans {@code raw}; never returns null. Newlines are kept (they separate sentences). */
    public static String clean(String raw) {
        String s = Normalizer.normalize(raw, Normalizer.Form.NFC);
        StringBuilder out = new StringBuilder(s.length());
        boolean lastSpace = true;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == '\n' || cp == '\r' || cp == 0x2028 || cp == 0x2029) {
                trimTrailingSpace(out);
                if (out.length() > 0 && out.charAt(out.length() - 1) != '\n') {
                    out.append('\n');
                }
                lastSpace = true;
                continue;
            }
            if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
                if (!lastSpace) {
                    out.append(' ');
                    lastSpace = true;
                }
                continue;
            }
            if (isDropped(cp)) {
                if (Character.getType(cp) == Character.OTHER_SYMBOL && nextLetterIsUpperCase(s, i)) {
                    trimTrailingSpace(out);
                    if (out.length() > 0 && out.charAt(out.length() - 1) != '\n') {
                        out.append('\n'); // "Inspiring 💪 I emailed…": the emoji ended a sentence
                    }
                    lastSpace = true;
                }
                continue;
            }
            out.appendCodePoint(normalizePunctuation(cp));
            lastSpace = false;
        }
        trimTrailingSpace(out);
        while (out.length() > 0 && out.charAt(out.length() - 1) == '\n') {
            out.setLength(out.length() - 1);
        }
        return out.toString().strip();
    }

    private static boolean nextLetterIsUpperCase(String s, int from) {
        for (int j = from; j < s.length(); ) {
            int cp = s.codePointAt(j);
            j += Character.charCount(cp);
            if (Character.isLetter(cp)) {
                return Character.isUpperCase(cp);
            }
            if (!Character.isWhitespace(cp) && !isDropped(cp)) {
                return false;
            }
        }
        return false;
    }

    private static void trimTrailingSpace(StringBuilder out) {
        while (out.length() > 0 && out.charAt(out.length() - 1) == ' ') {
            out.setLength(out.length() - 1);
        }
    }

    private static boolean isDropped(int cp) {
        int type = Character.getType(cp);
        return type == Character.CONTROL
                || type == Character.FORMAT
                || type == Character.PRIVATE_USE
                || type == Character.SURROGATE
                || type == Character.UNASSIGNED
                || type == Character.OTHER_SYMBOL // emoji, pictographs, dingbats
                || (cp >= 0xFE00 && cp <= 0xFE0F) // variation selectors
                || (cp >= 0x1F3FB && cp <= 0x1F3FF); // skin-tone modifiers
    }

    /** Curly quotes and apostrophes become ASCII so the rules see one spelling of "I'm". */
    private static int normalizePunctuation(int cp) {
        return switch (cp) {
            case 0x2018, 0x2019, 0x02BC, 0x2032 -> '\'';
            case 0x201C, 0x201D, 0x2033 -> '"';
            default -> cp;
        };
    }

    /** Upper-cases the first letter of {@code s}. */
    public static String capitalize(String s) {
        if (s.isEmpty() || !Character.isLowerCase(s.charAt(0))) {
            return s;
        }
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /** Turns a sentence fragment into a memory sentence: capitalized, one closing period. */
    public static String asSentence(String s) {
        String t = s.strip();
        while (!t.isEmpty() && ",;:-–—".indexOf(t.charAt(t.length() - 1)) >= 0) {
            t = t.substring(0, t.length() - 1).strip();
        }
        while (!t.isEmpty() && "!?.".indexOf(t.charAt(t.length() - 1)) >= 0) {
            t = t.substring(0, t.length() - 1);
        }
        t = t.strip();
        if (t.isEmpty()) {
            return t;
        }
        return capitalize(t) + ".";
    }
}
