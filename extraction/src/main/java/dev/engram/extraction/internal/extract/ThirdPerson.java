package dev.engram.extraction.internal.extract;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites a first-person clause in the third person, naming the speaker: "I love my dog" →
 * "Caroline loves Caroline's dog". Repeating the name instead of guessing a pronoun reads a little
 * stiffly but keeps every memory self-contained and attributable, which retrieval needs (the
 * speaker's gender is unknown, and a memory is read without its turn). "we" becomes "Caroline and
 * others"; "you" becomes the addressee when known. Verbs after a replaced "I" (or a subject "you")
 * get the third-person singular form. Stateless and thread-safe.
 */
public final class ThirdPerson {

    private static final Pattern WORD = Pattern.compile("[A-Za-z]+(?:'[A-Za-z]+)?");
    private static final Set<String> SUBORDINATORS = Set.of(
            "when", "whenever", "if", "and", "that", "so", "because", "before", "after", "until", "unless", "as", "while");

    private static final Set<String> COPULAS = Set.of("are", "were", "have", "aren't", "weren't", "haven't", "do", "don't");

    private ThirdPerson() {}

    /**
     * Rewrites {@code clause}.
     *
     * @param addressee who "you" is ("Melanie", "the assistant"), or null to keep "you"
     */
    public static String rewrite(String clause, Subject subject, String addressee) {
        Matcher m = WORD.matcher(clause);
        StringBuilder out = new StringBuilder(clause.length() + 16);
        int pos = 0;
        boolean conjugateNext = false;
        boolean copulaOnly = false; // after an object-position "you", only "are/were/have…" mark it as a subject
        String prevWord = null;
        while (m.find()) {
            String w = m.group();
            String lw = w.toLowerCase(Locale.ROOT);
            boolean atStart = prevWord == null && clause.substring(pos, m.start()).strip().isEmpty();
            out.append(clause, pos, m.start());
            pos = m.end();
            String replacement = null;
            boolean setConjugate = false;
            String self = atStart ? subject.sentenceName() : subject.name();
            String selfPoss = atStart ? TextCleaner.capitalize(subject.possessive()) : subject.possessive();
            switch (lw) {
                case "i'm" -> replacement = self + " is";
                case "i've" -> replacement = self + " has";
                case "i'd" -> replacement = self + " would";
                case "i'll" -> replacement = self + " will";
                case "i" -> {
                    replacement = self;
                    setConjugate = true;
                }
                case "me" -> replacement = subject.name();
                case "my", "mine" -> replacement = selfPoss;
                case "myself" -> replacement = "themselves";
                case "we" -> replacement = self + " and others";
                case "we're" -> replacement = self + " and others are";
                case "we've" -> replacement = self + " and others have";
                case "we'll" -> replacement = self + " and others will";
                case "we'd" -> replacement = self + " and others would";
                case "us" -> replacement = subject.name() + " and others";
                case "our", "ours" -> replacement = selfPoss;
                case "ourselves" -> replacement = "themselves";
                default -> {
                    if (addressee != null) {
                        String other = atStart ? TextCleaner.capitalize(addressee) : addressee;
                        switch (lw) {
                            case "you're" -> replacement = other + " is";
                            case "you've" -> replacement = other + " has";
                            case "you'll" -> replacement = other + " will";
                            case "you'd" -> replacement = other + " would";
                            case "your", "yours" -> replacement = other + "'s";
                            case "yourself" -> replacement = other;
                            case "you" -> {
                                replacement = other;
                                setConjugate = atStart || (prevWord != null && SUBORDINATORS.contains(prevWord));
                                copulaOnly = !setConjugate;
                                setConjugate = true;
                            }
                            default -> { }
                        }
                    }
                }
            }
            if (replacement != null) {
                out.append(replacement);
                conjugateNext = setConjugate;
                if (!lw.equals("you")) {
                    copulaOnly = false;
                }
            } else if (conjugateNext && copulaOnly && !COPULAS.contains(lw)) {
                out.append(w);
                conjugateNext = false;
            } else if (conjugateNext) {
                if (!copulaOnly && (Lexicon.ADVERBS.contains(lw) || (lw.endsWith("ly") && lw.length() > 4))) {
                    out.append(w); // keep waiting for the verb: "I really love"
                } else {
                    out.append(conjugate(w, lw));
                    conjugateNext = false;
                }
            } else {
                out.append(w);
            }
            prevWord = lw;
        }
        out.append(clause.substring(pos));
        return out.toString();
    }

    /** The third-person singular of a verb that followed "I" ("love" → "loves"); other words unchanged. */
    static String conjugate(String w, String lw) {
        switch (lw) {
            case "am", "are" -> { return "is"; }
            case "have" -> { return "has"; }
            case "do" -> { return "does"; }
            case "don't" -> { return "doesn't"; }
            case "haven't" -> { return "hasn't"; }
            case "aren't" -> { return "isn't"; }
            case "were" -> { return "was"; }
            case "go" -> { return "goes"; }
            default -> { }
        }
        if (Lexicon.MODALS.contains(lw) || Lexicon.IRREGULAR_PAST.contains(lw) || (lw.endsWith("ed") && !lw.endsWith("eed"))
                || lw.contains("'") || lw.endsWith("ing") || lw.length() < 2 || !w.equals(lw)) {
            return w;
        }
        if (lw.matches(".*(?:s|sh|ch|x|z|o)")) {
            return w + "es";
        }
        if (lw.matches(".*[^aeiou]y")) {
            return w.substring(0, w.length() - 1) + "ies";
        }
        return w + "s";
    }
}
