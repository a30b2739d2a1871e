package dev.engram.internal.lifecycle;

import dev.engram.memory.Memory;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The offline, deterministic summary of an episode (docs/privacy.md, "Consolidation"): an
 * extractive digest that keeps every distinct sentence of the cluster's events, in event order,
 * grouped under their dates ({@code "On 2023-05-07: … On 2023-05-09: …"}). A sentence is left out
 * only when an earlier kept sentence already contains each of its words, so no fact of a source
 * is lost from what retrieval serves; the length bound is enforced by the clusterer, which stops
 * growing a cluster before its summary would pass it. The same members (in any order) always give
 * the same text. Stateless; thread-safe.
 */
public final class EventSummary {
    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+");
    private static final Pattern NON_WORD = Pattern.compile("[^\\p{L}\\p{N}]+");
    private static final Set<String> STOP = Set.of("the", "and", "for", "with", "that", "this", "was", "were", "are", "has",
            "have", "had", "her", "his", "she", "him", "they", "them", "their", "you", "your", "our", "not", "but", "from",
            "about", "been", "will", "would", "can", "could", "did", "does", "who", "what", "when", "where", "which", "its",
            "into", "out", "all", "just", "also", "too", "very", "some", "any", "one", "user");

    private EventSummary() {}

    /** When a member happened: its event time, else when it was stored. */
    static Instant time(Memory m) {
        return m.eventTime() != null ? m.eventTime() : m.createdAt();
    }

    /** Members in summary order: by time, then id. */
    static List<Memory> ordered(List<Memory> members) {
        List<Memory> out = new ArrayList<>(members);
        out.sort(Comparator.comparing(EventSummary::time).thenComparing(Memory::id));
        return out;
    }

    /** The summary text of {@code members} (at least one). */
    public static String text(List<Memory> members) {
        if (members.isEmpty()) throw new IllegalArgumentException("no members");
        List<Set<String>> kept = new ArrayList<>();
        StringBuilder b = new StringBuilder();
        LocalDate current = null;
        boolean first = true;
        for (Memory m : ordered(members)) {
            LocalDate date = m.eventTime() == null ? null : LocalDate.ofInstant(m.eventTime(), ZoneOffset.UTC);
            for (String raw : SENTENCE_END.split(m.content().strip())) {
                String sentence = raw.strip().replaceAll("\\s+", " ");
                Set<String> words = allWords(sentence);
                if (words.isEmpty() || kept.stream().anyMatch(k -> k.containsAll(words))) continue;
                kept.add(words);
                if (!first) b.append(' ');
                if (first || !Objects.equals(date, current)) {
                    if (date != null) b.append("On ").append(date).append(": ");
                    current = date;
                }
                first = false;
                b.append(sentence);
                char last = sentence.charAt(sentence.length() - 1);
                if (last != '.' && last != '!' && last != '?') b.append('.');
            }
        }
        return b.toString();
    }

    /** Every word of {@code text}, lower-cased letters and digits. */
    static Set<String> allWords(String text) {
        Set<String> out = new HashSet<>();
        for (String w : NON_WORD.split(text.toLowerCase(Locale.ROOT))) if (!w.isEmpty()) out.add(w);
        return out;
    }

    /** The words that can tie two events together: three letters or more, not a stop word. */
    static Set<String> contentWords(String text) {
        Set<String> out = new HashSet<>();
        for (String w : NON_WORD.split(text.toLowerCase(Locale.ROOT))) if (w.length() >= 3 && !STOP.contains(w)) out.add(w);
        return out;
    }
}
