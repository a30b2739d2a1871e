package dev.engram.extraction.embed;

import dev.engram.testkit.TestRandom;
import java.util.ArrayList;
import java.util.List;

/** Tricky tokenizer inputs: a fixed list plus seeded random mixtures of scripts and symbols. */
final class TokenizerCorpus {
    private TokenizerCorpus() {}

    static final List<String> FIXED = List.of(
            "", " ", "   \t\n  ", "Hello, world!", "hello world", "HELLO WORLD",
            "I moved to Berlin last year; my sister visited in May.", "Don't stop—won't stop... ever?!",
            "e-mail: jane.doe@example.com, https://example.org/a?b=c&d=e#f", "$100 + 5% = <ok> ^ ` | ~ {x} [y] (z)",
            "Café crème, naïve façade — résumé", "Cafe\u0301 cre\u0300me (decomposed accents)", "Ångström Øresund Ærø Straße ß",
            "İstanbul ıi İ", "ΣΊΣΥΦΟΣ σοφός ΟΔΥΣΣΕΥΣ", "Привет, мир! Ёлка", "مرحبا بالعالم", "שלום עולם",
            "我喜欢在周末去公园散步", "日本語のテキスト、カタカナとひらがな。", "한국어 텍스트 입니다", "漢字mixed英語text",
            "𠀀𠀁 𪜀 rare ideographs", "豈 更 compatibility ideographs",
            "🎉🎉 party time 🥳", "👩‍👩‍👧‍👦 family emoji with ZWJ", "👍🏽 skin tone", "🇩🇪 flag", "❤️ heart with VS16",
            "\u0000nul\u0000", "bell\u0007 and esc\u001b[31m", "line\u2028separator\u2029para", "nbsp\u00a0between\u202fnarrow",
            "zero\u200bwidth\u200cjoiners\u200d", "soft\u00adhyphen", "bom\ufeffinside", "replacement\ufffdchar",
            "\u0085next line", "vertical\u000btab\u000cformfeed", "info sep \u001c\u001d\u001e\u001f", "private \ue000 use",
            "unassigned \u0378 char", "ＦＵＬＬＷＩＤＴＨ ｔｅｘｔ １２３", "ﬁ ligature ﬂ", "Ⅻ roman ½ ² ㎞",
            "supercalifragilisticexpialidocious", "a".repeat(100), "a".repeat(101), "b".repeat(250) + " tail",
            "pneumonoultramicroscopicsilicovolcanoconiosis antidisestablishmentarianism",
            "[CLS] special [SEP] tokens [MASK] inside [PAD] text [UNK]", "[cls] lower [mask]", "x[MASK]y", "[[MASK]]",
            "tokens##with##hashes ##", "3.14159 1,000,000 2026-11-24 17:30", "C++ C# F# .NET node.js",
            "ʻOkina and kahakō: Hawaiʻi", "Việt Nam Tiếng Việt", "ñandú pingüino", "ﷺ ligature", "ﾊﾝｶｸ half-width katakana",
            "math ∑∫√∞ ≠ ≤ ≥", "arrows → ← ⇒", "quotes “double” ‘single’ «guillemets» „low“", "ellipsis… and – en — em dashes",
            "tab\tseparated\tvalues", "mixed\r\nline\rendings\n", "word ".repeat(50));

    private static final String[] PIECES = {
        "the", "memory", "agent", "Caroline", "LGBTQ", "support", "group", "painting", "yesterday", "Sweden",
        "é", "ü", "ñ", "ç", "Å", "ø", "ß", "İ", "Σ", "ς", "ж", "ф", "ا", "ש", "ก", "ह", "ع",
        "中", "文", "日", "本", "語", "한", "국", "か", "カ", "𠀀",
        "🎉", "👩‍💻", "🏳️‍🌈", "👍🏿", "✨", "☕",
        ".", ",", "!", "?", "'", "\"", "-", "—", "…", "(", ")", "[", "]", "$", "%", "&", "#", "@", "/", "\\", "_", "~", "^", "`",
        " ", " ", " ", "  ", "\t", "\n", "\u00a0", "\u3000", "\u200b", "\u00ad", "\u0301", "\u0308", "\u0000", "\u001f",
        "[MASK]", "[SEP]", "##", "123", "4.5", "xx" };

    /** {@code count} random texts from {@code random}. */
    static List<String> random(TestRandom random, int count) {
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            StringBuilder sb = new StringBuilder();
            int parts = random.between(1, 40);
            for (int p = 0; p < parts; p++) {
                switch (random.nextInt(10)) {
                    case 0 -> sb.appendCodePoint(random.between(0x20, 0x7E));
                    case 1 -> sb.appendCodePoint(random.between(0xA0, 0x24F));        // Latin-1 and extended
                    case 2 -> sb.appendCodePoint(random.between(0x4E00, 0x9FFF));      // CJK
                    case 3 -> sb.appendCodePoint(random.between(0x1F300, 0x1FAFF));    // emoji and symbols
                    case 4 -> sb.appendCodePoint(random.between(0x0300, 0x036F));      // combining marks
                    case 5 -> sb.appendCodePoint(random.between(0x2000, 0x206F));      // general punctuation, odd spaces
                    case 6 -> sb.appendCodePoint(random.between(0x0370, 0x04FF));      // Greek, Cyrillic
                    default -> sb.append(PIECES[random.nextInt(PIECES.length)]);
                }
                if (random.nextInt(3) == 0) sb.append(' ');
            }
            out.add(sb.toString());
        }
        return out;
    }
}
