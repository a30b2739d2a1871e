package dev.engram.bench.locomo;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.IntFunction;

/**
 * Evidence recall, as {@code ../shared/eval/locomo/README.md} defines it: for each scored question,
 * the share of its evidence turns covered by what retrieval returned, averaged over questions,
 * overall and per category.
 *
 * <ul>
 *   <li>At a token budget B (256, 512, 1024): returned memories are taken in rank order while
 *       their cost fits; the first that does not fit ends the context. A memory costs
 *       {@link #tokens} = ceil(characters / 4) of its text as placed in the prompt.
 *   <li>At k (5, 10, 20): the first k returned memories, whatever their length.
 * </ul>
 *
 * A memory covers the turns it was made from (its source attribution), so one memory may cover
 * several evidence turns and several memories the same turn. Questions that are adversarial
 * (category 5) or name no evidence are skipped. Not thread-safe: one accumulator per evaluation.
 */
public final class EvidenceRecall {
    public static final int[] BUDGETS = {256, 512, 1024};
    public static final int[] KS = {5, 10, 20};

    /** One retrieved memory: the text that would go into the prompt and the turns it came from. */
    public record Retrieved(String text, Set<String> sourceTurns) {}

    private final TreeMap<Integer, double[]> sumsByCategory = new TreeMap<>();
    private final TreeMap<Integer, Integer> countByCategory = new TreeMap<>();
    private final double[] sums = new double[BUDGETS.length + KS.length];
    private int count;
    private int skipped;

    /** Prompt tokens of a memory text: ceil(characters / 4), characters counted as code points. */
    public static int tokens(String text) {
        return (text.codePointCount(0, text.length()) + 3) / 4;
    }

    /** Scores one question against its ranked retrieval results (best first). */
    public void add(LocomoData.Question question, List<Retrieved> ranked) {
        add(question, ranked, budget -> ranked);
    }

    /**
     * Scores one question: recall@k over {@code ranked}, and at each budget over what the system
     * returned for that budget ({@code atBudget}), walked the same way (in order, until one does
     * not fit).
     */
    public void add(LocomoData.Question question, List<Retrieved> ranked, IntFunction<List<Retrieved>> atBudget) {
        if (!question.scored()) {
            skipped++;
            return;
        }
        double[] scores = score(question.evidence(), ranked, atBudget);
        count++;
        countByCategory.merge(question.category(), 1, Integer::sum);
        double[] cat = sumsByCategory.computeIfAbsent(question.category(), k -> new double[sums.length]);
        for (int i = 0; i < sums.length; i++) {
            sums[i] += scores[i];
            cat[i] += scores[i];
        }
    }

    /** Recall at each budget, then at each k, for one question. */
    static double[] score(List<String> evidence, List<Retrieved> ranked) {
        return score(evidence, ranked, budget -> ranked);
    }

    static double[] score(List<String> evidence, List<Retrieved> ranked, IntFunction<List<Retrieved>> atBudget) {
        double[] out = new double[BUDGETS.length + KS.length];
        for (int b = 0; b < BUDGETS.length; b++) {
            Set<String> covered = new HashSet<>();
            int used = 0;
            for (Retrieved r : atBudget.apply(BUDGETS[b])) {
                int cost = tokens(r.text());
                if (used + cost > BUDGETS[b]) break;
                used += cost;
                covered.addAll(r.sourceTurns());
            }
            out[b] = recall(evidence, covered);
        }
        for (int k = 0; k < KS.length; k++) {
            Set<String> covered = new HashSet<>();
            for (int i = 0; i < Math.min(KS[k], ranked.size()); i++) covered.addAll(ranked.get(i).sourceTurns());
            out[BUDGETS.length + k] = recall(evidence, covered);
        }
        return out;
    }

    private static double recall(List<String> evidence, Set<String> covered) {
        int hit = 0;
        for (String e : evidence) if (covered.contains(e)) hit++;
        return (double) hit / evidence.size();
    }

    /** Scored questions so far. */
    public int count() {
        return count;
    }

    /** Questions skipped (adversarial or without evidence). */
    public int skipped() {
        return skipped;
    }

    /** Mean recall over all scored questions at budget {@code BUDGETS[i]}. */
    public double atBudget(int budget) {
        return mean(sums, count, indexOf(BUDGETS, budget));
    }

    /** Mean recall in the first {@code k} results over the questions of one category (NaN if none). */
    public double atK(int category, int k) {
        double[] s = sumsByCategory.get(category);
        return s == null ? Double.NaN : mean(s, countByCategory.get(category), BUDGETS.length + indexOf(KS, k));
    }

    /** The categories scored so far, ascending. */
    public java.util.Set<Integer> categories() {
        return countByCategory.keySet();
    }

    /** Mean recall over all scored questions in the first {@code k} results. */
    public double atK(int k) {
        return mean(sums, count, BUDGETS.length + indexOf(KS, k));
    }

    /** Mean recall at {@code budget} over the questions of one category (NaN if none). */
    public double atBudget(int category, int budget) {
        double[] s = sumsByCategory.get(category);
        return s == null ? Double.NaN : mean(s, countByCategory.get(category), indexOf(BUDGETS, budget));
    }

    private static double mean(double[] s, int n, int i) {
        return n == 0 ? Double.NaN : s[i] / n;
    }

    private static int indexOf(int[] a, int v) {
        for (int i = 0; i < a.length; i++) if (a[i] == v) return i;
        throw new IllegalArgumentException(v + " is not one of the measured points");
    }

    /** Category names by what the data shows (README). */
    public static String categoryName(int category) {
        return switch (category) {
            case 1 -> "multi-hop";
            case 2 -> "temporal";
            case 3 -> "open-domain";
            case 4 -> "single-hop";
            default -> "category " + category;
        };
    }

    /** Header of {@link #row}. */
    public static String header(int labelWidth) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-" + labelWidth + "s", "method"));
        for (int b : BUDGETS) sb.append(String.format(Locale.ROOT, " %6s", "@" + b));
        for (int k : KS) sb.append(String.format(Locale.ROOT, " %6s", "R@" + k));
        sb.append("   per category @512: ");
        return sb.toString();
    }

    /** One table row: the budgets, the ks, then per-category recall at 512 tokens. */
    public String row(String label, int labelWidth) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-" + labelWidth + "s", label));
        for (int b : BUDGETS) sb.append(String.format(Locale.ROOT, " %6.3f", atBudget(b)));
        for (int k : KS) sb.append(String.format(Locale.ROOT, " %6.3f", atK(k)));
        sb.append("   ");
        List<String> cats = new ArrayList<>();
        for (int c : countByCategory.keySet()) cats.add(String.format(Locale.ROOT, "%s %.3f", categoryName(c), atBudget(c, 512)));
        sb.append(String.join(", ", cats)).append(String.format(Locale.ROOT, "  (n=%d)", count));
        return sb.toString();
    }
}
