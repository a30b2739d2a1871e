package dev.engram.extraction.internal.extract;

import static dev.engram.extraction.internal.extract.Words.contentList;
import static dev.engram.extraction.internal.extract.Words.contentWords;
import static dev.engram.extraction.internal.extract.Words.firstContentWords;
import static dev.engram.extraction.internal.extract.Words.isQuestion;
import static dev.engram.extraction.internal.extract.Words.lowerFirst;
import static dev.engram.extraction.internal.extract.Words.stems;
import static dev.engram.extraction.internal.extract.Words.strip;

import dev.engram.extraction.extract.MemoryKind;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The per-clause rules of one turn and what they have produced so far (drafts, remarks, the
 * clauses already seen, the last person named). Not thread-safe: one instance per turn and call.
 */
final class ClauseRules {

    /**
     * Clauses longer than this skip the rules (pasted text, not conversation); the limit also bounds
     * the cost of the regular expressions, some of which are quadratic in the clause length.
     */
    static final int MAX_CLAUSE_CHARS = 600;

    /** A like or dislike stated about someone else ("My wife doesn't like heights"). */
    private static final Pattern LIKES = Pattern.compile(
            "(?i)\\b(?:loves|likes|hates|enjoys|prefers|adores|dislikes|(?:doesn't|does not|don't|do not) (?:like|enjoy)|can't stand)\\b");

    final TurnExtractor.TurnInput in;
    final List<Draft> drafts = new ArrayList<>();
    final List<String> remarks = new ArrayList<>();
    final List<String> previousClauses = new ArrayList<>();
    String lastPerson;

    ClauseRules(TurnExtractor.TurnInput in) {
        this.in = in;
        this.lastPerson = lastNamed(in);
    }

    /** The last pet or person the speaker named in their previous few statements, for "she"/"he". */
    private static String lastNamed(TurnExtractor.TurnInput in) {
        int n = Math.min(3, in.priorStatements().size());
        for (int i = 0; i < n; i++) {
            List<SlotDetector.SlotMatch> found = SlotDetector.detect(in.priorStatements().get(i), in.subject());
            for (int j = found.size() - 1; j >= 0; j--) {
                String a = found.get(j).attribute();
                if (a.endsWith(".name")) { // family, pet and contact names; not the speaker's own name
                    return found.get(j).value();
                }
            }
        }
        return null;
    }

    /** "She's scared of bikes" → "Pepper is scared of bikes" when the speaker just named Pepper. */
    private String resolvePronoun(String c) {
        if (lastPerson == null) {
            return c;
        }
        Matcher p = Cues.LEADING_PRONOUN.matcher(c);
        return p.lookingAt() ? lastPerson + (p.group().endsWith("'s") ? " is" : "") + c.substring(p.end()) : c;
    }

    void clause(String c, String previousInSentence) {
        if (c.length() > MAX_CLAUSE_CHARS) {
            remark(c); // nobody states a fact in 600 characters without a full stop; keep it, skip the rules
            return;
        }
        c = Words.restoreSubject(c);
        boolean corrected = false;
        Matcher corr = Cues.CORRECTION.matcher(c);
        if (corr.matches()) {
            corrected = true;
            c = corr.group("rest") != null ? corr.group("rest") : corr.group("rest2");
        }
        Matcher value = Cues.VALUE_ONLY.matcher(c);
        if (value.matches() && (corrected || c.matches("(?i)^(?:it's|it is|its)\\b.*") || c.matches("(?i).*\\b(?:now|instead)[.!]*$"))
                && Retractions.valueCorrection(this, value.group("v"))) {
            return;
        }
        if (corrected) {
            c = Cues.NOT_TAIL.matcher(c).replaceAll("");
        }
        if (Retractions.negation(this, c)) {
            return;
        }
        boolean first = Cues.FIRST_PERSON.matcher(c).find();
        if (Cues.ABOUT_ADDRESSEE.matcher(c).lookingAt() && !Cues.WANT_YOU_TO.matcher(c).lookingAt()) {
            return; // "You did not tell me!": about the other person, said to them
        }
        if (in.toAssistant() && instruction(c, previousInSentence)) {
            return;
        }
        if (in.toAssistant() && Cues.REQUEST.matcher(c).lookingAt()) {
            return; // "I'd like kid-friendly hikes": a request for this conversation, not a fact
        }
        if (first && Cues.PREFERENCE.matcher(c).find() && !Cues.WISH.matcher(c).find()) {
            preference(c);
            return;
        }
        if (!first) {
            remark(c);
            return;
        }
        statement(c, corrected);
    }

    /** A first-person statement, with any slots it states. */
    List<Draft> statement(String c, boolean corrected) {
        List<Draft> produced = new ArrayList<>();
        if (Cues.SOCIAL.matcher(c).find() && contentWords(Cues.SOCIAL.matcher(c).replaceFirst("")) < 2) {
            return produced;
        }
        c = resolvePronoun(c);
        Tense tense = Tense.of(c);
        List<SlotDetector.SlotMatch> slots = SlotDetector.detect(c, in.subject());
        DateResolver.Result dated = DateResolver.resolve(c, in.ref(), tense);
        String text = TextCleaner.asSentence(ThirdPerson.rewrite(dated.text(), in.subject(), in.addressee()));
        StringBuilder canonicalWords = new StringBuilder();
        String tagSlot = null;
        for (SlotDetector.SlotMatch m : slots) {
            if (m.text() != null) {
                produced.add(new Draft(TextCleaner.asSentence(m.text()), m.kind(), null, in.subject().slot(m.attribute()), false,
                        corrected ? Draft.Origin.CORRECTION : Draft.Origin.SLOT));
                canonicalWords.append(' ').append(m.text());
                if (m.attribute().startsWith("family.") || m.attribute().startsWith("pet.") || m.attribute().endsWith(".name")) {
                    lastPerson = m.value();
                }
            } else if (tagSlot == null) {
                tagSlot = m.attribute();
            }
        }
        int residual = residualContent(text, canonicalWords.toString());
        boolean likes = LIKES.matcher(c).find();
        if (residual >= 2 || ((tagSlot != null || likes) && residual >= 1)) {
            boolean event = tense != Tense.NONE || dated.firstDate() != null || Cues.PLAN.matcher(c).find();
            MemoryKind kind = (tagSlot != null && tagSlot.startsWith("preference.")) || likes ? MemoryKind.PREFERENCE
                    : event ? MemoryKind.EVENT : MemoryKind.FACT;
            produced.add(new Draft(text, kind, dated.firstDate(), tagSlot == null ? null : in.subject().slot(tagSlot), false,
                    corrected ? Draft.Origin.CORRECTION : tagSlot != null ? Draft.Origin.SLOT : Draft.Origin.STATEMENT));
        }
        drafts.addAll(produced);
        return produced;
    }

    void preference(String c) {
        Matcher m = Cues.PREFERENCE.matcher(c);
        m.find();
        String obj = m.group("obj") != null ? m.group("obj") : m.group("obj2");
        List<SlotDetector.SlotMatch> slots = SlotDetector.detect(c, in.subject());
        String slot = null;
        for (SlotDetector.SlotMatch s : slots) {
            if (s.attribute().startsWith("preference.")) {
                slot = in.subject().slot(s.attribute());
            }
        }
        if (slot == null && obj != null) {
            String head = firstContentWords(obj, 3);
            if (head.isEmpty()) {
                return; // "I love it": nothing to remember without its referent
            }
            slot = in.subject().slot("opinion." + Lexicon.slug(head));
        }
        DateResolver.Result dated = DateResolver.resolve(c, in.ref(), Tense.of(c));
        String text = TextCleaner.asSentence(ThirdPerson.rewrite(dated.text(), in.subject(), in.addressee()));
        drafts.add(new Draft(text, MemoryKind.PREFERENCE, dated.firstDate(), slot, false, Draft.Origin.PREFERENCE));
    }

    /** "Always give me a shopping list", "metric units please", "I want you to …". */
    boolean instruction(String c, String previousInSentence) {
        String imp = null;
        String when = null;
        Matcher m = Cues.INSTRUCTION.matcher(c);
        if (m.matches()) {
            imp = m.group("imp");
            when = m.group("when");
            if (imp.matches("(?i)^call me\\b.*")) {
                return false; // a name, handled by the slot rules
            }
        } else if ((m = Cues.WANT_YOU_TO.matcher(c)).find() && c.matches("(?i).*\\b(?:want|need|like|prefer) you\\b.*|(?i).*\\byou should\\b.*")) {
            imp = m.group("imp") != null ? m.group("imp") : m.group("imp2");
        } else if ((m = Cues.PLEASE_TAIL.matcher(c)).matches() && !Cues.FIRST_PERSON.matcher(m.group("what")).find()) {
            String what = m.group("what").strip();
            if (contentWords(what) >= 1) {
                drafts.add(new Draft(TextCleaner.asSentence(in.subject().sentenceName() + " wants " + what), MemoryKind.PROCEDURAL,
                        null, null, false, Draft.Origin.INSTRUCTION));
                return true;
            }
            return false;
        }
        if (imp == null || contentWords(imp) < 1) {
            return false;
        }
        imp = lowerFirst(imp.replaceFirst("(?i)^(?:don't|do not)\\s+", "not "));
        when = when == null ? null : lowerFirst(when);
        String body = ThirdPerson.rewrite(imp, in.subject(), "the assistant");
        if (when != null) {
            body = body.replaceAll("[.!]+$", "") + " " + ThirdPerson.rewrite(when, in.subject(), "the assistant");
        }
        if (previousInSentence != null && imp.matches("(?i).*\\b(?:that|this|it)\\b.*")) {
            body = body.replaceAll("[.!]+$", "") + ": " + ThirdPerson.rewrite(previousInSentence, in.subject(), "the assistant");
        }
        drafts.add(new Draft(TextCleaner.asSentence(in.subject().sentenceName() + " wants the assistant to " + body),
                MemoryKind.PROCEDURAL, null, null, false, Draft.Origin.INSTRUCTION));
        return true;
    }

    List<Draft> statementOrPreference(String c) {
        if (Cues.PREFERENCE.matcher(c).find()) {
            preference(c);
            return List.copyOf(drafts);
        }
        return statement(c, false);
    }

    /** A clause about someone or something else: kept for one "X said: …" memory of the turn. */
    void remark(String c) {
        if (Cues.REACTION.matcher(c).lookingAt() || (Cues.WEAK_REACTION.matcher(c).lookingAt() && contentWords(c) < 4)) {
            return;
        }
        int needed = Cues.THIRD_PERSON_START.matcher(c).lookingAt() ? 2 : 3;
        if (contentWords(c) < needed) {
            return;
        }
        remarks.add(resolvePronoun(c));
    }

    void flushRemarks() {
        if (remarks.isEmpty()) {
            return;
        }
        String joined = String.join(" ", remarks.stream().map(TextCleaner::asSentence).toList());
        remarks.clear();
        DateResolver.Result dated = DateResolver.resolve(joined, in.ref(), Tense.of(joined));
        String text = in.subject().sentenceName() + " said: " + ThirdPerson.rewrite(dated.text(), in.subject(), in.addressee());
        Tense t = Tense.of(joined);
        MemoryKind kind = Cues.PREFERENCE.matcher(joined).find() || joined.matches("(?i).*\\b(?:loves?|hates?|likes?|enjoys?|prefers?)\\b.*")
                ? MemoryKind.PREFERENCE : t != Tense.NONE || dated.firstDate() != null ? MemoryKind.EVENT : MemoryKind.FACT;
        drafts.add(new Draft(text.strip(), kind, dated.firstDate(), null, false, Draft.Origin.REMARK));
    }

    /** Nothing matched but the turn says something: keep a plain memory of it. */
    void fallback() {
        List<String> kept = new ArrayList<>();
        for (String sentence : SentenceSplitter.sentences(in.text())) {
            String s = strip(sentence, in.names());
            if (!s.isEmpty() && !isQuestion(s) && !Lexicon.SMALL_TALK.matcher(s).matches()
                    && !Cues.REACTION.matcher(s).lookingAt()
                    && !(Cues.WEAK_REACTION.matcher(s).lookingAt() && contentWords(s) < 4)
                    && !(in.toAssistant() && Cues.REQUEST.matcher(s).lookingAt())) {
                kept.add(TextCleaner.asSentence(s));
            }
        }
        String joined = String.join(" ", kept);
        if (contentWords(joined) < 4) {
            return;
        }
        DateResolver.Result dated = DateResolver.resolve(joined, in.ref(), Tense.of(joined));
        String text = in.subject().sentenceName() + " said: " + ThirdPerson.rewrite(dated.text(), in.subject(), in.addressee());
        MemoryKind kind = Tense.of(joined) != Tense.NONE || dated.firstDate() != null ? MemoryKind.EVENT : MemoryKind.FACT;
        drafts.add(new Draft(text, kind, dated.firstDate(), null, false, Draft.Origin.REMARK));
    }

    private int residualContent(String text, String canonical) {
        List<String> have = stems(contentList(text));
        List<String> covered = stems(contentList(canonical + " " + in.subject().name()));
        have.removeAll(covered);
        return have.size();
    }
}
