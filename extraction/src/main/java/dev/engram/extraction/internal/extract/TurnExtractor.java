package dev.engram.extraction.internal.extract;

import dev.engram.extraction.extract.KnownMemory;
import dev.engram.extraction.extract.MemoryKind;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Applies the extraction rules to one turn: sentences, then clauses, each checked in order for a
 * retraction ("forget that…"), a correction ("actually, it's…"), a negation ("I no longer…"), an
 * instruction to the assistant, a preference, a first-person statement (with its slots), and
 * finally a remark about someone else. A turn with something informative but no rule match still
 * yields one plain memory of what was said, so no informative turn is lost.
 * Stateless (all input comes in {@link TurnInput}) and thread-safe.
 */
public final class TurnExtractor {

    /**
     * What the rules need to know about a turn.
     *
     * @param text            the cleaned turn text
     * @param ref             the turn's date in the extractor's zone
     * @param subject         who is speaking
     * @param addressee       whom "you" means, or null
     * @param toAssistant     whether the speaker addresses an AI assistant (instructions count only then)
     * @param names           the speakers' names in the conversation (vocatives are stripped)
     * @param priorStatements earlier turns of the same speaker, most recent first (for "forget that")
     * @param similar         the user's similar memories (for value-only corrections)
     */
    public record TurnInput(String text, LocalDate ref, Subject subject, String addressee, boolean toAssistant,
                            List<String> names, List<String> priorStatements, List<KnownMemory> similar) {}

    private static final Pattern ORG_WORD = Pattern.compile(
            "\\b(?:Hospital|Inc|Ltd|LLC|GmbH|University|College|School|Bank|Company|Corp|Group|Labs?|Clinic|Center|"
                    + "Centre|Studio|Agency|Café|Cafe|Bakery|Restaurant|Institute|Foundation|Office)\\b");

    /** A like or dislike stated about someone else ("My wife doesn't like heights"). */
    private static final Pattern LIKES = Pattern.compile(
            "(?i)\\b(?:loves|likes|hates|enjoys|prefers|adores|dislikes|(?:doesn't|does not|don't|do not) (?:like|enjoy)|can't stand)\\b");

    /** "Hey Aiko," "Thanks, Mel!": a greeting and a name, whoever the name is. */
    private static final Pattern GREETING_VOCATIVE = Pattern.compile(
            "^(?i:hey|hi|hello|hiya|thanks|thank you|congrats|congratulations|wow|oh|yes|no|sorry|morning|evening)[,!]?\\s+\\p{Lu}\\p{Ll}+[,!.]+\\s*");

    /**
     * Clauses longer than this skip the rules (pasted text, not conversation); the limit also bounds
     * the cost of the regular expressions, some of which are quadratic in the clause length.
     */
    static final int MAX_CLAUSE_CHARS = 600;

    private TurnExtractor() {}

    /** The drafts of one turn, in text order, duplicates removed. */
    public static List<Draft> extract(TurnInput in) {
        if (in.text().isEmpty()) {
            return List.of();
        }
        if (!LanguageGuess.isEnglish(in.text())) {
            return foreign(in);
        }
        State st = new State(in);
        for (String sentence : SentenceSplitter.sentences(in.text())) {
            String s = strip(sentence, in.names());
            if (s.isEmpty() || isQuestion(s) || Lexicon.SMALL_TALK.matcher(s).matches()) {
                continue;
            }
            Matcher forget = Cues.FORGET.matcher(s);
            if (forget.matches()) {
                st.forget(forget.group("rest"));
                continue;
            }
            String previous = null;
            for (String raw : SentenceSplitter.clauses(s)) {
                String c = stripClause(raw, in.names());
                if (!c.isEmpty() && !Lexicon.SMALL_TALK.matcher(c).matches()) {
                    st.clause(c, previous);
                    st.previousClauses.add(0, c);
                }
                previous = c;
            }
        }
        st.flushRemarks();
        if (st.drafts.isEmpty()) {
            st.fallback();
        }
        Map<String, Draft> unique = new LinkedHashMap<>();
        for (Draft d : st.drafts) {
            unique.putIfAbsent(d.text().toLowerCase(Locale.ROOT) + "|" + d.retraction(), d);
        }
        return List.copyOf(unique.values());
    }

    /** Mutable per-call state; never shared between threads. */
    private static final class State {
        final TurnInput in;
        final List<Draft> drafts = new ArrayList<>();
        final List<String> remarks = new ArrayList<>();
        final List<String> previousClauses = new ArrayList<>();
        String lastPerson;

        State(TurnInput in) {
            this.in = in;
        }

        void clause(String c, String previousInSentence) {
            if (c.length() > MAX_CLAUSE_CHARS) {
                remark(c); // nobody states a fact in 600 characters without a full stop; keep it, skip the rules
                return;
            }
            boolean corrected = false;
            Matcher corr = Cues.CORRECTION.matcher(c);
            if (corr.matches()) {
                corrected = true;
                c = corr.group("rest") != null ? corr.group("rest") : corr.group("rest2");
            }
            Matcher value = Cues.VALUE_ONLY.matcher(c);
            if (value.matches() && (corrected || c.matches("(?i)^(?:it's|it is|its)\\b.*") || c.matches("(?i).*\\b(?:now|instead)[.!]*$"))
                    && valueCorrection(value.group("v"))) {
                return;
            }
            if (corrected) {
                c = Cues.NOT_TAIL.matcher(c).replaceAll("");
            }
            if (negation(c)) {
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

        /** "I no longer X" / "I don't X anymore": retract "I X", and remember the change. */
        boolean negation(String c) {
            String positive = null;
            Matcher m = Cues.NO_LONGER.matcher(c);
            if (m.find()) {
                String subj = m.group("subj");
                positive = c.substring(0, m.start()) + subj + " " + m.group("rest");
            } else if ((m = Cues.ANYMORE.matcher(c)).find()) {
                positive = m.group("subj") != null
                        ? c.substring(0, m.start()) + m.group("subj") + " " + m.group("rest") + c.substring(m.end())
                        : c.substring(0, m.start()) + m.group("subj2") + " " + m.group("rest2") + c.substring(m.end());
            }
            if (positive == null) {
                return false;
            }
            List<Draft> retracted = new State(in).statementOrPreference(positive);
            if (retracted.isEmpty()) {
                retracted = List.of(new Draft(TextCleaner.asSentence(ThirdPerson.rewrite(positive, in.subject(), in.addressee())),
                        MemoryKind.FACT, null, null, true, Draft.Origin.RETRACTION));
            }
            for (Draft d : retracted) {
                drafts.add(d.withRetraction());
            }
            DateResolver.Result dated = DateResolver.resolve(c, in.ref(), Tense.of(c));
            drafts.add(new Draft(TextCleaner.asSentence(ThirdPerson.rewrite(dated.text(), in.subject(), in.addressee())),
                    MemoryKind.FACT, dated.firstDate(), null, false, Draft.Origin.NEGATION));
            return true;
        }

        List<Draft> statementOrPreference(String c) {
            if (Cues.PREFERENCE.matcher(c).find()) {
                preference(c);
                return List.copyOf(drafts);
            }
            return statement(c, false);
        }

        /** "forget that", "forget what I said about Leo and eggs", "forget that I have a cat". */
        void forget(String rest) {
            String target = rest == null ? "" : rest.strip();
            String remainder = null;
            int comma = target.indexOf(", ");
            if (comma > 0 && !Cues.FIRST_PERSON.matcher(target.substring(0, comma)).lookingAt()) {
                remainder = target.substring(comma + 2);
                target = target.substring(0, comma);
            }
            target = target.replaceAll("[.!]+$", "").strip();
            List<Draft> found = new ArrayList<>();
            if (Cues.FIRST_PERSON.matcher(target).lookingAt() && contentWords(target) >= 1) {
                found.addAll(new State(in).statementOrPreference(target));
            } else {
                List<String> history = new ArrayList<>(previousClauses);
                history.addAll(in.priorStatements());
                List<String> want = contentList(target);
                for (String statement : history) {
                    List<String> have = contentList(statement);
                    if (!want.isEmpty() && !have.containsAll(want) && overlap(want, have) * 2 < want.size() + 1) {
                        continue;
                    }
                    State probe = new State(in);
                    for (String clause : SentenceSplitter.clauses(statement)) {
                        probe.clause(stripClause(clause, in.names()), null);
                    }
                    probe.flushRemarks();
                    for (Draft d : probe.drafts) {
                        if (want.isEmpty() || overlap(want, contentList(d.text())) > 0) {
                            found.add(d);
                        }
                    }
                    if (!found.isEmpty()) {
                        break;
                    }
                }
                if (found.isEmpty()) {
                    for (KnownMemory k : in.similar()) {
                        if (!want.isEmpty() && overlap(want, contentList(k.text())) * 2 >= want.size()) {
                            found.add(new Draft(k.text(), k.kind(), null, k.slotKey(), true, Draft.Origin.RETRACTION));
                            break;
                        }
                    }
                }
                if (found.isEmpty() && !want.isEmpty()) {
                    found.add(new Draft(TextCleaner.asSentence(in.subject().sentenceName() + " mentioned " + target),
                            MemoryKind.FACT, null, null, true, Draft.Origin.RETRACTION));
                }
            }
            for (Draft d : found) {
                if (d.origin() != Draft.Origin.NEGATION) {
                    drafts.add(d.withRetraction());
                }
            }
            if (remainder != null && !remainder.isBlank()) {
                clause(stripClause(remainder, in.names()), null);
            }
        }

        /** "actually, it's Lisbon": the value of the most recent slot the speaker stated. */
        boolean valueCorrection(String value) {
            boolean orgLike = ORG_WORD.matcher(value).find();
            List<String> history = new ArrayList<>(previousClauses);
            history.addAll(in.priorStatements());
            SlotDetector.SlotMatch chosen = null;
            for (String statement : history) {
                List<SlotDetector.SlotMatch> slots = SlotDetector.detect(statement, in.subject());
                for (int i = slots.size() - 1; i >= 0 && chosen == null; i--) {
                    SlotDetector.SlotMatch m = slots.get(i);
                    boolean fits = !orgLike || m.attribute().equals("employer");
                    if (fits && SlotDetector.template(m.attribute(), value, in.subject()) != null) {
                        chosen = m;
                    }
                }
                if (chosen != null) {
                    break;
                }
            }
            String attribute = chosen == null ? null : chosen.attribute();
            if (attribute == null) {
                String prefix = in.subject().slotPrefix() + ".";
                for (KnownMemory k : in.similar()) {
                    if (k.slotKey() != null && k.slotKey().startsWith(prefix)
                            && SlotDetector.template(k.slotKey().substring(prefix.length()), value, in.subject()) != null) {
                        attribute = k.slotKey().substring(prefix.length());
                        break;
                    }
                }
            }
            if (attribute == null) {
                return false;
            }
            String text = SlotDetector.template(attribute, value, in.subject());
            drafts.add(new Draft(TextCleaner.asSentence(text), MemoryKind.FACT, null, in.subject().slot(attribute), false,
                    Draft.Origin.CORRECTION));
            return true;
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
            String r = c;
            if (lastPerson != null) {
                Matcher p = Cues.LEADING_PRONOUN.matcher(r);
                if (p.lookingAt()) {
                    r = lastPerson + (p.group().endsWith("'s") ? " is" : "") + r.substring(p.end());
                }
            }
            remarks.add(r);
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

    private static List<Draft> foreign(TurnInput in) {
        String t = in.text().strip();
        if (t.endsWith("?") || t.endsWith("？") || Lexicon.SMALL_TALK.matcher(t).matches()) {
            return List.of();
        }
        long cjk = t.codePoints().filter(Character::isIdeographic).count();
        if (t.split("\\s+").length < 3 && cjk < 4) {
            return List.of();
        }
        return List.of(new Draft(in.subject().sentenceName() + " said: " + t, MemoryKind.EVENT, null, null, false, Draft.Origin.FOREIGN));
    }

    private static String lowerFirst(String s) {
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
            String q = Pattern.quote(name);
            s = s.replaceFirst("^" + q + "\\b[,!.]*\\s*", "");
            s = s.replaceFirst(",\\s*" + q + "\\s*(?=[.!?]*$)", "");
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

    private static List<String> stems(List<String> words) {
        List<String> out = new ArrayList<>(words.size());
        for (String w : words) {
            out.add(w.length() > 4 ? w.replaceFirst("(?:ing|ed|es|s)$", "") : w);
        }
        return out;
    }

    private static String firstContentWords(String s, int n) {
        List<String> words = contentList(s.replaceAll("(?i)\\b(?:it|that|this|them|one|so much|a lot)\\b", " "));
        return String.join(" ", words.subList(0, Math.min(n, words.size())));
    }

    private static int overlap(List<String> a, List<String> b) {
        int n = 0;
        for (String w : a) {
            if (b.contains(w)) {
                n++;
            }
        }
        return n;
    }
}
