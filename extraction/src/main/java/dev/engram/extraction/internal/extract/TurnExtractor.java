package dev.engram.extraction.internal.extract;

import dev.engram.extraction.extract.KnownMemory;
import dev.engram.extraction.extract.MemoryKind;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;

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

    private TurnExtractor() {}

    /** The drafts of one turn, in text order, duplicates removed. */
    public static List<Draft> extract(TurnInput in) {
        if (in.text().isEmpty()) {
            return List.of();
        }
        if (!LanguageGuess.isEnglish(in.text())) {
            return foreign(in);
        }
        ClauseRules st = new ClauseRules(in);
        for (String sentence : SentenceSplitter.sentences(in.text())) {
            String s = Words.strip(sentence, in.names());
            if (s.isEmpty() || Words.isQuestion(s) || Lexicon.SMALL_TALK.matcher(s).matches()) {
                continue;
            }
            Matcher forget = Cues.FORGET.matcher(s);
            if (forget.matches()) {
                Retractions.forget(st, forget.group("rest"));
                continue;
            }
            String previous = null;
            for (String raw : SentenceSplitter.clauses(s)) {
                String c = Words.stripClause(raw, in.names());
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

    private static List<Draft> foreign(TurnInput in) {
        String t = in.text().replace('\n', ' ').strip(); // a memory is one line
        if (t.endsWith("?") || t.endsWith("？") || Lexicon.SMALL_TALK.matcher(t).matches()) {
            return List.of();
        }
        long cjk = t.codePoints().filter(Character::isIdeographic).count();
        if (t.split("\\s+").length < 3 && cjk < 4) {
            return List.of();
        }
        return List.of(new Draft(in.subject().sentenceName() + " said: " + t, MemoryKind.EVENT, null, null, false, Draft.Origin.FOREIGN));
    }
}
