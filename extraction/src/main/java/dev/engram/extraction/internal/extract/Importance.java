package dev.engram.extraction.internal.extract;

import dev.engram.extraction.extract.MemoryKind;
import java.util.regex.Pattern;

/**
 * Scores how much a memory matters, 0..1. Identity, health and standing instructions rank high;
 * remarks low; strong feelings and dates raise a score, hedges lower it. The figures are a
 * judgement, not a measurement: retrieval multiplies them by a configurable weight.
 * Stateless and thread-safe.
 */
public final class Importance {

    private static final Pattern STRONG = Pattern.compile(
            "(?i)\\b(?:love|loves|hate|hates|can't stand|dream|important|always|never|passion|whole life|"
                    + "allergic|allergy|diagnos\\w*|surgery|hospital|pregnant|baby|married|divorce\\w*|died|passed away|"
                    + "funeral|wedding|born|promotion|graduat\\w*|adopt\\w*|moved|moving)\\b");
    private static final Pattern HEDGE = Pattern.compile(
            "(?i)\\b(?:maybe|might|perhaps|probably|kinda|sort of|i think|i guess|not sure|possibly)\\b");

    private Importance() {}

    /** The importance of {@code d}. */
    public static double of(Draft d) {
        double score = switch (d.origin()) {
            case INSTRUCTION -> 0.8;
            case RETRACTION -> 0.7;
            case SLOT, CORRECTION -> 0.75;
            case PREFERENCE -> 0.55;
            case NEGATION -> 0.6;
            case STATEMENT -> d.kind() == MemoryKind.EVENT ? 0.5 : 0.55;
            case REMARK, FOREIGN -> 0.35;
        };
        String slot = d.slotKey() == null ? "" : d.slotKey();
        if (slot.contains(".allergy.") || slot.endsWith(".diet")) {
            score = Math.max(score, 0.9);
        } else if (slot.endsWith(".name") || slot.endsWith(".location") || slot.endsWith(".job")
                || slot.endsWith(".employer") || slot.endsWith(".age") || slot.endsWith(".relationship_status")) {
            score = Math.max(score, 0.8);
        } else if (!slot.isEmpty()) {
            score += 0.1;
        }
        if (STRONG.matcher(d.text()).find()) {
            score += 0.1;
        }
        if (d.date() != null) {
            score += 0.05;
        }
        if (HEDGE.matcher(d.text()).find()) {
            score -= 0.1;
        }
        if (d.text().split("\\s+").length < 5) {
            score -= 0.05;
        }
        return Math.round(Math.max(0.05, Math.min(1.0, score)) * 100) / 100.0;
    }
}
