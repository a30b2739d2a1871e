package dev.engram.extraction.extract;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The matching rule of the labelled-set evaluation (documented in docs/extraction.md): a candidate
 * matches an expected memory when their retraction flags agree and, over content words (lower case,
 * stop words, the speakers' names and "user"/"assistant" removed, crude suffix stemming), the
 * candidate covers at least 60% of the expected words and at least 30% of the candidate's words are
 * expected words. Pairs are assigned one-to-one per turn, best Dice score first. Its stop-word list
 * is its own, independent of the extractor's.
 */
final class MemoryMatcher {

    static final double MIN_COVERAGE = 0.6;
    static final double MIN_PRECISION = 0.3;

    private static final Set<String> STOP = Set.copyOf(List.of(
            "a", "an", "the", "and", "or", "but", "so", "to", "of", "in", "on", "at", "for", "with", "from", "by",
            "about", "as", "into", "than", "then", "i", "me", "my", "we", "us", "our", "you", "your", "he", "him",
            "his", "she", "her", "it", "its", "they", "them", "their", "this", "that", "these", "those", "is", "am",
            "are", "was", "were", "be", "been", "being", "do", "does", "did", "have", "has", "had", "will", "would",
            "can", "could", "should", "may", "might", "must", "not", "no", "just", "very", "really", "too", "also",
            "there", "here", "what", "which", "who", "when", "where", "how", "all", "any", "some", "if", "because",
            "only", "now", "user", "assistant", "others", "said", "named", "s", "t", "up", "out", "one"));

    private MemoryMatcher() {}

    /** The content words of {@code text}, without the given names. */
    static Set<String> words(String text, Collection<String> names) {
        Set<String> excluded = new HashSet<>();
        for (String n : names) {
            for (String part : n.toLowerCase(Locale.ROOT).split("\\s+")) {
                excluded.add(part);
            }
        }
        Set<String> out = new HashSet<>();
        for (String raw : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}']+")) {
            String w = raw.replaceAll("^'+|'+$", "").replaceAll("'s$", "");
            if (w.isEmpty() || STOP.contains(w) || excluded.contains(w)) {
                continue;
            }
            out.add(stem(w));
        }
        return out;
    }

    static String stem(String w) {
        if (w.length() > 5 && w.endsWith("ing")) {
            return w.substring(0, w.length() - 3);
        }
        if (w.length() > 4 && w.endsWith("ies")) {
            return w.substring(0, w.length() - 3) + "y";
        }
        if (w.length() > 4 && w.endsWith("ed")) {
            return w.substring(0, w.length() - 2);
        }
        if (w.length() > 4 && w.endsWith("es") && w.matches(".*(?:sses|ches|shes|xes|oes)")) {
            return w.substring(0, w.length() - 2);
        }
        if (w.length() > 3 && w.endsWith("s") && !w.endsWith("ss")) {
            return w.substring(0, w.length() - 1);
        }
        return w;
    }

    /** Dice score of a pair, or -1 when it does not meet the thresholds. */
    static double score(Set<String> expected, Set<String> candidate) {
        if (expected.isEmpty() || candidate.isEmpty()) {
            return -1;
        }
        int inter = 0;
        for (String w : expected) {
            if (candidate.contains(w)) {
                inter++;
            }
        }
        double coverage = inter / (double) expected.size();
        double precision = inter / (double) candidate.size();
        if (coverage < MIN_COVERAGE || precision < MIN_PRECISION) {
            return -1;
        }
        return 2.0 * inter / (expected.size() + candidate.size());
    }

    /** One matched pair: indexes into the expected and candidate lists. */
    record Pair(int expected, int candidate) {}

    /** Assigns pairs one-to-one, best score first. */
    static List<Pair> assign(List<LabelledSet.Expected> expected, List<Candidate> candidates, Collection<String> names) {
        List<double[]> scored = new ArrayList<>();
        for (int e = 0; e < expected.size(); e++) {
            Set<String> ew = words(expected.get(e).text(), names);
            for (int c = 0; c < candidates.size(); c++) {
                if (expected.get(e).retraction() != candidates.get(c).retraction()) {
                    continue;
                }
                double s = score(ew, words(candidates.get(c).text(), names));
                if (s >= 0) {
                    scored.add(new double[] {s, e, c});
                }
            }
        }
        scored.sort((a, b) -> Double.compare(b[0], a[0]));
        Set<Integer> usedE = new HashSet<>();
        Set<Integer> usedC = new HashSet<>();
        List<Pair> out = new ArrayList<>();
        for (double[] s : scored) {
            int e = (int) s[1];
            int c = (int) s[2];
            if (usedE.add(e)) {
                if (usedC.add(c)) {
                    out.add(new Pair(e, c));
                } else {
                    usedE.remove(e);
                }
            }
        }
        return out;
    }
}
