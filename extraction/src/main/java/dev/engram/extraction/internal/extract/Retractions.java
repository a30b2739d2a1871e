package dev.engram.extraction.internal.extract;

import static dev.engram.extraction.internal.extract.Words.contentList;
import static dev.engram.extraction.internal.extract.Words.contentWords;
import static dev.engram.extraction.internal.extract.Words.overlap;
import static dev.engram.extraction.internal.extract.Words.stripClause;

import dev.engram.extraction.extract.KnownMemory;
import dev.engram.extraction.extract.MemoryKind;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules that take something back: "I no longer…" (negation), "forget that…" (retraction) and
 * "actually, it's…" (a value-only correction). They look back at the speaker's earlier statements
 * in this turn and the session, and at the user's similar known memories. Stateless and
 * thread-safe; the {@link ClauseRules} passed in belongs to one call.
 */
final class Retractions {

    private static final Pattern ORG_WORD = Pattern.compile(
            "\\b(?:Hospital|Inc|Ltd|LLC|GmbH|University|College|School|Bank|Company|Corp|Group|Labs?|Clinic|Center|"
                    + "Centre|Studio|Agency|Café|Cafe|Bakery|Restaurant|Institute|Foundation|Office)\\b");

    private Retractions() {}

    /** "I no longer X" / "I don't X anymore": retract "I X", and remember the change. */
    static boolean negation(ClauseRules st, String c) {
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
        List<Draft> retracted = new ClauseRules(st.in).statementOrPreference(positive);
        if (retracted.isEmpty()) {
            retracted = List.of(new Draft(TextCleaner.asSentence(ThirdPerson.rewrite(positive, st.in.subject(), st.in.addressee())),
                    MemoryKind.FACT, null, null, true, Draft.Origin.RETRACTION));
        }
        for (Draft d : retracted) {
            st.drafts.add(d.withRetraction());
        }
        DateResolver.Result dated = DateResolver.resolve(c, st.in.ref(), Tense.of(c));
        st.drafts.add(new Draft(TextCleaner.asSentence(ThirdPerson.rewrite(dated.text(), st.in.subject(), st.in.addressee())),
                MemoryKind.FACT, dated.firstDate(), null, false, Draft.Origin.NEGATION));
        return true;
    }

    /** "forget that", "forget what I said about Leo and eggs", "forget that I have a cat". */
    static void forget(ClauseRules st, String rest) {
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
            found.addAll(new ClauseRules(st.in).statementOrPreference(target));
        } else {
            List<String> history = new ArrayList<>(st.previousClauses);
            history.addAll(st.in.priorStatements());
            List<String> want = contentList(target);
            for (String statement : history) {
                List<String> have = contentList(statement);
                if (!want.isEmpty() && !have.containsAll(want) && overlap(want, have) * 2 < want.size() + 1) {
                    continue;
                }
                ClauseRules probe = new ClauseRules(st.in);
                for (String clause : SentenceSplitter.clauses(statement)) {
                    probe.clause(stripClause(clause, st.in.names()), null);
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
                for (KnownMemory k : st.in.similar()) {
                    if (!want.isEmpty() && overlap(want, contentList(k.text())) * 2 >= want.size()) {
                        found.add(new Draft(k.text(), k.kind(), null, k.slotKey(), true, Draft.Origin.RETRACTION));
                        break;
                    }
                }
            }
            if (found.isEmpty() && !want.isEmpty()) {
                found.add(new Draft(TextCleaner.asSentence(st.in.subject().sentenceName() + " mentioned " + target),
                        MemoryKind.FACT, null, null, true, Draft.Origin.RETRACTION));
            }
        }
        for (Draft d : found) {
            if (d.origin() != Draft.Origin.NEGATION) {
                st.drafts.add(d.withRetraction());
            }
        }
        if (remainder != null && !remainder.isBlank()) {
            st.clause(stripClause(remainder, st.in.names()), null);
        }
    }

    /** "actually, it's Lisbon": the value of the most recent slot the speaker stated. */
    static boolean valueCorrection(ClauseRules st, String value) {
        boolean orgLike = ORG_WORD.matcher(value).find();
        List<String> history = new ArrayList<>(st.previousClauses);
        history.addAll(st.in.priorStatements());
        SlotDetector.SlotMatch chosen = null;
        for (String statement : history) {
            List<SlotDetector.SlotMatch> slots = SlotDetector.detect(statement, st.in.subject());
            for (int i = slots.size() - 1; i >= 0 && chosen == null; i--) {
                SlotDetector.SlotMatch m = slots.get(i);
                boolean fits = !orgLike || m.attribute().equals("employer");
                if (fits && SlotDetector.template(m.attribute(), value, st.in.subject()) != null) {
                    chosen = m;
                }
            }
            if (chosen != null) {
                break;
            }
        }
        String attribute = chosen == null ? null : chosen.attribute();
        if (attribute == null) {
            String prefix = st.in.subject().slotPrefix() + ".";
            for (KnownMemory k : st.in.similar()) {
                if (k.slotKey() != null && k.slotKey().startsWith(prefix)
                        && SlotDetector.template(k.slotKey().substring(prefix.length()), value, st.in.subject()) != null) {
                    attribute = k.slotKey().substring(prefix.length());
                    break;
                }
            }
        }
        if (attribute == null) {
            return false;
        }
        String text = SlotDetector.template(attribute, value, st.in.subject());
        st.drafts.add(new Draft(TextCleaner.asSentence(text), MemoryKind.FACT, null, st.in.subject().slot(attribute), false,
                Draft.Origin.CORRECTION));
        return true;
    }
}
