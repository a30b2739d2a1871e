package dev.engram.extraction.internal.embed;

import java.text.Normalizer;

/**
 * The BERT normalizer of HuggingFace {@code tokenizers}, step for step: clean text (drop NUL,
 * U+FFFD and "other" characters, map whitespace to a space), put spaces around CJK ideographs,
 * strip accents (NFD, then drop non-spacing marks), lowercase one code point at a time.
 *
 * <p>The character classes follow the Rust implementation rather than {@link Character}'s
 * defaults, because they differ: Rust's whitespace is the Unicode White_Space property (Java's
 * {@code isWhitespace} excludes U+00A0 and includes U+001C–U+001F), and "control" means the
 * general categories Cc, Cf and Co (and, for Java's lone surrogates, Cs); unassigned code points (Cn) are kept, as the reference does.
 *
 * <p>Immutable and thread-safe.
 */
final class BertNormalizer {
    private final boolean cleanText;
    private final boolean handleChineseChars;
    private final boolean stripAccents;
    private final boolean lowercase;

    BertNormalizer(boolean cleanText, boolean handleChineseChars, boolean stripAccents, boolean lowercase) {
        this.cleanText = cleanText;
        this.handleChineseChars = handleChineseChars;
        this.stripAccents = stripAccents;
        this.lowercase = lowercase;
    }

    /** Appends the normalized form of {@code text[from, to)} to {@code out}. */
    void normalize(String text, int from, int to, StringBuilder out) {
        if (isAscii(text, from, to)) {
            normalizeAscii(text, from, to, out);
            return;
        }
        StringBuilder cleaned = new StringBuilder(to - from + 8);
        for (int i = from; i < to; ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (cleanText) {
                if (c == 0 || c == 0xFFFD || isControl(c)) continue;
                if (isWhitespace(c)) c = ' ';
            }
            if (handleChineseChars && isChinese(c)) {
                cleaned.append(' ').appendCodePoint(c).append(' ');
            } else {
                cleaned.appendCodePoint(c);
            }
        }
        String s = cleaned.toString();
        if (stripAccents) s = Normalizer.normalize(s, Normalizer.Form.NFD);
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            if (stripAccents && Character.getType(c) == Character.NON_SPACING_MARK) continue;
            if (lowercase) {
                // Rust's char::to_lowercase is the full mapping; only U+0130 maps to two chars.
                if (c == 0x130) {
                    out.append("i\u0307");
                    continue;
                }
                c = Character.toLowerCase(c);
            }
            out.appendCodePoint(c);
        }
    }

    private void normalizeAscii(String text, int from, int to, StringBuilder out) {
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (cleanText) {
                if (c == '\t' || c == '\n' || c == '\r') c = ' ';
                else if (c < 0x20 || c == 0x7F) continue;
            }
            if (lowercase && c >= 'A' && c <= 'Z') c = (char) (c + ('a' - 'A'));
            out.append(c);
        }
    }

    private static boolean isAscii(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            if (text.charAt(i) >= 0x80) return false;
        }
        return true;
    }

    /** Rust's {@code char::is_whitespace} (Unicode White_Space). */
    static boolean isWhitespace(int c) {
        return switch (c) {
            case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000 -> true;
            default -> c >= 0x2000 && c <= 0x200A;
        };
    }

    /** The tokenizers crate's {@code is_control}: "other" categories, except tab, LF and CR. */
    static boolean isControl(int c) {
        if (c == '\t' || c == '\n' || c == '\r') return false;
        return switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.PRIVATE_USE, Character.SURROGATE -> true;
            default -> false;
        };
    }

    /** ASCII punctuation (which includes $ + < = > ^ ` | ~) or any Unicode P* category. */
    static boolean isPunctuation(int c) {
        if (c < 0x80) {
            return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126);
        }
        return switch (Character.getType(c)) {
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                    Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                    Character.OTHER_PUNCTUATION -> true;
            default -> false;
        };
    }

    /** The CJK Unified Ideograph blocks BERT treats as one-character words. */
    static boolean isChinese(int c) {
        return (c >= 0x4E00 && c <= 0x9FFF)
                || (c >= 0x3400 && c <= 0x4DBF)
                || (c >= 0x20000 && c <= 0x2A6DF)
                || (c >= 0x2A700 && c <= 0x2B73F)
                || (c >= 0x2B740 && c <= 0x2B81F)
                || (c >= 0x2B920 && c <= 0x2CEAF)
                || (c >= 0xF900 && c <= 0xFAFF)
                || (c >= 0x2F800 && c <= 0x2FA1F);
    }
}
